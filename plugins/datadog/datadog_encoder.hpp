// SPDX-License-Identifier: MIT
// One overt event as a Datadog HTTPLogItem (logs intake v2).
#pragma once

#include <overt/backend.h>

#include <string>

namespace overt::datadog {

struct EncoderOptions {
    std::string source = "overt";
    std::string extra_tags;  // comma-joined config tags, may be empty
};

// Compact JSON object: message, ddsource, ddtags, hostname, service, timestamp, status, then
// the fields the seed lost (event_id, duration_ms, exit_code, os_version, args, error, ...).
std::string encode_log_item(const overt_event& event, const EncoderOptions& options);

}  // namespace overt::datadog
