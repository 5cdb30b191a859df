// SPDX-License-Identifier: MIT
// overt-sender's work: read the tool's SenderRequest from a descriptor, then, in a supervised
// worker child (sender_supervisor.hpp), open the tool's backends from its config, take over its counters and spill files, make the exit spill
// durable, apply the spill caps and flush with the normal retry rules before
// flush_timeout_ms (SIGALRM ends it a little after). What it cannot send stays on disk.
#pragma once

#include "delivery/sender_request.hpp"

namespace overt::delivery {

// Returns the process exit code: 0 after a flush (whatever it delivered), 2 for a request
// it could not read (the reason goes to stderr, which is <data_dir>/sender.log).
int run_background_sender(int request_fd);

// The worker's part: deliver what `request` hands over, within its flush_timeout_ms.
// Returns 0 after a flush (whatever it delivered), 1 when the collector could not be opened.
int deliver_request(SenderRequest& request);

}  // namespace overt::delivery
