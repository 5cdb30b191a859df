// SPDX-License-Identifier: MIT
// Config and request helpers shared by the network backends (http, otlp, datadog, posthog).
// Header-only and SDK-only, so each plugin stays a self-contained shared object.
#pragma once

#include <overt/backend.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace overt::net {

using Json = nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

inline Json parse_config(std::string_view config_json) {
    try {
        Json config = config_json.empty() ? Json::object() : Json::parse(config_json);
        if (!config.is_object()) throw sdk::ConfigError("the backend's config must be an object");
        return config;
    } catch (const Json::exception& e) {
        throw sdk::ConfigError(std::string("config is not valid JSON: ") + e.what());
    }
}

inline std::string get_string(const Json& config, const char* key, std::string fallback = {}) {
    auto it = config.find(key);
    if (it == config.end() || it->is_null()) return fallback;
    if (!it->is_string()) throw sdk::ConfigError(std::string("'") + key + "' must be a string");
    return it->get<std::string>();
}

inline std::string require_string(const Json& config, const char* key) {
    std::string value = get_string(config, key);
    if (value.empty()) throw sdk::ConfigError(std::string("'") + key + "' is required");
    return value;
}

inline bool get_bool(const Json& config, const char* key, bool fallback) {
    auto it = config.find(key);
    if (it == config.end() || it->is_null()) return fallback;
    if (!it->is_boolean()) throw sdk::ConfigError(std::string("'") + key + "' must be true or false");
    return it->get<bool>();
}

inline int64_t get_positive_int(const Json& config, const char* key, int64_t fallback) {
    auto it = config.find(key);
    if (it == config.end() || it->is_null()) return fallback;
    if (!it->is_number_integer() || it->get<int64_t>() <= 0)
        throw sdk::ConfigError(std::string("'") + key + "' must be a positive integer");
    return it->get<int64_t>();
}

// A map of string values, e.g. `headers` or `resource_attributes`, in key order.
inline Headers get_string_map(const Json& config, const char* key) {
    Headers out;
    auto it = config.find(key);
    if (it == config.end() || it->is_null()) return out;
    if (!it->is_object()) throw sdk::ConfigError(std::string("'") + key + "' must be a map of strings");
    for (const auto& [name, value] : it->items()) {
        if (!value.is_string())
            throw sdk::ConfigError(std::string("'") + key + "." + name + "' must be a string");
        out.emplace_back(name, value.get<std::string>());
    }
    return out;
}

inline Headers get_headers(const Json& config) {
    Headers headers = get_string_map(config, "headers");
    for (const auto& [name, value] : headers) {
        bool bad_name = name.empty() || std::any_of(name.begin(), name.end(), [](unsigned char c) {
                            return c <= 0x20 || c >= 0x7f || c == ':';
                        });
        if (bad_name) throw sdk::ConfigError("header name '" + name + "' is not a valid HTTP token");
        if (value.find_first_of("\r\n") != std::string::npos)
            throw sdk::ConfigError("header '" + name + "' has a line break in its value");
    }
    return headers;
}

inline bool starts_with_ci(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
    return true;
}

// Rejects what would make a request go somewhere unintended: not http(s), no host, userinfo,
// control characters, absurd length. `key` names the config key in messages.
inline void check_endpoint(const std::string& url, const char* key) {
    auto fail = [&](const std::string& why) {
        throw sdk::ConfigError(std::string("'") + key + "' " + why + ": " + sdk::mask_url_userinfo(url));
    };
    if (url.size() > 2048) fail("is longer than 2048 characters");
    if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
        fail("contains control characters");
    if (url.find(' ') != std::string::npos) fail("contains a space (write it as %20)");
    size_t rest = 0;
    if (starts_with_ci(url, "https://")) rest = 8;
    else if (starts_with_ci(url, "http://")) rest = 7;
    else fail("must be an http:// or https:// URL");
    std::string_view authority(url.c_str() + rest);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (authority.empty()) fail("has no host");
    if (authority.find('@') != std::string_view::npos) fail("must not contain credentials (user@)");
    // A host or a [v6 address], then an optional ":port" from 1 to 65535.
    const bool bracketed = authority.front() == '[';
    size_t host_end = authority.find(bracketed ? ']' : ':');
    if (bracketed) {
        if (host_end == std::string_view::npos || host_end == 1) fail("has an unclosed or empty [IPv6 address]");
        ++host_end;
        if (host_end < authority.size() && authority[host_end] != ':') fail("has text after its [IPv6 address]");
    } else if (host_end == 0) {
        fail("has no host");
    }
    if (host_end < authority.size()) {  // authority[host_end] is the ':'
        const std::string_view port = authority.substr(host_end + 1);
        if (port.empty()) fail("has an empty port");
        int number = 0;
        const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
        if (error != std::errc() || end != port.data() + port.size() || number < 1 || number > 65535)
            fail("has port '" + std::string(port) + "', not a number from 1 to 65535");
    }
}

