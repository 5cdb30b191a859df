// SPDX-License-Identifier: MIT
#include "transport/curl/retry_after.hpp"

#include <charconv>
#include <string>

namespace overt::transport {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

constexpr int64_t kMaxSeconds = int64_t{1} << 40;  // keeps the ms value far from overflow

}  // namespace

int64_t parse_retry_after_ms(std::string_view value, std::time_t now) {
    value = trim(value);
    if (value.empty()) return -1;
    if (value.front() >= '0' && value.front() <= '9') {
        int64_t seconds = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (ec == std::errc::result_out_of_range) return kMaxSeconds * 1000;
        if (ec != std::errc() || end != value.data() + value.size()) return -1;
        return (seconds > kMaxSeconds ? kMaxSeconds : seconds) * 1000;
    }
    std::time_t when = parse_http_date(std::string(value));
    if (when == -1) return -1;
    if (when <= now) return 0;
    int64_t seconds = static_cast<int64_t>(when - now);
    return (seconds > kMaxSeconds ? kMaxSeconds : seconds) * 1000;
}

}  // namespace overt::transport
