#include "delivery/background_handoff.hpp"

#include "support/logger.hpp"
#include "delivery/sender_request.hpp"
#include "delivery/sender_spawn.hpp"

#include <overt/plugins.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace overt::delivery {
namespace {

// The helper must not keep the tool's pipes open (a shell waiting for `tool | head` would wait
// for it) nor write on the tool's terminal.
void detach_stdio() {
    int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) return;
    for (int fd = 0; fd <= 2; ++fd) ::dup2(null_fd, fd);  // dup2 clears O_CLOEXEC on 0..2
    if (null_fd > 2) ::close(null_fd);
}

// What close() wrote for the helper without fsync; the helper makes it durable and applies the
// spill caps, both off the tool's exit path.
void finish_exit_spill(Collector::Impl& impl, const std::vector<std::string>& exit_spill_files) {
    impl.store->make_durable(exit_spill_files);
    if (!exit_spill_files.empty()) impl.enforce_caps();
}

[[noreturn]] void run_helper(Collector::Impl& impl, const std::vector<std::string>& exit_spill_files) {
    ::setsid();
    detach_stdio();
    // A helper stuck on a lock some other thread of the tool held at fork time, or on a
    // peer, dies at the alarm; its spill files wait for the next run.
    const Deadline deadline = arm_helper_alarm(impl.config.flush_timeout_ms);
    try {
        deliver_after_exit(impl, exit_spill_files, deadline);
    } catch (...) {
    }
    ::_exit(0);  // no atexit handlers, no static destructors of the tool
}

// overt-sender rebuilds the backends from the config, so only a collector whose sinks all
// came from the config can hand off to it; one given in-process Sink objects forks instead.
bool spawn_sender_program(Collector::Impl& impl, const std::vector<std::string>& exit_spill_files) {
    if (!impl.sinks_from_config) return false;
    std::string why;
    const std::string program = find_sender_program(why);
    if (program.empty()) {
        // Asked for by name (OVERT_SENDER) and unusable is worth a warning; a libovert
        // installed without its sender is not.
        const bool asked_for = ::secure_getenv("OVERT_SENDER") && *::secure_getenv("OVERT_SENDER");
        detail::logger()->log(asked_for ? spdlog::level::warn : spdlog::level::debug,
                              "overt: no sender program ({}); forking the sender", why);
        return false;
    }
    SenderRequest request;
    request.config = impl.config;
    request.config.data_dir = impl.data_dir;
    // The search path as this process resolved it (its OVERT_PLUGIN_PATH, the plugin dir
    // beside its binary): the sender loads the very plugins the tool did.
    request.config.plugin_dirs = plugin_search_path(impl.config.plugin_dirs);
    request.machine_id = impl.machine_id;
    request.exit_spill_files = exit_spill_files;
    {
        std::lock_guard lock(impl.mutex);
        request.counters = impl.counters;
        request.persisted_base = impl.persisted_base;
        request.own_files = impl.own_files;
    }
    const std::string log_path = (impl.store->dir() / kSenderLogName).string();
    const auto write_timeout = std::chrono::milliseconds(std::clamp<int64_t>(impl.config.exit_budget_ms, 1, 1000));
    std::string error;
    if (!spawn_sender(program, encode_sender_request(request), log_path, write_timeout, error)) {
        detail::logger()->warn("overt: cannot start {} ({}); forking the sender", program, error);
        return false;
    }
    return true;
}

}  // namespace

Deadline arm_helper_alarm(int64_t flush_timeout_ms) {
    const int64_t timeout_ms = std::max<int64_t>(flush_timeout_ms, 0);
    ::signal(SIGALRM, SIG_DFL);
    ::alarm(static_cast<unsigned>(timeout_ms / 1000 + 2));
    return Clock::now() + std::chrono::milliseconds(timeout_ms);
}

void deliver_after_exit(Collector::Impl& impl, const std::vector<std::string>& exit_spill_files, Deadline deadline) {
    finish_exit_spill(impl, exit_spill_files);
    impl.flush(DeliveryLimits{deadline, deadline + std::chrono::milliseconds(500)}, /*at_exit=*/true);
    for (size_t i = 0; i < impl.sinks.size(); ++i)
        if (impl.sinks[i] && !impl.sink_unavailable[i]) impl.sinks[i]->flush(deadline);
}

bool hand_off_at_exit(Collector::Impl& impl, FlushReport& report) {
    if (!impl.store) return false;
    std::vector<Event> batch;
    {
        std::lock_guard lock(impl.mutex);
        batch.swap(impl.buffer);
    }
    const size_t buffered = batch.size();
    // No fsync here (a file and a directory fsync were most of close()'s time): the rename
    // keeps the file whole against a crash of this process, and the helper fsyncs it at once;
    // only a power cut within those milliseconds could lose it.
    std::vector<std::string> exit_spill_files;
    Collector::Impl::SpillOptions options;
    options.durability = spill::Durability::deferred;
    options.apply_caps = false;
    options.written_names = &exit_spill_files;
    if (buffered)
        report.events_spilled += impl.spill(std::move(batch), impl.sink_ids, drop_reason::spill_write_failed, options);
    if (buffered == 0 && impl.store->list().empty()) {
        impl.persist_counters();
        return true;  // nothing to send: no helper
    }
    // Counters are not persisted here (two fsyncs): the helper's flush persists this process's
    // unpersisted totals together with its own sends.
    if (spawn_sender_program(impl, exit_spill_files)) return true;

    pid_t middle = ::fork();
    if (middle < 0) {
        detail::logger()->warn("overt: cannot start the background sender ({}); sending before exit",
                               std::strerror(errno));
        finish_exit_spill(impl, exit_spill_files);
        return false;
    }
    if (middle == 0) {
        pid_t helper = ::fork();
        if (helper == 0) run_helper(impl, exit_spill_files);
        ::_exit(helper < 0 ? 1 : 0);
    }
    int status = 0;
    while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        finish_exit_spill(impl, exit_spill_files);
        impl.persist_counters();
        detail::logger()->info("overt: the background sender could not start; {} spill file(s) wait for the next run",
                               impl.store->list().size());
    }
    return true;
}

}  // namespace overt::delivery
