// Exit delivery in the background (config `exit_delivery: background`): close() does not send.
// It spills what is buffered (0600, renamed into place, not yet fsynced) and hands the
// sending of the data dir's spill files to a detached grandchild process (double fork +
// setsid, stdio on /dev/null, SIGALRM after flush_timeout_ms) that first fsyncs that spill and
// applies the spill caps, then flushes with the normal
// retry rules, claims files with flock like any other process of the tool, and _exits. The
// tool exits in about the time of one spill write and two forks, whatever the endpoint does.
// If the helper dies, the files stay for the next run: at-least-once holds. The helper's flush
// also persists this process's counters (lost, as statistics only, if the helper is killed).
#pragma once

#include "collector/collector_impl.hpp"

namespace overt::delivery {

// False (nothing done, the caller delivers in-process) without a data dir or when fork()
// fails. `report` gets the events spilled for the helper.
bool hand_off_at_exit(Collector::Impl& impl, FlushReport& report);

}  // namespace overt::delivery
