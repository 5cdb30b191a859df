#include "delivery/background_sender.hpp"

#include "collector/collector_impl.hpp"
#include "support/logger.hpp"
#include "delivery/background_handoff.hpp"
#include "delivery/sender_request.hpp"
#include "delivery/sender_supervisor.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <string>

namespace overt::delivery {
namespace {

constexpr size_t kMaxRequestBytes = 16u << 20;
constexpr off_t kMaxLogBytes = 256 * 1024;  // sender.log is started afresh past this

bool read_request(int fd, std::string& text, std::string& error) {
    char chunk[65536];
    for (;;) {
        ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n == 0) return true;
        if (n < 0) {
            if (errno == EINTR) continue;
            error = std::string("reading the request: ") + std::strerror(errno);
            return false;
        }
        text.append(chunk, static_cast<size_t>(n));
        if (text.size() > kMaxRequestBytes) {
            error = "the request is larger than 16 MiB";
            return false;
        }
    }
}

// The tool's descriptors that were not close-on-exec (its pipes, sockets) must not stay open
// here: a shell waiting for `tool | head` would wait for the sender too.
void keep_only_stdio() { ::close_range(3, ~0u, 0); }

void trim_log() {
    struct stat st {};
    if (::fstat(STDERR_FILENO, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > kMaxLogBytes)
        (void)::ftruncate(STDERR_FILENO, 0);
}

}  // namespace

int run_background_sender(int request_fd) {
    if (request_fd <= STDERR_FILENO) keep_only_stdio();
    trim_log();
    std::string text, error;
    const bool read_ok = read_request(request_fd, text, error);
    ::close(request_fd);
    if (int null_fd = ::open("/dev/null", O_RDONLY); null_fd >= 0 && null_fd != STDIN_FILENO) {
        ::dup2(null_fd, STDIN_FILENO);
        ::close(null_fd);
    }
    if (!read_ok) {
        detail::logger()->error("overt-sender: {}", error);
        return 2;
    }
    SenderRequest request;
    try {
        request = decode_sender_request(text);
    } catch (const std::exception& e) {
        detail::logger()->error("overt-sender: {}", e.what());
        return 2;
    }
    if (request.config.data_dir.empty()) {
        detail::logger()->error("overt-sender: the request names no data dir");
        return 2;
    }
    // Plugins run only in a worker child, so one that crashes or hangs takes the worker down,
    // not the sender, which records which backend did it.
    return supervise_sender(request, [&request] { return deliver_request(request); });
}

int deliver_request(SenderRequest& request) {
    // A worker stuck on a peer or a plugin dies at the alarm (or the supervisor's kill, which
    // comes first); its spill files wait for the next run.
    const Deadline deadline = arm_helper_alarm(request.config.flush_timeout_ms);

    try {
        CollectorOptions options;
        options.consent_granted = true;  // the tool decided; its collector was enabled
        options.consent_reason = "background sender of " + request.config.tool_name;
        options.data_dir = request.config.data_dir;
        options.machine_id = request.machine_id;
        auto collector = detail::open_granted(request.config, std::move(options));
        Collector::Impl& impl = detail::CollectorAccess::impl(*collector);
        {
            // The tool's counters and own files continue here, as if this were the tool.
            std::lock_guard lock(impl.mutex);
            impl.counters = std::move(request.counters);
            impl.persisted_base = std::move(request.persisted_base);
            impl.own_files = std::move(request.own_files);
        }
        deliver_after_exit(impl, request.exit_spill_files, deadline);
        impl.closed = true;  // nothing more to deliver: the destructor must not flush again
    } catch (const std::exception& e) {
        detail::logger()->error("overt-sender: {}", e.what());
        return 1;
    }
    return 0;
}

}  // namespace overt::delivery
