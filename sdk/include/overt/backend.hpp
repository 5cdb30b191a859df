// SPDX-License-Identifier: MIT
// overt plugin SDK: header-only C++17 helper over the C ABI in backend.h.
//
//   class MyBackend : public overt::sdk::Backend {
//    public:
//     static constexpr const char* kName = "mine";          // = file name libovert-mine.so
//     static constexpr const char* kVersion = "1.0.0";
//     static constexpr const char* kVendor = "Example Inc.";
//     static constexpr const char* kDescription = "Sends events somewhere";
//     static constexpr const char* kConfigSchema = R"({"type":"object"})";
//     static constexpr uint64_t kCapabilities = OVERT_CAP_LOCAL;
//     MyBackend(const overt::sdk::Host& host, std::string_view config_json);
//     overt::sdk::Result send(overt::sdk::Events events, int64_t deadline_ns) override;
//   };
//   OVERT_BACKEND(MyBackend)
//
// kCapabilities becomes the descriptor's capabilities. A backend that encodes from the
// structured fields and never reads overt_event::json adds OVERT_CAP_NO_EVENT_JSON: the host
// then skips rendering every event's JSON (most of its cost per batch) and passes json as
// {NULL, 0}, which view() turns into an empty string_view. Without the flag json is filled.
//
// Every entry point is noexcept: an exception thrown by the backend becomes a FATAL
// result carrying its what() text (ConfigError in the constructor: INVALID_CONFIG).
//
// `overt config validate` asks the plugin what create() would refuse (the descriptor's
// validate entry). By default that is a dry run of the constructor, so a constructor should
// only read and check its config (open files and connections in send()). A backend whose
// constructor must do more declares instead
//     static void validate_config(const overt::sdk::Host& host, std::string_view config_json);
// throwing ConfigError for what the constructor would refuse.
#ifndef OVERT_BACKEND_HPP
#define OVERT_BACKEND_HPP

#include <overt/backend.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace overt::sdk {

inline std::string_view view(overt_str s) noexcept {
    return s.data ? std::string_view(s.data, s.size) : std::string_view();
}
inline overt_str make_str(std::string_view s) noexcept { return overt_str{s.data(), s.size()}; }

// A contiguous run of events, valid only during send().
class Events {
   public:
    Events(const overt_event* data, size_t size) noexcept : data_(data), size_(size) {}
    const overt_event* begin() const noexcept { return data_; }
    const overt_event* end() const noexcept { return data_ + size_; }
    const overt_event& operator[](size_t i) const noexcept { return data_[i]; }
    size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    Events subspan(size_t offset, size_t count) const noexcept {
        if (offset > size_) offset = size_;
        if (count > size_ - offset) count = size_ - offset;
        return Events(data_ + offset, count);
    }

   private:
    const overt_event* data_;
    size_t size_;
};

struct Result {
    overt_status status = OVERT_OK;
    int64_t retry_after_ms = -1;
    uint64_t accepted_count = 0;
    std::string message;

    static Result ok() { return {}; }
    static Result retry(std::string msg, int64_t retry_after_ms = -1, uint64_t accepted = 0) {
        return {OVERT_RETRY, retry_after_ms, accepted, std::move(msg)};
    }
    static Result rejected(std::string msg, uint64_t accepted = 0) {
        return {OVERT_REJECTED, -1, accepted, std::move(msg)};
    }
    static Result fatal(std::string msg) { return {OVERT_FATAL, -1, 0, std::move(msg)}; }
    static Result invalid_config(std::string msg) { return {OVERT_INVALID_CONFIG, -1, 0, std::move(msg)}; }
};

// Thrown from a backend constructor when its configuration cannot work.
class ConfigError : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

struct HttpRequest {
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string content_type = "application/json";
    std::string_view body;
    bool gzip = false;
    int64_t deadline_ns = 0;
    std::string ca_file;
    bool insecure = false;
};

struct HttpResponse {
    int status_code = 0;
    bool transport_error = false;
    int64_t retry_after_ms = -1;
    std::string body;
    std::string error;
    std::string location;  // a 3xx answer's Location the host did not follow ("" if none)
};

inline bool is_redirect(const HttpResponse& r) noexcept {
    return !r.transport_error && r.status_code >= 300 && r.status_code < 400;
}

// The shared mapping of HTTP outcomes onto delivery statuses: 2xx delivered; 408, 429,
// 5xx and anything that never got an answer are transient; a redirect the host did not
// follow is transient too (the events are kept until the endpoint is fixed, never lost);
// any other status is permanent.
inline overt_status classify_http(const HttpResponse& r) noexcept {
    if (r.transport_error || r.status_code == 0) return OVERT_RETRY;
    if (r.status_code >= 200 && r.status_code < 300) return OVERT_OK;
    if (is_redirect(r)) return OVERT_RETRY;
    if (r.status_code == 408 || r.status_code == 429 || r.status_code >= 500) return OVERT_RETRY;
    return OVERT_REJECTED;
}

