// SPDX-License-Identifier: MIT
// Asking the telemetry receiver to delete what it holds for this machine (seed §6), with a
// truthful outcome: "sent" only when something was actually delivered.
#pragma once

#include <overt/export.hpp>

#include <overt/sink.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace overt::transport {
class HttpService;
}

namespace overt {

struct DeletionOutcome {
    bool sent = false;
    std::string message;  // user-facing
};

class OVERT_API DeletionRequestor {
   public:
    virtual ~DeletionRequestor() = default;
    virtual DeletionOutcome request(std::string_view machine_id, Deadline deadline) = 0;
};

// mailto:<address>?subject=...&body=... (seed format). Never "sent": the user must send the
// mail; the message carries the link. With try_open, runs xdg-open in the background when a
// graphical session is present (DISPLAY / WAYLAND_DISPLAY), never waiting for it.
OVERT_API std::unique_ptr<DeletionRequestor> make_email_deletion_requestor(std::string address,
                                                                 std::string tool_name,
                                                                 bool try_open = false);

// POST {"machine_id":"<id>"} as application/json; 2xx = sent.
OVERT_API std::unique_ptr<DeletionRequestor> make_http_deletion_requestor(
    std::string endpoint, std::shared_ptr<transport::HttpService> http);

// One data.deletion_request event named deletion_request through the sink; sent = sink ok.
// `origin` (tool, version, os...) is the process's own, so receivers can tell which tool asks;
// its machine id is replaced by the one requested.
OVERT_API std::unique_ptr<DeletionRequestor> make_event_deletion_requestor(std::shared_ptr<Sink> sink,
                                                                 std::shared_ptr<const Origin> origin = nullptr);

// The seed's mailto URL; exposed for tests and for printing.
OVERT_API std::string deletion_mailto_url(std::string_view address, std::string_view tool_name,
                                std::string_view machine_id);

}  // namespace overt
