// SPDX-License-Identifier: MIT
// Parsing of the HTTP Retry-After header (RFC 9110 §10.2.3).
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

namespace overt::transport {

// Milliseconds to wait, from delta-seconds ("120") or an HTTP-date relative to `now`
// (dates in the past give 0). -1 when the value is neither.
int64_t parse_retry_after_ms(std::string_view value, std::time_t now);

// An HTTP-date as a time_t, -1 if it is none. Each module has its own: curl_getdate (all three
// forms), WinHttpTimeToSystemTime (IMF-fixdate) on Windows.
std::time_t parse_http_date(const std::string& text);

}  // namespace overt::transport
