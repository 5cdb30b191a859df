// SPDX-License-Identifier: MIT
// The collector: records events through the privacy layer into a bounded buffer, spills to
// disk when it must, and delivers to every configured sink (fan-out) with retries, by the
// configured delivery mode, never holding a process exit past its budget.
#pragma once

#include <overt/export.hpp>

#include <overt/config.hpp>
#include <overt/counters.hpp>
#include <overt/event.hpp>
#include <overt/sink.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace overt {

namespace detail {
struct CollectorAccess;
}

// Explicit choices for the constructor that takes in-process sinks (tests, tool authors who
// decide consent themselves).
struct CollectorOptions {
    bool consent_granted = false;  // false: a disabled collector that does nothing at all
    std::string data_dir;          // "" = no spilling: a full buffer drops its oldest events
    std::string machine_id;
    std::string consent_reason;    // shown by status(), e.g. "granted by overt enable"
    // Sink ids that should exist but failed to load: events owed to them stay on disk.
    std::vector<std::string> unavailable_sink_ids;
    std::vector<std::string> unavailable_sink_info;  // e.g. "otlp (failed: ...)"
};

struct SinkReport {
    std::string sink_id;
    std::string description;
    uint64_t sent = 0;     // events this sink accepted
    uint64_t retried = 0;  // RETRY results it returned
    uint64_t failed = 0;   // events it rejected or still owes after this flush
    bool fatal = false;    // skipped for the rest of the run
    std::vector<std::string> messages;
};

struct OVERT_API FlushReport {
    std::vector<SinkReport> sinks;
    uint64_t events_sent = 0;     // finished: every sink owing them accepted
    uint64_t events_spilled = 0;  // still owed, written to disk for a later run
    uint64_t events_handed_to_sender = 0;  // of those, spilled for overt-sender to deliver now
    uint64_t events_dropped = 0;  // given up (see counters().dropped for reasons)
    uint64_t spill_files_done = 0;
    uint64_t corrupt_files = 0;
    bool deadline_reached = false;
    bool consent_withdrawn = false;  // withdrawn (here or by another process): nothing more sent
    bool ok() const;
    std::string summary() const;  // a few lines for humans
};

// Thread safety: every member may be called from several threads at once (the event buffer
// and the delivery pipeline have locks of their own), except that close() and the destructor
// must be the last calls on a collector.
class OVERT_API Collector {
   public:
    // The normal path: decides consent, resolves the data dir, computes the salted machine id,
    // names one backend per config entry (the file backend into the data dir when none is
    // configured). With exit_delivery: background (the default) no plugin is loaded in this
    // process: flush() and close() spill and start overt-sender, which delivers. With
    // exit_delivery: inline the backends are loaded here through the plugin host and delivered
    // to in-process. Never throws for a backend that fails to load: see backend_info(). Throws
    // ConfigError only for an unusable config.
    static std::unique_ptr<Collector> open(Config config);

    // The path for tools that must never be taken down by their telemetry: never throws.
    // Reads `config_path` if it exists; without one (missing file or empty path) uses the
    // defaults for `tool_name` (the file backend into the data dir, consent as usual). A bad
    // file, a missing file with no `tool_name`, or any other failure gives a disabled
    // collector that records nothing, with problem() saying why (the tool may log it).
    static std::unique_ptr<Collector> open_or_disabled(const std::string& config_path,
                                                       std::string_view tool_name = {}) noexcept;
    static std::unique_ptr<Collector> open_or_disabled(Config config) noexcept;

    Collector(Config config, std::vector<std::unique_ptr<Sink>> sinks, CollectorOptions options);
    ~Collector();  // close()s if not closed
    Collector(const Collector&) = delete;
    Collector& operator=(const Collector&) = delete;

    bool enabled() const noexcept;
    // Enabled, local-only: events go to the file backend into the data dir, nothing is sent.
    bool local_only() const noexcept;
    // Why open_or_disabled() gave a disabled collector ("FILE:LINE: KEY: problem", ...); "" if
    // it opened normally (a collector off for want of consent has no problem: see consent_reason()).
    const std::string& problem() const noexcept;

