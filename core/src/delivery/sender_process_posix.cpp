// SPDX-License-Identifier: MIT
#include "delivery/sender_process.hpp"

#include "delivery/sender_spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace overt::delivery {
namespace {

constexpr off_t kMaxLogBytes = 256 * 1024;  // sender.log is started afresh past this

// The helper must not keep the tool's pipes open (a shell waiting for `tool | head` would wait
// for it) nor write on the tool's terminal.
void detach_stdio() {
    int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) return;
    for (int fd = 0; fd <= 2; ++fd) ::dup2(null_fd, fd);  // dup2 clears O_CLOEXEC on 0..2
    if (null_fd > 2) ::close(null_fd);
}

}  // namespace

// The tool's descriptors that were not close-on-exec (its pipes, sockets) must not stay open
// here: a shell waiting for `tool | head` would wait for the sender too. Kept: stdio and the
// sender lock the tool passed on (held until this process exits).
void prepare_sender_process(int request_fd) {
    if (request_fd <= STDERR_FILENO) ::close_range(kSenderLockFd + 1, ~0u, 0);
    struct stat st {};
    if (::fstat(STDERR_FILENO, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > kMaxLogBytes)
        (void)::ftruncate(STDERR_FILENO, 0);
}

void release_request_input() {
    if (int null_fd = ::open("/dev/null", O_RDONLY); null_fd >= 0 && null_fd != STDIN_FILENO) {
        ::dup2(null_fd, STDIN_FILENO);
        ::close(null_fd);
    }
}

void hold_sender_lock(bool held) { ::flock(kSenderLockFd, held ? LOCK_SH : LOCK_UN); }

Deadline arm_helper_alarm(int64_t flush_timeout_ms) {
    const int64_t timeout_ms = std::max<int64_t>(flush_timeout_ms, 0);
    ::signal(SIGALRM, SIG_DFL);
    ::alarm(static_cast<unsigned>(timeout_ms / 1000 + 2));
    return Clock::now() + std::chrono::milliseconds(timeout_ms);
}

DetachedHelper run_in_detached_helper(int sender_lock, const std::function<void()>& body) {
    pid_t middle = ::fork();
    if (middle < 0) {
        const int error = errno;
        if (sender_lock >= 0) ::close(sender_lock);
        errno = error;
        return DetachedHelper::could_not_fork;
    }
    if (middle == 0) {
        pid_t helper = ::fork();
        if (helper == 0) {
            ::setsid();
            detach_stdio();
            try {
                body();
            } catch (...) {
            }
            ::_exit(0);  // no atexit handlers, no static destructors of the tool
        }
        ::_exit(helper < 0 ? 1 : 0);
    }
    if (sender_lock >= 0) ::close(sender_lock);
    int status = 0;
    while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? DetachedHelper::started : DetachedHelper::did_not_start;
}

}  // namespace overt::delivery
