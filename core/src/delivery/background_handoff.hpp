// Exit delivery in the background (config `exit_delivery: background`): close() does not send.
// It spills what is buffered (0600, renamed into place, not yet fsynced) and hands the
// sending of the data dir's spill files to a detached helper that first fsyncs that spill and
// applies the spill caps, then flushes with the normal retry rules, claims files with flock
// like any other process of the tool, and exits (SIGALRM a little after flush_timeout_ms).
//
// The helper is the overt-sender program, started through overt-detach (posix_spawn of a
// libc-only launcher that forks the sender and exits, so the sender is an orphan in its own
// session), stdout on /dev/null, stderr appended to <data_dir>/sender.log, and given the
// config, counters and spill file names over a socket (sender_request.hpp): the tool exits in
// about the time of one spill write and one small process start. A collector built from
// in-process Sink objects, or a libovert without its overt-sender, falls back to a double
// fork + setsid of the tool itself (stdio on /dev/null), which costs the tool the fork and
// copy-on-write faults.
//
// If the helper dies, the files stay for the next run: at-least-once holds. The helper's flush
// also persists this process's counters (lost, as statistics only, if the helper is killed).
#pragma once

#include "collector/collector_impl.hpp"

namespace overt::delivery {

// False (nothing done, the caller delivers in-process) without a data dir or when fork()
// fails. `report` gets the events spilled for the helper.
bool hand_off_at_exit(Collector::Impl& impl, FlushReport& report);

// The helper's part, forked or overt-sender: SIGALRM a little after flush_timeout_ms
// (returns the flush deadline), then make the exit spill durable, apply the spill caps and
// flush everything on disk with the normal retry rules.
Deadline arm_helper_alarm(int64_t flush_timeout_ms);
void deliver_after_exit(Collector::Impl& impl, const std::vector<std::string>& exit_spill_files, Deadline deadline);

}  // namespace overt::delivery