// For messages: every "scheme://user:pass@" in `text` becomes "scheme://***@". The host masks
// all plugin messages again (headers, tokens, ${VAR} values); this keeps a plugin's own logs
// and exceptions from quoting a credential before they get there.
inline std::string mask_url_userinfo(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t copied = 0;
    for (size_t at = text.find("://"); at != std::string_view::npos; at = text.find("://", at + 3)) {
        const size_t authority = at + 3;
        const size_t end = text.find_first_of("/?# \t\r\n\"'<>", authority);
        const std::string_view host_part = text.substr(authority, end == std::string_view::npos ? end : end - authority);
        const size_t last_at = host_part.rfind('@');
        if (last_at == std::string_view::npos) continue;
        out.append(text.substr(copied, authority - copied)).append("***");
        copied = authority + last_at;
    }
    out.append(text.substr(copied));
    return out;
}

// At most `limit` bytes of a response body on one line, for a message: control characters
// become spaces and a UTF-8 sequence is not cut in half.
inline std::string message_excerpt(std::string_view body, size_t limit = 200) {
    size_t end = body.size() <= limit ? body.size() : limit;
    if (end < body.size())
        while (end > 0 && (static_cast<unsigned char>(body[end]) & 0xC0) == 0x80) --end;
    std::string out(body.substr(0, end));
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    if (end < body.size()) out += "...";
    return out;
}

// Result for one HTTP exchange: OK, or RETRY/REJECTED with a message naming what happened.
inline Result result_from_http(const HttpResponse& r, std::string_view what, uint64_t accepted = 0) {
    overt_status s = classify_http(r);
    if (s == OVERT_OK) return Result::ok();
    std::string msg = mask_url_userinfo(what);
    if (r.transport_error || r.status_code == 0) {
        msg += ": " + (r.error.empty() ? std::string("no response") : mask_url_userinfo(r.error));
    } else if (is_redirect(r)) {
        // Said plainly, with where to: the operator has to update the endpoint.
        msg += ": HTTP " + std::to_string(r.status_code) + ": the endpoint has moved";
        msg += r.location.empty() ? std::string(" (no Location given)")
                                  : " to " + mask_url_userinfo(message_excerpt(r.location, 300));
        msg += "; not followed";
        if (!r.error.empty()) msg += " (" + mask_url_userinfo(r.error) + ")";
        msg += ", events kept for a later try: update the endpoint";
    } else {
        msg += ": HTTP " + std::to_string(r.status_code);
        if (!r.body.empty()) msg += ": " + mask_url_userinfo(message_excerpt(r.body));
    }
    if (s == OVERT_RETRY) return Result::retry(std::move(msg), r.retry_after_ms, accepted);
    return Result::rejected(std::move(msg), accepted);
}

// The host's services, as the plugin sees them.
class Host {
   public:
    explicit Host(const overt_host_api* api) noexcept : api_(api) {}

    void log(overt_log_level level, std::string_view message) const noexcept {
        if (!api_ || !api_->log) return;
        try {
            std::string text(message);
            api_->log(api_->host_ctx, level, text.c_str());
        } catch (...) {
        }
    }
    int64_t now_ns() const noexcept {
        return (api_ && api_->monotonic_ns) ? api_->monotonic_ns(api_->host_ctx) : 0;
    }
    const char* host_version() const noexcept {
        return (api_ && api_->host_version) ? api_->host_version : "";
    }
    bool has_http() const noexcept { return api_ && api_->http_post && api_->http_response_free; }

    HttpResponse post(const HttpRequest& req) const {
        HttpResponse out;
        if (!has_http()) {
            out.transport_error = true;
            out.error = "host offers no HTTP service";
            return out;
        }
        std::vector<overt_kv> headers;
        headers.reserve(req.headers.size());
        for (const auto& [k, v] : req.headers) headers.push_back({make_str(k), make_str(v)});
        overt_http_request r{};
        r.struct_size = sizeof r;
        r.url = req.url.c_str();
        r.headers = headers.data();
        r.header_count = headers.size();
        r.content_type = req.content_type.c_str();
        r.body = req.body.data();
        r.body_size = req.body.size();
        r.gzip = req.gzip ? 1 : 0;
        r.deadline_ns = req.deadline_ns;
        r.ca_file = req.ca_file.empty() ? nullptr : req.ca_file.c_str();
        r.insecure = req.insecure ? 1 : 0;
        overt_http_response resp{};
        resp.struct_size = sizeof resp;
        if (api_->http_post(api_->host_ctx, &r, &resp) != 0) {
            out.transport_error = true;
            out.error = "host refused the HTTP request";
            return out;
        }
        out.status_code = resp.status_code;
        out.transport_error = resp.transport_error != 0;
        out.retry_after_ms = resp.retry_after_ms;
        if (resp.body) out.body.assign(resp.body, resp.body_size);
        if (resp.error_message) out.error = resp.error_message;
        if (OVERT_HTTP_RESPONSE_HAS(&resp, location) && resp.location) out.location = resp.location;
        api_->http_response_free(api_->host_ctx, &resp);
        return out;
    }

   private:
    const overt_host_api* api_;
};

