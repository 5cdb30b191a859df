// SPDX-License-Identifier: MIT
// HttpService on libcurl (OpenSSL TLS). Easy handles are pooled and share one connection,
// DNS and TLS-session cache, so back-to-back requests to a collector reuse the connection.
#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "transport/curl/gzip.hpp"
#include "transport/curl/curl_http_service.hpp"
#include "transport/curl/retry_after.hpp"
#include "transport/url_policy.hpp"

#ifndef OVERT_VERSION
#define OVERT_VERSION "0.0.0"
#endif

namespace overt::transport {
namespace {

int64_t steady_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void global_init_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpResponse failure(std::string message) {
    HttpResponse r;
    r.transport_error = true;
    r.error = std::move(message);
    return r;
}

bool parse_url(const std::string& url, UrlParts& out, std::string& error) {
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), &curl_url_cleanup);
    if (!handle) {
        error = "out of memory";
        return false;
    }
    if (CURLUcode rc = curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0); rc != CURLUE_OK) {
        error = std::string("malformed URL: ") + curl_url_strerror(rc);
        return false;
    }
    auto get = [&](CURLUPart part, std::string& value, unsigned flags = 0) {
        char* text = nullptr;
        if (curl_url_get(handle.get(), part, &text, flags) != CURLUE_OK) return false;
        value = text;
        curl_free(text);
        return true;
    };
    get(CURLUPART_SCHEME, out.scheme);
    get(CURLUPART_HOST, out.host);
    get(CURLUPART_PORT, out.port, CURLU_DEFAULT_PORT);
    std::string ignored;
    out.has_userinfo = get(CURLUPART_USER, ignored) || get(CURLUPART_PASSWORD, ignored);
    return true;
}

// Validates a request URL: http or https only, no credentials in it.
bool check_url(const std::string& url, UrlParts& parts, std::string& error) {
    if (!parse_url(url, parts, error)) return false;
    error = url_refusal(parts);
    return error.empty();
}

// What the callbacks collect for one exchange.
struct Exchange {
    std::string body;
    int64_t retry_after_ms = -1;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* exchange = static_cast<Exchange*>(user);
    size_t bytes = size * count;
    size_t room = kMaxResponseBody - std::min(kMaxResponseBody, exchange->body.size());
    exchange->body.append(data, std::min(bytes, room));
    return bytes;  // keep reading (and discard) past the cap so the connection stays reusable
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* exchange = static_cast<Exchange*>(user);
    std::string_view line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0) {
        exchange->retry_after_ms = -1;  // a new response (after 100-continue or a redirect)
        return line.size();
    }
    auto colon = line.find(':');
    if (colon != std::string_view::npos && ascii_iequals(line.substr(0, colon), "retry-after")) {
        exchange->retry_after_ms = parse_retry_after_ms(line.substr(colon + 1), std::time(nullptr));
    }
    return line.size();
}

