// SPDX-License-Identifier: MIT
// Parsing of the HTTP Retry-After header (RFC 9110 §10.2.3).
#pragma once

#include <cstdint>
#include <ctime>
#include <string_view>

namespace overt::transport {

// Milliseconds to wait, from delta-seconds ("120") or an HTTP-date relative to `now`
// (dates in the past give 0). -1 when the value is neither.
int64_t parse_retry_after_ms(std::string_view value, std::time_t now);

}  // namespace overt::transport
