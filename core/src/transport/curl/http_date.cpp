// SPDX-License-Identifier: MIT
#include "transport/curl/retry_after.hpp"

#include <curl/curl.h>

namespace overt::transport {

// curl_getdate understands the three HTTP-date forms (IMF-fixdate, RFC 850, asctime).
std::time_t parse_http_date(const std::string& text) { return curl_getdate(text.c_str(), nullptr); }

}  // namespace overt::transport
