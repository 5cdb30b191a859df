// SPDX-License-Identifier: MIT
// overt-sender runs plugin code only in a worker child. The supervisor (the sender's first
// process, which loads no plugin) forks the worker, follows which plugin call it is in over a
// socket, kills it at its deadline, and when it ends without finishing, blames the backend
// whose call was running: per-backend health in <data_dir>/backend-health.json, quarantine
// after kQuarantineAfterFailures such runs in a row. What the worker did not deliver stays on
// disk (spill files are removed only once every sink accepted them).
//
// Worker -> supervisor, one JSON object per line:
//   {"at":"enter","backend":ID,"call":"send","library":PATH}   before a call into plugin code
//   {"at":"leave","backend":ID,"call":"send","library":PATH}   after it returned
//   {"at":"finished"}                                          delivery completed normally
#pragma once

#include "delivery/sender_request.hpp"

#include <chrono>
#include <functional>

namespace overt::delivery {

// How long past flush_timeout_ms the worker may take: its flush stops 500 ms past the timeout at
// the latest, then the sinks flush and are destroyed. A kill must not land on a worker that is
// merely finishing in time.
inline constexpr std::chrono::milliseconds kWorkerGrace{1000};

// Runs `deliver` (the delivery of `request`, returning an exit code) in a supervised worker
// and returns its exit code, or 1 when it died or was killed.
int supervise_sender(const SenderRequest& request, const std::function<int()>& deliver);

}  // namespace overt::delivery
