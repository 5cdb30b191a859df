// SPDX-License-Identifier: MIT
// What a sender process (overt-sender, or the forked helper of a tool) does to itself, which
// differs by platform: sender_process_posix.cpp, sender_process_windows.cpp.
#pragma once

#include <overt/sink.hpp>

#include <cstdint>
#include <functional>

namespace overt::delivery {

// overt-sender, first thing: drop the tool's inherited descriptors (but stdio and the sender
// lock) and start sender.log afresh past its cap. On Windows: adopt the lock handle named on
// the command line.
void prepare_sender_process(int request_fd);
// After the request is read: stdin on the null device.
void release_request_input();
// Lets go of the sender lock (LOCK_UN) or takes it again (LOCK_SH) while looking for new files.
void hold_sender_lock(bool held);

// A last resort a little after flush_timeout_ms: SIGALRM on POSIX, a watchdog thread ending
// the process on Windows. Returns the flush deadline.
Deadline arm_helper_alarm(int64_t flush_timeout_ms);

enum class DetachedHelper {
    started,         // the helper runs on its own
    could_not_fork,  // errno says why
    did_not_start,   // the intermediate process failed
    unsupported,     // no fork on this platform (Windows): deliver some other way
};
// A double fork + setsid with stdio on /dev/null, running `body` in the grandchild (which
// inherits sender_lock) and _exit(0). The caller's copy of sender_lock is closed.
DetachedHelper run_in_detached_helper(int sender_lock, const std::function<void()>& body);

}  // namespace overt::delivery
