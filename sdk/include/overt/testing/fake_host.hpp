// SPDX-License-Identifier: MIT
// overt plugin SDK, testing: a fake host API table for exercising a backend offline.
//
//   overt::testing::FakeHost host;
//   host.set_http_reply(503, "busy", 2000);       // what http_post answers (default: 200)
//   descriptor->create(host.api(), cfg, n, &instance, &result);
//   ... host.requests(), host.logs() ...
//
// Header-only C++17; depends on the SDK's C header and the standard library only.
// Thread-safe: a backend may call the host from its own threads.
#ifndef OVERT_TESTING_FAKE_HOST_HPP
#define OVERT_TESTING_FAKE_HOST_HPP

#include <overt/backend.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace overt::testing {

struct LogEntry {
    int level = 0;
    std::string message;
};

// One http_post call as the backend made it (body as sent, before the host's gzip).
struct RecordedRequest {
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string content_type;
    std::string body;
    bool gzip = false;
    int64_t deadline_ns = 0;
};

struct HttpReply {
    int status_code = 200;
    std::string body;
    int64_t retry_after_ms = -1;
    bool transport_error = false;  // true: no HTTP answer at all (status_code is reported as 0)
    std::string error_message;
    std::string location;  // a redirect's Location, as a host that did not follow it reports it
};

class FakeHost {
   public:
    FakeHost() {
        api_.struct_size = sizeof api_;
        api_.abi_major = OVERT_ABI_MAJOR;
        api_.abi_minor = OVERT_ABI_MINOR;
        api_.host_version = "overt-fake-host";
        api_.host_ctx = this;
        api_.log = &FakeHost::log_thunk;
        api_.monotonic_ns = &FakeHost::now_thunk;
        api_.http_post = &FakeHost::post_thunk;
        api_.http_response_free = &FakeHost::free_thunk;
    }
    FakeHost(const FakeHost&) = delete;
    FakeHost& operator=(const FakeHost&) = delete;

    const overt_host_api* api() const noexcept { return &api_; }

    void set_http_reply(HttpReply reply) {
        std::lock_guard<std::mutex> lock(mutex_);
        reply_ = std::move(reply);
    }
    void set_http_reply(int status_code, std::string body = {}, int64_t retry_after_ms = -1) {
        HttpReply reply;
        reply.status_code = status_code;
        reply.body = std::move(body);
        reply.retry_after_ms = retry_after_ms;
        set_http_reply(std::move(reply));
    }

    std::vector<LogEntry> logs() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return logs_;
    }
    std::vector<RecordedRequest> requests() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_;
    }
    // Responses handed out and not yet released with http_response_free.
    int64_t unreleased_responses() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return outstanding_;
    }
    void clear() {
        std::lock_guard<std::mutex> lock(mutex_);
        logs_.clear();
        requests_.clear();
    }

    static int64_t now_ns() noexcept {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }

   private:
    // What a filled response points into; freed by http_response_free.
    struct ResponseStorage {
        std::string body;
        std::string error;
        std::string location;
    };

    static FakeHost* self(void* ctx) noexcept { return static_cast<FakeHost*>(ctx); }

    static void log_thunk(void* ctx, int level, const char* message) noexcept {
        try {
            std::lock_guard<std::mutex> lock(self(ctx)->mutex_);
            self(ctx)->logs_.push_back({level, message ? message : ""});
        } catch (...) {
        }
    }

    static int64_t now_thunk(void*) noexcept { return now_ns(); }

    static int post_thunk(void* ctx, const overt_http_request* request, overt_http_response* response) noexcept {
        if (!request || !response || !request->url) return -1;
        try {
            FakeHost* host = self(ctx);
            RecordedRequest recorded;
            recorded.url = request->url;
            for (size_t i = 0; i < request->header_count; ++i) {
                const overt_kv& kv = request->headers[i];
                recorded.headers.emplace_back(std::string(kv.key.data ? kv.key.data : "", kv.key.size),
                                              std::string(kv.value.data ? kv.value.data : "", kv.value.size));
            }
            recorded.content_type = request->content_type ? request->content_type : "";
            if (request->body && request->body_size > 0)
                recorded.body.assign(static_cast<const char*>(request->body), request->body_size);
            recorded.gzip = request->gzip != 0;
            recorded.deadline_ns = request->deadline_ns;

            auto* storage = new ResponseStorage;
            std::lock_guard<std::mutex> lock(host->mutex_);
            host->requests_.push_back(std::move(recorded));
            storage->body = host->reply_.body;
            storage->error = host->reply_.transport_error ? host->reply_.error_message : "";
            response->status_code = host->reply_.transport_error ? 0 : host->reply_.status_code;
            response->transport_error = host->reply_.transport_error ? 1 : 0;
            response->retry_after_ms = host->reply_.retry_after_ms;
            response->body = storage->body.c_str();
            response->body_size = storage->body.size();
            response->error_message = storage->error.c_str();
            response->host_private = storage;
            storage->location = host->reply_.location;
            if (OVERT_HTTP_RESPONSE_HAS(response, location)) response->location = storage->location.c_str();
            ++host->outstanding_;
            return 0;
        } catch (...) {
            return -1;
        }
    }

    static void free_thunk(void* ctx, overt_http_response* response) noexcept {
        if (!response || !response->host_private) return;
        delete static_cast<ResponseStorage*>(response->host_private);
        response->host_private = nullptr;
        response->body = nullptr;
        response->error_message = nullptr;
        if (OVERT_HTTP_RESPONSE_HAS(response, location)) response->location = nullptr;
        try {
            std::lock_guard<std::mutex> lock(self(ctx)->mutex_);
            --self(ctx)->outstanding_;
        } catch (...) {
        }
    }

    overt_host_api api_{};
    mutable std::mutex mutex_;
    HttpReply reply_;
    std::vector<LogEntry> logs_;
    std::vector<RecordedRequest> requests_;
    int64_t outstanding_ = 0;
};

}  // namespace overt::testing

#endif  // OVERT_TESTING_FAKE_HOST_HPP
