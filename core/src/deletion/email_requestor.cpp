// SPDX-License-Identifier: MIT
// Deletion by e-mail: a mailto link the user sends (seed §6), never reported as sent.
#include <overt/deletion.hpp>

#include "platform/system.hpp"

#include <cstdlib>
#include <utility>

namespace overt {
namespace {

// Go's url.QueryEscape: unreserved kept, space as '+', everything else %XX of its UTF-8 bytes.
// CR, LF, '&' and '=' are all escaped, so nothing can add header fields or query parameters.
std::string query_escape(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        }
    }
    return out;
}

// The address is the tool author's, but is still kept from smuggling in a query or controls.
std::string safe_address(std::string_view address) {
    std::string out;
    for (unsigned char c : address) {
        if (c < 0x20 || c == 0x7f || c == '?' || c == '&' || c == '#' || c == ' ' || c == '%') {
            out += '%';
            out += "0123456789ABCDEF"[c >> 4];
            out += "0123456789ABCDEF"[c & 0xf];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

class EmailDeletionRequestor final : public DeletionRequestor {
   public:
    EmailDeletionRequestor(std::string address, std::string tool_name, bool try_open)
        : address_(std::move(address)), tool_name_(std::move(tool_name)), try_open_(try_open) {}

    DeletionOutcome request(std::string_view machine_id, Deadline) override {
        if (address_.empty()) return {false, "no deletion e-mail address is configured"};
        const std::string url = deletion_mailto_url(address_, tool_name_, machine_id);
        if (try_open_) platform::open_with_desktop(url);
        return {false, "To request deletion, send the e-mail this link prepares (machine ID " +
                           std::string(machine_id) + "):\n  " + url};
    }

   private:
    std::string address_;
    std::string tool_name_;
    bool try_open_;
};

}  // namespace

std::string deletion_mailto_url(std::string_view address, std::string_view tool_name,
                                std::string_view machine_id) {
    const std::string subject = "Data Deletion Request \u2014 " + std::string(tool_name);
    const std::string body = "Please delete all telemetry data associated with machine ID: " + std::string(machine_id);
    return "mailto:" + safe_address(address) + "?subject=" + query_escape(subject) + "&body=" + query_escape(body);
}

std::unique_ptr<DeletionRequestor> make_email_deletion_requestor(std::string address, std::string tool_name,
                                                                 bool try_open) {
    return std::make_unique<EmailDeletionRequestor>(std::move(address), std::move(tool_name), try_open);
}

}  // namespace overt
