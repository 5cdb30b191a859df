// SPDX-License-Identifier: MIT
// Which URLs a transport module sends to and which redirects it follows: the same rules for
// every platform's module (libcurl, WinHTTP). Header-only: the modules do not link libovert.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace overt::transport {

inline constexpr int kMaxRedirects = 3;
inline constexpr size_t kMaxResponseBody = 1024 * 1024;

// The parts of a URL that decide whether we may send to it (port: the default one if none).
struct UrlParts {
    std::string scheme, host, port;
    bool has_userinfo = false;
};

inline bool ascii_iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return (x | 0x20) == (y | 0x20); });
}

inline bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// Why a parsed request URL is refused ("" if it is fine): http or https only, no credentials.
inline std::string url_refusal(const UrlParts& parts) {
    if (parts.scheme != "http" && parts.scheme != "https")
        return "unsupported URL scheme '" + parts.scheme + "' (only http and https)";
    if (parts.has_userinfo) return "URL must not carry credentials (user:password@); use a header instead";
    return {};
}

// Why a 3xx answer is not followed at all ("" if it may be). A 303 says "see another resource
// with GET": the body is not POSTed again. 300, 304, 305 name no new place for the POST.
inline std::string redirect_code_refusal(int code) {
    if (code != 301 && code != 302 && code != 307 && code != 308)
        return "HTTP " + std::to_string(code) + " is not re-POSTed";
    return {};
}

// Why a usable Location `target` is not followed from `origin` ("" if it is), `hop` redirects
// in. Headers may carry API keys: follow only on the same host, to the same origin or an
// upgrade from http to https; never to another host nor from https to http.
inline std::string redirect_target_refusal(const UrlParts& origin, const UrlParts& target, int hop) {
    const bool same_origin = target.scheme == origin.scheme && target.port == origin.port;
    const bool upgrade = origin.scheme == "http" && target.scheme == "https";
    if (!ascii_iequals(target.host, origin.host) || !(same_origin || upgrade))
        return "another host or scheme: headers and keys are never sent there";
    if (hop + 1 >= kMaxRedirects) return "too many redirects";
    return {};
}

// A request's headers and Content-Type, checked before anything is sent ("" if fine).
template <typename Request>
std::string header_refusal(const Request& request) {
    for (const auto& [name, value] : request.headers) {
        if (name.empty() || name.find(':') != std::string::npos || has_line_break(name) || has_line_break(value))
            return "invalid HTTP header name or value for '" + name + "'";
    }
    if (has_line_break(request.content_type)) return "invalid Content-Type";
    return {};
}

}  // namespace overt::transport
