// SPDX-License-Identifier: MIT
#include "delivery/sender_spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

extern char** environ;

namespace overt::delivery {
namespace {

constexpr const char* kDetachName = "overt-detach";

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

const char* sender_program_name() { return "overt-sender"; }

std::string sender_program_beside(const std::string& libovert_dir) {
    return libovert_dir + "/overt/" + sender_program_name();
}

std::vector<std::string> sender_helper_programs(const std::string& sender_program) {
    return {detach_program_for(sender_program)};
}

bool is_executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

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