inline bool is_plain_http(std::string_view url) { return starts_with_ci(url, "http://"); }

// Header names that commonly carry secrets (the seed's list plus its pattern).
inline bool is_sensitive_header(std::string_view name) {
    static const std::regex pattern(R"((^|[^A-Za-z0-9_])(auth|token|key|secret|bearer|password|credential)($|[^A-Za-z0-9_])|authorization)",
                                    std::regex::icase | std::regex::ECMAScript);
    static const char* const exact[] = {"authorization", "proxy-authorization", "cookie",        "set-cookie",
                                        "x-api-key",     "x-api-token",         "x-auth-token",  "x-access-token",
                                        "x-csrf-token",  "x-session-token",     "dd-api-key"};
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char* candidate : exact)
        if (lower == candidate) return true;
    return std::regex_search(lower, pattern);
}

// Warns once per sensitive header name when it would travel in clear text. Never logs values.
inline void warn_cleartext_secrets(const sdk::Host& host, std::string_view backend, const std::string& url,
                                   const Headers& headers) {
    if (!is_plain_http(url)) return;
    for (const auto& [name, value] : headers) {
        (void)value;
        if (is_sensitive_header(name))
            host.log(OVERT_LOG_WARN, std::string(backend) + ": header " + name +
                                         " appears to carry credentials but the endpoint is plain http; use https");
    }
}

// TLS and timing options every network backend accepts.
struct TransportOptions {
    Headers headers;
    std::string ca_file;
    bool insecure = false;
    int64_t timeout_ms = 10000;

    static TransportOptions from(const Json& config) {
        TransportOptions o;
        o.headers = get_headers(config);
        o.ca_file = get_string(config, "ca_file");
        o.insecure = get_bool(config, "insecure", false);
        o.timeout_ms = get_positive_int(config, "timeout_ms", o.timeout_ms);
        return o;
    }

    // The earlier of the host's deadline and our own per-request timeout.
    int64_t request_deadline(const sdk::Host& host, int64_t deadline_ns) const {
        int64_t own = host.now_ns() + timeout_ms * 1'000'000;
        return deadline_ns > 0 ? std::min(deadline_ns, own) : own;
    }

    sdk::HttpRequest request(std::string url, std::string content_type, std::string_view body) const {
        sdk::HttpRequest r;
        r.url = std::move(url);
        r.headers = headers;
        r.content_type = std::move(content_type);
        r.body = body;
        r.ca_file = ca_file;
        r.insecure = insecure;
        return r;
    }
};

// JSON text that never throws on invalid UTF-8 in event fields (replaced by U+FFFD).
inline std::string dump(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

inline std::string str(overt_str s) { return std::string(sdk::view(s)); }

}  // namespace overt::net

// Config-schema properties every network backend accepts (a literal, to splice into schemas).
#define OVERT_NET_TRANSPORT_SCHEMA_PROPERTIES                                          \
    R"("headers":{"type":"object","additionalProperties":{"type":"string"}},)"         \
    R"("ca_file":{"type":"string"},"insecure":{"type":"boolean"},)"                    \
    R"("timeout_ms":{"type":"integer","minimum":1})"
