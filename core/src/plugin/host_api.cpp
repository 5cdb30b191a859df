// SPDX-License-Identifier: MIT
#include "plugin/host_api.hpp"

#include "support/logger.hpp"
#include "support/mask_secrets.hpp"

#include <chrono>
#include <utility>

namespace overt::plugin {

namespace {

detail::LogLevel to_log_level(int level) {
    switch (level) {
        case OVERT_LOG_TRACE: return detail::LogLevel::trace;
        case OVERT_LOG_DEBUG: return detail::LogLevel::debug;
        case OVERT_LOG_INFO: return detail::LogLevel::info;
        case OVERT_LOG_WARN: return detail::LogLevel::warn;
        default: return detail::LogLevel::error;
    }
}

HostApi& self(void* ctx) { return *static_cast<HostApi*>(ctx); }

void host_log(void* ctx, int level, const char* message) { self(ctx).log(level, message); }

int64_t host_monotonic_ns(void*) { return monotonic_now_ns(); }

// What host_private points to: the strings body and error_message borrow from.
struct ResponseStorage {
    std::string body;
    std::string error;
    std::string location;
};

// `location` was appended to the struct: written only when the plugin's struct_size covers
// it (a plugin built against an older header has no room for it).
void fill(overt_http_response* out, ResponseStorage* storage, int status, bool transport_error, int64_t retry_after) {
    if (OVERT_HTTP_RESPONSE_HAS(out, location)) out->location = storage->location.c_str();
    out->status_code = status;
    out->transport_error = transport_error ? 1 : 0;
    out->retry_after_ms = retry_after;
    out->body = storage->body.c_str();
    out->body_size = storage->body.size();
    out->error_message = storage->error.c_str();
    out->host_private = storage;
}

int host_http_post(void* ctx, const overt_http_request* request, overt_http_response* response) {
    if (!request || !response || !request->url) return 1;
    if (!request->body && request->body_size > 0) return 1;
    if (request->header_count > 0 && !request->headers) return 1;
    ResponseStorage* storage = nullptr;
    try {
        storage = new ResponseStorage;
        transport::HttpService* http = self(ctx).http();
        if (!http) {
            storage->error = "host offers no HTTP service";
            fill(response, storage, 0, true, -1);
            return 0;
        }
        transport::HttpRequest req;
        req.url = request->url;
        for (size_t i = 0; i < request->header_count; ++i) {
            const overt_kv& h = request->headers[i];
            req.headers.emplace_back(std::string(h.key.data ? h.key.data : "", h.key.data ? h.key.size : 0),
                                     std::string(h.value.data ? h.value.data : "", h.value.data ? h.value.size : 0));
        }
        req.content_type = request->content_type ? request->content_type : "";
        if (request->body_size > 0) req.body.assign(static_cast<const char*>(request->body), request->body_size);
        req.gzip = request->gzip != 0;
        req.deadline_ns = request->deadline_ns;
        req.ca_file = request->ca_file ? request->ca_file : "";
        req.insecure = request->insecure != 0;
        transport::HttpResponse resp = http->post(req);
        storage->body = std::move(resp.body);
        storage->error = std::move(resp.error);
        storage->location = std::move(resp.location);
        fill(response, storage, resp.status_code, resp.transport_error, resp.retry_after_ms);
        return 0;
    } catch (const std::exception& e) {
        if (!storage) return 1;
        storage->body.clear();
        storage->error = std::string("HTTP request failed in the host: ") + e.what();
        fill(response, storage, 0, true, -1);
        return 0;
    } catch (...) {
        delete storage;
        return 1;
    }
}

void host_http_response_free(void*, overt_http_response* response) {
    if (!response) return;
    delete static_cast<ResponseStorage*>(response->host_private);
    response->host_private = nullptr;
    response->body = nullptr;
    response->body_size = 0;
    response->error_message = nullptr;
    if (OVERT_HTTP_RESPONSE_HAS(response, location)) response->location = nullptr;
}

}  // namespace

int64_t monotonic_now_ns() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

HostApi::HostApi(std::string plugin_name, std::shared_ptr<transport::HttpService> http)
    : plugin_name_(std::move(plugin_name)), http_(std::move(http)) {
    table_.struct_size = sizeof(overt_host_api);
    table_.abi_major = OVERT_ABI_MAJOR;
    table_.abi_minor = OVERT_ABI_MINOR;
    table_.host_version = OVERT_VERSION;
    table_.host_ctx = this;
    table_.log = &host_log;
    table_.monotonic_ns = &host_monotonic_ns;
    table_.http_post = &host_http_post;
    table_.http_response_free = &host_http_response_free;
}

void HostApi::keep_warnings() {
    std::lock_guard lock(warnings_mutex_);
    keep_warnings_ = true;
}

void HostApi::log(int level, const char* message) {
    try {
        // Masked here too: a tool may have registered its own "overt" logger.
        std::string text = support::mask_secrets(message ? message : "");
        {
            std::lock_guard lock(warnings_mutex_);
            if (keep_warnings_) {
                constexpr size_t kMaxKept = 32;  // a chatty plugin cannot fill memory
                if (level >= OVERT_LOG_WARN && warnings_.size() < kMaxKept) warnings_.push_back(std::move(text));
                return;
            }
        }
        detail::logger()->log(to_log_level(level), "[{}] {}", plugin_name_, text);
    } catch (...) {
        // Logging must never take the plugin or the host down.
    }
}

std::vector<std::string> HostApi::warnings() const {
    std::lock_guard lock(warnings_mutex_);
    return warnings_;
}

}  // namespace overt::plugin
