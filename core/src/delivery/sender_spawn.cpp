// SPDX-License-Identifier: MIT
#include "delivery/sender_spawn.hpp"

#include "plugin/builtin_backends.hpp"
#include "support/libovert_dir.hpp"
#include "support/trusted_file.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

extern char** environ;

namespace overt::delivery {
namespace {

constexpr const char* kProgramName = "overt-sender";
constexpr const char* kDetachName = "overt-detach";

bool trusted(const std::string& path, std::string& why) {
    const std::filesystem::path p(path);
    try {
        support::open_trusted(p.parent_path().string(), p.filename().string());
        if (::access(path.c_str(), X_OK) != 0) {
            why = path + ": not executable";
            return false;
        }
        return true;
    } catch (const support::Refusal& refusal) {
        why = path + ": " + refusal.what();
        return false;
    }
}

// Closes both ends and the attributes however spawn_sender leaves.
struct SpawnResources {
    int sockets[2] = {-1, -1};
    posix_spawn_file_actions_t actions{};
    posix_spawnattr_t attributes{};
    bool have_actions = false;
    bool have_attributes = false;
    ~SpawnResources() {
        for (int fd : sockets)
            if (fd >= 0) ::close(fd);
        if (have_actions) posix_spawn_file_actions_destroy(&actions);
        if (have_attributes) posix_spawnattr_destroy(&attributes);
    }
};

bool write_all(int fd, const std::string& data, std::string& error) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            error = errno == EAGAIN || errno == EWOULDBLOCK ? "it did not take the request in time"
                                                            : std::string("writing the request: ") + std::strerror(errno);
            return false;
        }
        done += static_cast<size_t>(n);
    }
    return true;
}

}  // namespace

std::string detach_program_for(const std::string& sender_program) {
    return (std::filesystem::path(sender_program).parent_path() / kDetachName).string();
}

std::string find_sender_program(std::string& why) {
    if (const char* configured = ::secure_getenv("OVERT_SENDER"); configured && *configured) {
        if (trusted(configured, why) && trusted(detach_program_for(configured), why)) return configured;
        why = "OVERT_SENDER=" + std::string(configured) + ": " + why;
        return {};
    }
    // A static libovert's tool forks its own sender instead: an installed overt-sender has none
    // of the tool's built-in backends and may speak another version's request.
    if (plugin::libovert_linked_statically()) {
        why = "libovert is linked statically into this program";
        return {};
    }
    std::vector<std::string> candidates;
    if (std::string dir = support::libovert_dir(); !dir.empty()) candidates.push_back(dir + "/overt/" + kProgramName);
    candidates.push_back(std::string(OVERT_SENDER_INSTALL_DIR) + "/" + kProgramName);
    for (const auto& candidate : candidates) {
        std::error_code ec;
        if (!std::filesystem::exists(candidate, ec)) continue;
        if (trusted(candidate, why) && trusted(detach_program_for(candidate), why)) return candidate;
        return {};
    }
    why = std::string(kProgramName) + " not found beside libovert nor in " + OVERT_SENDER_INSTALL_DIR;
    return {};
}

int lock_for_sender(const std::string& data_dir) {
    int fd = ::open((std::filesystem::path(data_dir) / kSenderLockName).c_str(),
                    O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return -1;
    while (::flock(fd, LOCK_SH) != 0) {
        if (errno != EINTR) {
            ::close(fd);
            return -1;
        }
    }
    return fd;
}

bool sender_running(const std::string& data_dir) {
    int fd = ::open((std::filesystem::path(data_dir) / kSenderLockName).c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return false;
    const bool running = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);  // releases the exclusive lock if we got it
    return running;
}

bool wait_for_senders(const std::string& data_dir, std::chrono::steady_clock::time_point deadline) {
    int fd = ::open((std::filesystem::path(data_dir) / kSenderLockName).c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return true;  // no sender ever ran here
    bool idle = false;
    for (;;) {
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
            idle = true;
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) break;
        ::usleep(10'000);
    }
    ::close(fd);  // releases the exclusive lock at once
    return idle;
}

bool spawn_sender(const std::string& program, const std::string& request, const std::string& log_path,
                  int sender_lock_fd, std::chrono::milliseconds write_timeout, std::string& error) {
    SpawnResources r;
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, r.sockets) != 0) {
        error = std::string("socketpair: ") + std::strerror(errno);
        return false;
    }
    r.have_actions = posix_spawn_file_actions_init(&r.actions) == 0;
    r.have_attributes = r.have_actions && posix_spawnattr_init(&r.attributes) == 0;
    if (!r.have_attributes) {
        error = "posix_spawn attributes could not be set up";
        return false;
    }
    // dup2 onto 0 clears close-on-exec for the sender's end; every other descriptor of the
    // tool that is not close-on-exec is closed by the sender itself first thing.
    posix_spawn_file_actions_adddup2(&r.actions, r.sockets[1], 0);
    // The sender keeps this descriptor open: never one of the tool's own.
    if (sender_lock_fd >= 0)
        posix_spawn_file_actions_adddup2(&r.actions, sender_lock_fd, kSenderLockFd);
    else
        posix_spawn_file_actions_addopen(&r.actions, kSenderLockFd, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&r.actions, 1, "/dev/null", O_WRONLY, 0);
    if (log_path.empty())
        posix_spawn_file_actions_addopen(&r.actions, 2, "/dev/null", O_WRONLY, 0);
    else
        posix_spawn_file_actions_addopen(&r.actions, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    // Its own session: the terminal's SIGINT/SIGHUP of the tool's job do not reach it. Signal
    // dispositions and mask back to the defaults, whatever the tool set.
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&r.attributes, &none);
    posix_spawnattr_setsigdefault(&r.attributes, &all);
    posix_spawnattr_setflags(&r.attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    const std::string detach = detach_program_for(program);
    char* argv[] = {const_cast<char*>(detach.c_str()), const_cast<char*>(program.c_str()), nullptr};
    pid_t pid = -1;
    if (int rc = posix_spawn(&pid, detach.c_str(), &r.actions, &r.attributes, argv, environ); rc != 0) {
        error = detach + ": " + std::strerror(rc);
        return false;
    }
    ::close(r.sockets[1]);
    r.sockets[1] = -1;
    // overt-detach forks the sender and exits at once: the sender is an orphan, not our child.
    int status = 0;
    pid_t waited;
    while ((waited = ::waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
    }
    // ECHILD: the tool reaps children itself (SIGCHLD handler) and took it first; assume it ran.
    if (waited == pid && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
        error = detach + " failed (" + (WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                                           : "signal " + std::to_string(WTERMSIG(status))) + ")";
        return false;
    }
    // A request bigger than the socket buffer waits for the sender to read; never past the budget.
    timeval timeout{};
    timeout.tv_sec = static_cast<time_t>(write_timeout.count() / 1000);
    timeout.tv_usec = static_cast<suseconds_t>((write_timeout.count() % 1000) * 1000);
    ::setsockopt(r.sockets[0], SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    // Closing our end on return tells a sender that never got the whole request to give up
    // (it cannot parse a truncated one): no two processes deliver from half an instruction.
    if (!write_all(r.sockets[0], request, error)) {
        error = program + ": " + error;
        return false;
    }
    return true;
}

}  // namespace overt::delivery
