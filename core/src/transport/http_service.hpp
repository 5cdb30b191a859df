// SPDX-License-Identifier: MIT
// The host's HTTP service: what backend plugins reach through overt_host_api.http_post.
// Internal to libovert.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace overt::transport {

struct HttpRequest {
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string content_type;
    std::string body;
    bool gzip = false;
    int64_t deadline_ns = 0;  // absolute, steady_clock nanoseconds since its epoch; 0 = default
    std::string ca_file;
    bool insecure = false;
    bool head_only = false;  // a HEAD request (no body): `telemetry doctor`'s connectivity check
};

struct HttpResponse {
    int status_code = 0;           // 0: no HTTP response
    bool transport_error = false;  // refused, timed out, TLS failure, ...
    int64_t retry_after_ms = -1;
    std::string body;              // at most 1 MiB kept
    std::string error;
    std::string location;          // a 3xx answer's Location that was not followed
};

class HttpService {
   public:
    virtual ~HttpService() = default;
    // Thread-safe. Never throws for network failures: they come back as transport_error.
    virtual HttpResponse post(const HttpRequest& request) = 0;
};

struct HttpServiceOptions {
    int64_t connect_timeout_ms = 2000;
    int64_t default_timeout_ms = 5000;
    std::string user_agent;  // default "overt/<version>"
};

// The platform's HTTP transport (libcurl on Linux), loaded from its module
// (libovert-transport.so.N, see transport_module.hpp) by the first post(), so a tool that never
// sends in-process never loads libcurl and its TLS stack. If the module is missing or refused,
// post() returns a transport_error naming the module path and the reason.
std::shared_ptr<HttpService> make_http_service(const HttpServiceOptions& options = {});

}  // namespace overt::transport
