// SPDX-License-Identifier: MIT
#include "transport/curl/retry_after.hpp"

#include "platform/windows_text.hpp"

#include <winhttp.h>

namespace overt::transport {

// WinHTTP reads the IMF-fixdate form ("Sun, 06 Nov 1994 08:49:37 GMT"), the one servers send.
std::time_t parse_http_date(const std::string& text) {
    SYSTEMTIME when{};
    if (!WinHttpTimeToSystemTime(platform::windows::widen(text).c_str(), &when)) return -1;
    FILETIME file_time{};
    if (!SystemTimeToFileTime(&when, &file_time)) return -1;
    // 100 ns ticks since 1601-01-01 to seconds since 1970-01-01.
    const uint64_t ticks = (static_cast<uint64_t>(file_time.dwHighDateTime) << 32) | file_time.dwLowDateTime;
    return static_cast<std::time_t>(ticks / 10'000'000 - 11'644'473'600ULL);
}

}  // namespace overt::transport