    // Never throw: an event that cannot be recorded is counted as dropped (record_failed).
    void track(std::string_view type, std::string_view name, const Metadata& extra = {}) noexcept;
    void track_command(std::string_view name, int64_t duration_ms, int32_t exit_code,
                       const Metadata& extra = {}) noexcept;
    template <class Rep, class Period>
    void track_command(std::string_view name, std::chrono::duration<Rep, Period> duration, int32_t exit_code,
                       const Metadata& extra = {}) noexcept {
        track_command(name, std::chrono::duration_cast<std::chrono::milliseconds>(duration).count(), exit_code, extra);
    }
    // args and error are recorded (redacted) only with extended_collection.
    void track_command_extended(std::string_view name, std::span<const std::string> args, int64_t duration_ms,
                                int32_t exit_code, std::string_view error, const Metadata& extra = {}) noexcept;
    template <class Rep, class Period>
    void track_command_extended(std::string_view name, std::span<const std::string> args,
                                std::chrono::duration<Rep, Period> duration, int32_t exit_code, std::string_view error,
                                const Metadata& extra = {}) noexcept {
        track_command_extended(name, args, std::chrono::duration_cast<std::chrono::milliseconds>(duration).count(),
                               exit_code, error, extra);
    }

    // Spill files oldest first, then the buffer, to every sink (with a data dir the buffer is
    // spilled first, so a sink crashing the process loses nothing). Backends delivered by
    // overt-sender: spills the buffer and starts a sender. Default deadline: now + flush_timeout_ms.
    FlushReport flush();
    FlushReport flush(Deadline deadline);
    // exit_delivery: background: spill and start overt-sender. inline: flush within
    // exit_budget_ms, spill what is left, flush and release the sinks. Idempotent.
    FlushReport close();
    // Erases the buffer, spill files, corrupt/ and queued retries at once; every other process
    // of the tool sharing the data dir stops before its next request and writes nothing back.
    void drop();
    // drop(), and record nothing more in this process (the user ran `telemetry disable`).
    void disable() noexcept;

    std::string backend_info() const;
    Counters counters() const;
    const Config& config() const noexcept;
    const std::string& data_dir() const noexcept;
    const std::string& machine_id() const noexcept;
    const std::string& consent_reason() const noexcept;
    std::shared_ptr<const Origin> origin() const noexcept;

    // What a flush would send now (spill files, then the buffer), without sending or
    // changing anything.
    std::vector<Event> pending_events() const;
    size_t spill_files_waiting() const;

   private:
    struct Impl;
    friend struct detail::CollectorAccess;  // libovert's own code (the background sender)
    std::unique_ptr<Impl> impl_;
};

// Tracks one command: started at construction, recorded with track_command (its duration and
// exit code) when destroyed or at finish(), whichever comes first. Left by an exception, it
// records exit code 1 unless set_exit_code() said otherwise. A null collector records nothing.
// A scope belongs to the thread running its command; scopes on other threads are independent.
//
//     overt::CommandScope scope(*telemetry, "build");
//     ...
//     return scope.exit(run_build());   // records exit code and returns it
class OVERT_API CommandScope {
   public:
    CommandScope(Collector& collector, std::string name, Metadata extra = {}) noexcept;
    CommandScope(Collector* collector, std::string name, Metadata extra = {}) noexcept;
    ~CommandScope();
    CommandScope(const CommandScope&) = delete;
    CommandScope& operator=(const CommandScope&) = delete;

    void set_exit_code(int32_t exit_code) noexcept;
    // With extended_collection only: the error text recorded (redacted) with the command.
    void set_error(std::string_view error) noexcept;
    // Records now (once) and returns `exit_code`.
    int32_t exit(int32_t exit_code) noexcept;
    void finish() noexcept;
    std::chrono::steady_clock::duration elapsed() const noexcept;

   private:
    Collector* collector_;
    std::string name_;
    Metadata extra_;
    std::string error_;
    std::chrono::steady_clock::time_point start_;
    int32_t exit_code_ = 0;
    bool exit_code_set_ = false;
    bool done_ = false;
    int uncaught_at_start_ = 0;
};

// The Origin of events recorded by this process (os, arch, compiler, kernel version).
OVERT_API Origin make_origin(std::string machine_id, std::string tool_name, std::string tool_version);

}  // namespace overt
