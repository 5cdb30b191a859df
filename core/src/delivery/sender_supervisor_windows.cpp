// SPDX-License-Identifier: MIT
// Windows has no fork: overt-sender delivers in its own process. A plugin that crashes or
// hangs takes down the sender (never the tool, which has exited) and its watchdog ends a hung
// one; what it did not deliver stays on disk. The per-backend health a POSIX supervisor
// records is read (quarantines apply) but not written here.
#include "delivery/sender_supervisor.hpp"

#include "delivery/backend_health.hpp"

namespace overt::delivery {

int supervise_sender(const SenderRequest& request, const std::function<int()>& deliver) {
    apply_backend_quarantines(request.config.data_dir);
    return deliver();
}

}  // namespace overt::delivery
