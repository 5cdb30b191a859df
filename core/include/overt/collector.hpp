// SPDX-License-Identifier: MIT
// The collector: records events through the privacy layer into a bounded buffer, spills to
// disk when it must, and delivers to every configured sink (fan-out) with retries, by the
// configured delivery mode, never holding a process exit past its budget.
#pragma once

#include <overt/config.hpp>
#include <overt/counters.hpp>
#include <overt/event.hpp>
#include <overt/sink.hpp>

#include <cstdint>
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

struct FlushReport {
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

class Collector {
   public:
    // The normal path: decides consent, resolves the data dir, computes the salted machine id,
    // names one backend per config entry (the file backend into the data dir when none is
    // configured). With exit_delivery: background (the default) no plugin is loaded in this
    // process: flush() and close() spill and start overt-sender, which delivers. With
    // exit_delivery: inline the backends are loaded here through the plugin host and delivered
    // to in-process. Never throws for a backend that fails to load: see backend_info(). Throws
    // ConfigError only for an unusable config.
    static std::unique_ptr<Collector> open(Config config);

    Collector(Config config, std::vector<std::unique_ptr<Sink>> sinks, CollectorOptions options);
    ~Collector();  // close()s if not closed
    Collector(const Collector&) = delete;
    Collector& operator=(const Collector&) = delete;

    bool enabled() const noexcept;

    void track(std::string_view type, std::string_view name, const Metadata& extra = {});
    void track_command(std::string_view name, int64_t duration_ms, int32_t exit_code, const Metadata& extra = {});
    // args and error are recorded (redacted) only with extended_collection.
    void track_command_extended(std::string_view name, std::span<const std::string> args, int64_t duration_ms,
                                int32_t exit_code, std::string_view error, const Metadata& extra = {});

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

    struct Impl;

   private:
    friend struct detail::CollectorAccess;  // libovert's own code (the background sender)
    std::unique_ptr<Impl> impl_;
};

// The Origin of events recorded by this process (os, arch, compiler, kernel version).
Origin make_origin(std::string machine_id, std::string tool_name, std::string tool_version);

}  // namespace overt
