// SPDX-License-Identifier: MIT
#include "delivery/sender_supervisor.hpp"

#include "delivery/backend_health.hpp"
#include "plugin/call_observer.hpp"
#include "plugin/quarantine_list.hpp"
#include "support/logger.hpp"

#include <overt/sink.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <vector>

namespace overt::delivery {
namespace {

constexpr size_t kMaxReportLine = 8192;    // longer lines are not the worker's
constexpr size_t kMaxLibraryPath = 2048;
constexpr std::chrono::milliseconds kPollInterval{20};

// --- the worker's side -------------------------------------------------------------------

int report_fd = -1;  // the worker's end of the socket; set once, before any plugin call

void send_line(const std::string& line) noexcept {
    size_t done = 0;
    while (done < line.size()) {
        // MSG_NOSIGNAL: a supervisor that is gone must not kill the worker with SIGPIPE.
        ssize_t n = ::send(report_fd, line.data() + done, line.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

void report_call(bool entering, std::string_view backend_id, plugin::PluginCall call,
                 std::string_view library_path) noexcept {
    try {
        nlohmann::json line = {{"at", entering ? "enter" : "leave"},
                               {"backend", std::string(backend_id)},
                               {"call", plugin::call_name(call)},
                               {"library", std::string(library_path.substr(0, kMaxLibraryPath))}};
        send_line(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    } catch (...) {
        // Out of memory while reporting: the call goes on unreported rather than not at all.
    }
}

[[noreturn]] void run_worker(int fd, const std::function<int()>& deliver) {
    report_fd = fd;
    plugin::set_call_observer(&report_call);
    int code = 1;
    try {
        code = deliver();
    } catch (const std::exception& e) {
        detail::logger()->error("overt-sender: {}", e.what());
    }
    send_line("{\"at\":\"finished\"}\n");
    detail::logger()->flush();
    // Not exit(): an abandoned plugin call may still run on another thread, and static
    // destructors would pull its world away underneath it.
    ::_exit(code);
}

// --- the supervisor's side ---------------------------------------------------------------

struct OpenCall {
    std::string backend;
    std::string call;
    Clock::time_point since;
};

// What the supervisor learnt from the worker's reports.
struct WorkerReport {
    std::vector<OpenCall> open;                    // in the order they were entered
    std::map<std::string, std::string> libraries;  // backend id -> library path
    std::set<std::string> used;                    // backends the worker called into
    bool finished = false;

    void take(const std::string& line) {
        const nlohmann::json message = nlohmann::json::parse(line, nullptr, false);
        if (!message.is_object()) return;
        const std::string at = message.value("at", "");
        if (at == "finished") {
            finished = true;
            return;
        }
        const std::string backend = message.value("backend", "");
        const std::string call = message.value("call", "");
        if (backend.empty() || call.empty()) return;
        if (at == "enter") {
            open.push_back({backend, call, Clock::now()});
            used.insert(backend);
            if (std::string library = message.value("library", ""); !library.empty()) libraries[backend] = library;
        } else if (at == "leave") {
            auto it = std::find_if(open.rbegin(), open.rend(),
                                   [&](const OpenCall& c) { return c.backend == backend && c.call == call; });
            if (it != open.rend()) open.erase(std::next(it).base());
        }
    }
};

class ReportReader {
   public:
    explicit ReportReader(int fd) : fd_(fd) {}
    bool open() const { return fd_ >= 0; }
    // Reads what is there (waiting up to `wait` for it); closes on end of file. False when
    // nothing was read.
    bool read_some(WorkerReport& report, std::chrono::milliseconds wait) {
        pollfd readable{fd_, POLLIN, 0};
        if (::poll(&readable, 1, static_cast<int>(wait.count())) <= 0) return false;
        char chunk[4096];
        ssize_t n = ::read(fd_, chunk, sizeof chunk);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) return false;
        if (n <= 0) {
            ::close(fd_);
            fd_ = -1;
            return false;
        }
        pending_.append(chunk, static_cast<size_t>(n));
        for (size_t end; (end = pending_.find('\n')) != std::string::npos;) {
            report.take(pending_.substr(0, end));
            pending_.erase(0, end + 1);
        }
        if (pending_.size() > kMaxReportLine) pending_.clear();
        return true;
    }
    ~ReportReader() {
        if (fd_ >= 0) ::close(fd_);
    }

   private:
    int fd_;
    std::string pending_;
};

std::string signal_name(int signal) {
    const char* abbreviation = ::sigabbrev_np(signal);
    return abbreviation ? std::string("SIG") + abbreviation : "signal " + std::to_string(signal);
}

long long elapsed_ms(Clock::time_point since) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

int64_t now_unix() { return static_cast<int64_t>(std::time(nullptr)); }

// The backend to blame and why, for a worker that did not finish; empty backend: none was in
// plugin code. A kill at the deadline blames the call that has hung longest; a crash the call
// entered last (an older open call is one the worker already stopped waiting for).
std::pair<std::string, std::string> blame(const WorkerReport& report, int status, bool killed_at_deadline) {
    if (report.open.empty()) return {};
    const OpenCall& call = killed_at_deadline ? report.open.front() : report.open.back();
    const std::string in = " in " + call.call + "()";
    if (killed_at_deadline)
        return {call.backend, "did not return from " + call.call + "() within " + std::to_string(elapsed_ms(call.since)) + " ms"};
    if (WIFSIGNALED(status)) return {call.backend, "killed by " + signal_name(WTERMSIG(status)) + in};
    return {call.backend, "exited with status " + std::to_string(WEXITSTATUS(status)) + in};
}

std::string ending_text(int status, bool killed_at_deadline) {
    if (killed_at_deadline) return "was killed at its deadline";
    if (WIFSIGNALED(status)) return "was killed by " + signal_name(WTERMSIG(status));
    return "exited with status " + std::to_string(WEXITSTATUS(status)) + " before finishing";
}

// A data dir whose plugins never failed gets no health file (nor its lock file).
void record_outcome(const std::string& data_dir, const WorkerReport& report, int status, bool killed_at_deadline) {
    std::vector<std::pair<std::string, std::string>> failures;  // backend, reason
    if (report.finished) {
        // Finished, but a call the worker stopped waiting for still had not returned: that
        // backend cost the run its budget.
        std::set<std::string> hung;
        for (const auto& call : report.open) {
            if (!hung.insert(call.backend).second) continue;
            failures.push_back({call.backend, "did not return from " + call.call + "() within " +
                                                  std::to_string(elapsed_ms(call.since)) + " ms (abandoned)"});
        }
    } else {
        auto [backend, reason] = blame(report, status, killed_at_deadline);
        if (backend.empty()) {
            detail::logger()->error("overt-sender: the delivery worker {} outside plugin code; the spill files stay "
                                    "for a later run",
                                    ending_text(status, killed_at_deadline));
        } else {
            detail::logger()->error("overt-sender: backend {}: the delivery worker {} ({}); its events stay on disk "
                                    "for a later run",
                                    backend, ending_text(status, killed_at_deadline), reason);
            failures.push_back({backend, reason});
        }
    }
    if (failures.empty() && (!report.finished || !has_backend_health_file(data_dir))) return;
    update_backend_health(data_dir, [&](HealthRecords& records) {
        bool changed = false;
        for (const auto& [backend, reason] : failures) {
            auto library = report.libraries.find(backend);
            record_failure(records, backend, reason,
                           library == report.libraries.end() ? std::nullopt : identify_library(library->second),
                           now_unix());
            if (records.backends[backend].quarantined() &&
                records.backends[backend].consecutive_failures == kQuarantineAfterFailures)
                detail::logger()->error("overt-sender: backend {} {}", backend, quarantine_text(records.backends[backend]));
            changed = true;
        }
        if (report.finished) {
            for (const auto& backend : report.used) {
                const bool failed = std::any_of(failures.begin(), failures.end(),
                                                [&](const auto& f) { return f.first == backend; });
                if (!failed) changed |= record_success(records, backend);
            }
        }
        return changed;
    });
}

}  // namespace

int supervise_sender(const SenderRequest& request, const std::function<int()>& deliver) {
    const std::string& data_dir = request.config.data_dir;
    apply_backend_quarantines(data_dir);

    int sockets[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) {
        detail::logger()->error("overt-sender: socketpair: {}", std::strerror(errno));
        return 1;
    }
    detail::logger()->flush();
    const Clock::time_point started = Clock::now();
    const pid_t worker = ::fork();
    if (worker < 0) {
        detail::logger()->error("overt-sender: cannot fork the delivery worker: {}", std::strerror(errno));
        ::close(sockets[0]);
        ::close(sockets[1]);
        return 1;
    }
    if (worker == 0) {
        ::close(sockets[0]);
        run_worker(sockets[1], deliver);
    }
    ::close(sockets[1]);

    const Clock::time_point kill_at =
        started + std::chrono::milliseconds(std::max<int64_t>(request.config.flush_timeout_ms, 0)) + kWorkerGrace;
    WorkerReport report;
    ReportReader reader(sockets[0]);
    bool killed_at_deadline = false;
    int status = 0;
    for (;;) {
        if (reader.open())
            reader.read_some(report, kPollInterval);
        else
            ::poll(nullptr, 0, static_cast<int>(kPollInterval.count()));
        const pid_t waited = ::waitpid(worker, &status, WNOHANG);
        if (waited == worker) break;
        if (waited < 0 && errno != EINTR) {
            status = 0;
            break;
        }
        if (!killed_at_deadline && Clock::now() >= kill_at) {
            ::kill(worker, SIGKILL);
            killed_at_deadline = true;
        }
    }
    // The worker is gone: what it wrote last is in the socket buffer (a grandchild a plugin
    // forked may hold the socket open, so read without waiting).
    while (reader.open() && reader.read_some(report, std::chrono::milliseconds(0))) {
    }

    record_outcome(data_dir, report, status, killed_at_deadline && !report.finished);
    if (report.finished) return WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    return 1;
}

}  // namespace overt::delivery
