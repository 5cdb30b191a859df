// overt-sender's work: read the tool's SenderRequest from a descriptor, open the tool's
// backends from its config, take over its counters and spill files, make the exit spill
// durable, apply the spill caps and flush with the normal retry rules before
// flush_timeout_ms (SIGALRM ends it a little after). What it cannot send stays on disk.
#pragma once

namespace overt::delivery {

// Returns the process exit code: 0 after a flush (whatever it delivered), 2 for a request
// it could not read (the reason goes to stderr, which is <data_dir>/sender.log).
int run_background_sender(int request_fd);

}  // namespace overt::delivery
