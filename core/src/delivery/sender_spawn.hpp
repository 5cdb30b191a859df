// SPDX-License-Identifier: MIT
// Starting overt-sender, the program that delivers a tool's spill files after the tool has
// exited (exit_delivery: background). posix_spawn (vfork + exec) of a libc-only launcher costs
// the tool well under a millisecond, where fork() of the tool copied its page tables, made its
// exit pay copy-on-write faults, and ran the flush in a copy of a multi-threaded process
// (any lock another thread held at the fork stayed locked in the copy).
#pragma once


#include <chrono>
#include <string>
#include <vector>

namespace overt::delivery {

// In the data dir: what the last senders wrote to stderr (errors only, by default). drop()
// removes it with the spill files.
inline constexpr const char* kSenderLogName = "sender.log";

// $OVERT_SENDER if set; else overt/overt-sender beside libovert (build tree and install
// alike), else <libdir>/overt/overt-sender of the install prefix. It and overt-detach beside
// it must pass the plugin trust checks (owner root or current user, not group- or
// world-writable). "" with `why` filled when there is none.
std::string find_sender_program(std::string& why);

// In the data dir: every running sender holds it (LOCK_SH) from before it starts until it exits,
// through descriptor kSenderLockFd, which the tool locks and passes on, so there is no moment a
// started sender is not seen. wait_for_senders() waits for the exclusive lock.
inline constexpr const char* kSenderLockName = ".sender.lock";
inline constexpr int kSenderLockFd = 3;

// Opens and share-locks <data_dir>/.sender.lock for a sender about to start; -1 if it cannot.
int lock_for_sender(const std::string& data_dir);

// Whether a sender of this data dir runs now (it will look for new spill files before it exits).
bool sender_running(const std::string& data_dir);

// Waits until no sender of this data dir runs, at most until `deadline`. True when none runs.
bool wait_for_senders(const std::string& data_dir, std::chrono::steady_clock::time_point deadline);

// overt-detach in the sender's directory (POSIX).
std::string detach_program_for(const std::string& sender_program);

// Per platform (sender_launch_posix.cpp, sender_launch_windows.cpp):
// overt/overt-sender beside libovert (POSIX); overt-sender.exe beside overt.dll (Windows, whose
// loader finds overt.dll only in the program's own folder).
std::string sender_program_beside(const std::string& libovert_dir);
const char* sender_program_name();  // "overt-sender"; "overt-sender.exe"
// The programs the sender is started through, which must pass the same checks: overt-detach
// on POSIX, none on Windows.
std::vector<std::string> sender_helper_programs(const std::string& sender_program);
bool is_executable(const std::string& path);

// Starts `program` through overt-detach, so it runs as an orphan in its own session, with
// stdin the read end of a socket carrying `request`, stdout on /dev/null and stderr appended
// to `log_path` (or /dev/null); waits for overt-detach (a fork and an exit) and writes the
// request (waiting at most `write_timeout` if it does not fit the socket buffer). False with
// `error` filled when the sender could not be started or given its request.
// `sender_lock_fd` (from lock_for_sender, or -1) becomes the sender's kSenderLockFd.
bool spawn_sender(const std::string& program, const std::string& request, const std::string& log_path,
                  int sender_lock_fd, std::chrono::milliseconds write_timeout, std::string& error);

}  // namespace overt::delivery