class Backend {
   public:
    virtual ~Backend() = default;
    virtual Result send(Events events, int64_t deadline_ns) = 0;
    virtual Result flush(int64_t /*deadline_ns*/) { return Result::ok(); }
    virtual std::string describe() const { return {}; }
};

namespace detail {

inline void write_result(overt_result* out, const Result& r) noexcept {
    if (!out) return;
    out->status = r.status;
    out->retry_after_ms = r.retry_after_ms;
    out->accepted_count = r.accepted_count;
    if (out->message && out->message_capacity > 0) {
        size_t n = r.message.size() < out->message_capacity - 1 ? r.message.size() : out->message_capacity - 1;
        std::memcpy(out->message, r.message.data(), n);
        out->message[n] = '\0';
    }
}

inline void write_exception(overt_result* out, overt_status status, const char* prefix) noexcept {
    std::string msg = prefix;
    try {
        throw;
    } catch (const std::exception& e) {
        try {
            msg += e.what();
        } catch (...) {
        }
    } catch (...) {
        msg += "unknown exception";
    }
    Result r;
    r.status = status;
    r.message = std::move(msg);
    write_result(out, r);
}

// Runs a config-reading entry point: OK when `body` returns, INVALID_CONFIG for a
// ConfigError, FATAL (its message after `failure`) for anything else thrown.
template <class Body>
int config_entry(overt_result* result, const char* failure, Body&& body) noexcept {
    try {
        body();
        write_result(result, Result::ok());
        return OVERT_OK;
    } catch (const ConfigError&) {
        write_exception(result, OVERT_INVALID_CONFIG, "invalid config: ");
        return OVERT_INVALID_CONFIG;
    } catch (...) {
        write_exception(result, OVERT_FATAL, failure);
        return OVERT_FATAL;
    }
}

template <class T>
int create(const overt_host_api* host, const char* config, size_t size, void** instance,
           overt_result* result) noexcept {
    return config_entry(result, "create failed: ", [&] {
        auto* b = new T(Host(host), std::string_view(config ? config : "", config ? size : 0));
        *instance = static_cast<Backend*>(b);
    });
}

template <class T, class = void>
struct has_validate_config : std::false_type {};
template <class T>
struct has_validate_config<T, std::void_t<decltype(T::validate_config(std::declval<const Host&>(), std::string_view()))>>
    : std::true_type {};

template <class T>
int validate(const overt_host_api* host, const char* config, size_t size, overt_result* result) noexcept {
    return config_entry(result, "validate failed: ", [&] {
        const std::string_view text(config ? config : "", config ? size : 0);
        if constexpr (has_validate_config<T>::value) {
            T::validate_config(Host(host), text);
        } else {
            const T dry_run(Host(host), text);  // constructed to be checked, then destroyed
        }
    });
}

inline int send(void* instance, const overt_event* events, size_t count, int64_t deadline_ns,
                overt_result* result) noexcept {
    try {
        Result r = static_cast<Backend*>(instance)->send(Events(events, count), deadline_ns);
        write_result(result, r);
        return r.status;
    } catch (...) {
        write_exception(result, OVERT_FATAL, "send threw: ");
        return OVERT_FATAL;
    }
}

inline int flush(void* instance, int64_t deadline_ns, overt_result* result) noexcept {
    try {
        Result r = static_cast<Backend*>(instance)->flush(deadline_ns);
        write_result(result, r);
        return r.status;
    } catch (...) {
        write_exception(result, OVERT_FATAL, "flush threw: ");
        return OVERT_FATAL;
    }
}

inline void destroy(void* instance) noexcept {
    try {
        delete static_cast<Backend*>(instance);
    } catch (...) {
    }
}

inline size_t describe(void* instance, char* buffer, size_t capacity) noexcept {
    try {
        std::string text = static_cast<Backend*>(instance)->describe();
        if (buffer && capacity > 0) {
            size_t n = text.size() < capacity - 1 ? text.size() : capacity - 1;
            std::memcpy(buffer, text.data(), n);
            buffer[n] = '\0';
        }
        return text.size();
    } catch (...) {
        if (buffer && capacity > 0) buffer[0] = '\0';
        return 0;
    }
}

template <class T>
const overt_backend_descriptor* descriptor() noexcept {
    static const overt_backend_descriptor d = {
        sizeof(overt_backend_descriptor),
        OVERT_ABI_MAJOR,
        OVERT_ABI_MINOR,
        T::kName,
        T::kVersion,
        T::kVendor,
        T::kDescription,
        T::kConfigSchema,
        T::kCapabilities,
        &create<T>,
        &detail::send,
        &detail::flush,
        &detail::destroy,
        &detail::describe,
        &validate<T>,
    };
    return &d;
}

}  // namespace detail
}  // namespace overt::sdk

// Exports the plugin's single entry point for backend class T.
#define OVERT_BACKEND(T)                                                                \
    extern "C" OVERT_EXPORT const overt_backend_descriptor* overt_backend_entry_v1(void) { \
        return ::overt::sdk::detail::descriptor<T>();                                   \
    }

#endif  // OVERT_BACKEND_HPP