// One lock per kind of shared data, as CURLSH requires when used from several threads.
class Share {
   public:
    Share() : handle_(curl_share_init()) {
        if (!handle_) return;
        curl_share_setopt(handle_, CURLSHOPT_LOCKFUNC, &Share::lock);
        curl_share_setopt(handle_, CURLSHOPT_UNLOCKFUNC, &Share::unlock);
        curl_share_setopt(handle_, CURLSHOPT_USERDATA, this);
        curl_share_setopt(handle_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        curl_share_setopt(handle_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
        curl_share_setopt(handle_, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    }
    ~Share() {
        if (handle_) curl_share_cleanup(handle_);
    }
    Share(const Share&) = delete;
    Share& operator=(const Share&) = delete;
    CURLSH* get() const { return handle_; }

   private:
    static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
        static_cast<Share*>(user)->mutex_for(data).lock();
    }
    static void unlock(CURL*, curl_lock_data data, void* user) {
        static_cast<Share*>(user)->mutex_for(data).unlock();
    }
    std::mutex& mutex_for(curl_lock_data data) {
        auto index = static_cast<size_t>(data);
        return mutexes_[index < kLocks ? index : 0];
    }

    static constexpr size_t kLocks = CURL_LOCK_DATA_LAST;
    CURLSH* handle_;
    std::mutex mutexes_[kLocks];
};

using EasyHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using HeaderList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

class CurlHttpService final : public HttpService {
   public:
    explicit CurlHttpService(HttpServiceOptions options) : options_(std::move(options)) {
        if (options_.user_agent.empty()) options_.user_agent = std::string("overt/") + OVERT_VERSION;
    }

    ~CurlHttpService() override {
        // Easy handles first: they still reference the share.
        std::lock_guard lock(pool_mutex_);
        idle_.clear();
    }

    HttpResponse post(const HttpRequest& request) override {
        try {
            return post_checked(request);
        } catch (const std::exception& e) {
            return failure(std::string("HTTP transport: ") + e.what());
        }
    }

   private:
    HttpResponse post_checked(const HttpRequest& request) {
        // libcurl and OpenSSL initialise (milliseconds) on the first request, not when the
        // module loads.
        std::call_once(share_once_, [this] {
            global_init_once();
            share_ = std::make_unique<Share>();
        });
        UrlParts origin;
        std::string error;
        if (!check_url(request.url, origin, error)) return failure(error);
        if (std::string refusal = header_refusal(request); !refusal.empty()) return failure(refusal);
        if (!request.ca_file.empty()) {
            if (std::FILE* f = std::fopen(request.ca_file.c_str(), "rb")) {
                std::fclose(f);
            } else {
                return failure("ca_file '" + request.ca_file + "' cannot be read");
            }
        }

        int64_t deadline_ns = request.deadline_ns;
        if (deadline_ns == 0) deadline_ns = steady_now_ns() + options_.default_timeout_ms * 1'000'000;

        std::string gzipped;
        if (request.gzip) gzipped = gzip_compress(request.body);
        const std::string& payload = request.gzip ? gzipped : request.body;

        HeaderList headers(nullptr, &curl_slist_free_all);
        auto add_header = [&](const std::string& line) {
            curl_slist* next = curl_slist_append(headers.get(), line.c_str());
            if (!next) throw std::bad_alloc();
            headers.release();
            headers.reset(next);
        };
        add_header("Content-Type: " + (request.content_type.empty() ? std::string("application/octet-stream")
                                                                     : request.content_type));
        if (request.gzip) add_header("Content-Encoding: gzip");
        add_header("Expect:");  // no 100-continue round trip for large bodies
        for (const auto& [name, value] : request.headers) add_header(name + ": " + value);

        EasyHandle easy = acquire();
        if (!easy) return failure("cannot create a libcurl handle");
        std::string url = request.url;
        HttpResponse response;
        for (int hop = 0;; ++hop) {
            response = perform(easy.get(), url, headers.get(), payload, request, deadline_ns);
            if (response.transport_error || response.status_code < 300 || response.status_code >= 400) break;
            char* location = nullptr;
            curl_easy_getinfo(easy.get(), CURLINFO_REDIRECT_URL, &location);
            if (!location) break;
            response.location = location;  // kept for the plugin when not followed
            if (response.error = redirect_code_refusal(response.status_code); !response.error.empty()) break;
            UrlParts target;
            std::string target_error;
            if (!check_url(location, target, target_error)) {
                response.error = "the Location is unusable: " + target_error;
                break;
            }
            if (response.error = redirect_target_refusal(origin, target, hop); !response.error.empty()) break;
            url = location;
            origin = target;  // the next hop is judged from where this one went
        }
        release(std::move(easy));
        return response;
    }

    HttpResponse perform(CURL* easy, const std::string& url, curl_slist* headers, const std::string& payload,
                         const HttpRequest& request, int64_t deadline_ns) {
        int64_t remaining_ms = (deadline_ns - steady_now_ns()) / 1'000'000;
        if (remaining_ms <= 0) return failure("deadline passed before the request to " + url + " was sent");

        Exchange exchange;
        char curl_error[CURL_ERROR_SIZE] = {0};
        curl_easy_reset(easy);  // keeps live connections and caches
        curl_easy_setopt(easy, CURLOPT_SHARE, share_->get());
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
        curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
        if (request.head_only) {
            curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);  // HEAD: a connectivity check, nothing sent
        } else {
            curl_easy_setopt(easy, CURLOPT_POST, 1L);
            curl_easy_setopt(easy, CURLOPT_POSTFIELDS, payload.data());
            curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
        }
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(easy, CURLOPT_USERAGENT, options_.user_agent.c_str());
        curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(remaining_ms));
        curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(std::min(remaining_ms, std::max<int64_t>(1, options_.connect_timeout_ms))));
        curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, curl_error);
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, &exchange);
        curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
        curl_easy_setopt(easy, CURLOPT_HEADERDATA, &exchange);
        if (request.insecure) {
            curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
            curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
        } else if (!request.ca_file.empty()) {
            curl_easy_setopt(easy, CURLOPT_CAINFO, request.ca_file.c_str());
        }

        CURLcode rc = curl_easy_perform(easy);
        curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);  // curl_error dies with this frame
        HttpResponse response;
        long status = 0;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        if (rc != CURLE_OK) {
            response.transport_error = true;
            response.error = (request.head_only ? "HEAD " : "POST ") + url + ": " + (curl_error[0] ? curl_error : curl_easy_strerror(rc));
            if (rc == CURLE_OPERATION_TIMEDOUT) response.error += " (deadline)";
            return response;
        }
        response.status_code = static_cast<int>(status);
        response.retry_after_ms = exchange.retry_after_ms;
        response.body = std::move(exchange.body);
        return response;
    }

    EasyHandle acquire() {
        {
            std::lock_guard lock(pool_mutex_);
            if (!idle_.empty()) {
                EasyHandle easy = std::move(idle_.back());
                idle_.pop_back();
                return easy;
            }
        }
        return EasyHandle(curl_easy_init(), &curl_easy_cleanup);
    }

    void release(EasyHandle easy) {
        std::lock_guard lock(pool_mutex_);
        if (idle_.size() < kMaxIdleHandles) idle_.push_back(std::move(easy));
    }

    static constexpr size_t kMaxIdleHandles = 8;
    HttpServiceOptions options_;
    std::once_flag share_once_;
    std::unique_ptr<Share> share_;  // declared before idle_: destroyed after the handles that use it
    std::mutex pool_mutex_;
    std::vector<EasyHandle> idle_;
};

}  // namespace

namespace curl {
std::shared_ptr<HttpService> make_http_service(const HttpServiceOptions& options) {
    return std::make_shared<CurlHttpService>(options);
}
}  // namespace curl

}  // namespace overt::transport
