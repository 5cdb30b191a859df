// SPDX-License-Identifier: MIT
// HttpService on WinHTTP. One session per service: WinHTTP pools its connections per session,
// so back-to-back requests to a collector reuse the connection.
#include "transport/winhttp/winhttp_http_service.hpp"

#include "platform/windows_text.hpp"
#include "transport/curl/gzip.hpp"
#include "transport/curl/retry_after.hpp"
#include "transport/url_policy.hpp"

#include <winhttp.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <mutex>
#include <string>

#ifndef OVERT_VERSION
#define OVERT_VERSION "0.0.0"
#endif

namespace overt::transport {
namespace {

using platform::windows::narrow;
using platform::windows::widen;

int64_t steady_ns_now() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

HttpResponse transport_failure(std::string message) {
    HttpResponse r;
    r.transport_error = true;
    r.error = std::move(message);
    return r;
}

struct InternetHandle {
    HINTERNET value = nullptr;
    InternetHandle() = default;
    explicit InternetHandle(HINTERNET handle) : value(handle) {}
    InternetHandle(const InternetHandle&) = delete;
    InternetHandle& operator=(const InternetHandle&) = delete;
    ~InternetHandle() {
        if (value) WinHttpCloseHandle(value);
    }
};

// WinHttpCrackUrl's parts, with the port always spelled out.
struct CrackedUrl {
    UrlParts parts;
    std::wstring host;
    std::wstring path_and_query;
    INTERNET_PORT port = 0;
    bool secure = false;
};

bool crack_url(const std::string& url, CrackedUrl& out, std::string& error) {
    const std::wstring wide = widen(url);
    URL_COMPONENTS components{};
    components.dwStructSize = sizeof components;
    components.dwSchemeLength = components.dwHostNameLength = components.dwUrlPathLength =
        components.dwExtraInfoLength = components.dwUserNameLength = components.dwPasswordLength = static_cast<DWORD>(-1);
    if (!WinHttpCrackUrl(wide.c_str(), static_cast<DWORD>(wide.size()), 0, &components)) {
        // WinHTTP knows only http and https; anything else is refused here.
        const size_t colon = url.find(':');
        const std::string scheme = colon == std::string::npos ? std::string() : url.substr(0, colon);
        if (!scheme.empty() && scheme.find('/') == std::string::npos && scheme != "http" && scheme != "https")
            error = "unsupported URL scheme '" + scheme + "' (only http and https)";
        else
            error = "malformed URL: " + platform::windows::error_text(GetLastError());
        return false;
    }
    out.parts.scheme = narrow(std::wstring(components.lpszScheme, components.dwSchemeLength));
    std::transform(out.parts.scheme.begin(), out.parts.scheme.end(), out.parts.scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.host.assign(components.lpszHostName, components.dwHostNameLength);
    out.parts.host = narrow(out.host);
    out.port = components.nPort;
    out.parts.port = std::to_string(components.nPort);
    out.parts.has_userinfo = components.dwUserNameLength > 0 || components.dwPasswordLength > 0;
    out.path_and_query.assign(components.lpszUrlPath, components.dwUrlPathLength);
    out.path_and_query.append(components.lpszExtraInfo, components.dwExtraInfoLength);
    if (out.path_and_query.empty()) out.path_and_query = L"/";
    out.secure = components.nScheme == INTERNET_SCHEME_HTTPS;
    error = url_refusal(out.parts);
    return error.empty();
}

std::wstring query_header(HINTERNET request, DWORD which) {
    DWORD size = 0;
    WinHttpQueryHeaders(request, which, WINHTTP_HEADER_NAME_BY_INDEX, WINHTTP_NO_OUTPUT_BUFFER, &size,
                        WINHTTP_NO_HEADER_INDEX);
    if (GetLastError() != ERROR_INSUFFICIENT_BUFFER || size == 0) return {};
    std::wstring value(size / sizeof(wchar_t), L'\0');
    if (!WinHttpQueryHeaders(request, which, WINHTTP_HEADER_NAME_BY_INDEX, value.data(), &size,
                             WINHTTP_NO_HEADER_INDEX))
        return {};
    value.resize(size / sizeof(wchar_t));
    return value;
}

class WinHttpService final : public HttpService {
   public:
    explicit WinHttpService(HttpServiceOptions options) : options_(std::move(options)) {
        if (options_.user_agent.empty()) options_.user_agent = std::string("overt/") + OVERT_VERSION;
    }

    HttpResponse post(const HttpRequest& request) override {
        try {
            return post_checked(request);
        } catch (const std::exception& e) {
            return transport_failure(std::string("HTTP transport: ") + e.what());
        }
    }

   private:
    // The system's proxy settings (WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY, Windows 8.1+), or the
    // WinHTTP default where that is unknown (older systems, wine).
    HINTERNET session() {
        std::call_once(session_once_, [this] {
            const std::wstring agent = widen(options_.user_agent);
            session_.value = WinHttpOpen(agent.c_str(), WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY, WINHTTP_NO_PROXY_NAME,
                                         WINHTTP_NO_PROXY_BYPASS, 0);
            if (!session_.value)
                session_.value = WinHttpOpen(agent.c_str(), WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, WINHTTP_NO_PROXY_NAME,
                                             WINHTTP_NO_PROXY_BYPASS, 0);
        });
        return session_.value;
    }

    HttpResponse post_checked(const HttpRequest& request) {
        CrackedUrl origin;
        std::string error;
        if (!crack_url(request.url, origin, error)) return transport_failure(error);
        if (std::string refusal = header_refusal(request); !refusal.empty()) return transport_failure(refusal);
        if (!request.ca_file.empty())
            return transport_failure("ca_file is not supported by the WinHTTP transport: add the CA to the Windows "
                                     "certificate store (TLS uses the system's)");
        if (!session()) return transport_failure("WinHttpOpen: " + platform::windows::error_text(GetLastError()));

        int64_t deadline_ns = request.deadline_ns;
        if (deadline_ns == 0) deadline_ns = steady_ns_now() + options_.default_timeout_ms * 1'000'000;
        const std::string payload = request.gzip ? gzip_compress(request.body) : request.body;

        std::string header_text = "Content-Type: " + (request.content_type.empty() ? std::string("application/octet-stream")
                                                                                    : request.content_type) + "\r\n";
        if (request.gzip) header_text += "Content-Encoding: gzip\r\n";
        for (const auto& [name, value] : request.headers) header_text += name + ": " + value + "\r\n";
        const std::wstring headers = widen(header_text);

        std::string url = request.url;
        HttpResponse response;
        for (int hop = 0;; ++hop) {
            response = perform(origin, url, headers, payload, request, deadline_ns);
            if (response.transport_error || response.status_code < 300 || response.status_code >= 400) break;
            if (response.location.empty()) break;
            if (response.error = redirect_code_refusal(response.status_code); !response.error.empty()) break;
            CrackedUrl target;
            std::string target_error;
            if (!crack_url(response.location, target, target_error)) {
                response.error = "the Location is unusable: " + target_error;
                break;
            }
            if (response.error = redirect_target_refusal(origin.parts, target.parts, hop); !response.error.empty()) break;
            url = response.location;
            origin = std::move(target);  // the next hop is judged from where this one went
        }
        return response;
    }

    HttpResponse perform(const CrackedUrl& target, const std::string& url, const std::wstring& headers,
                         const std::string& payload, const HttpRequest& request, int64_t deadline_ns) {
        const std::string verb = request.head_only ? "HEAD " : "POST ";
        const int64_t remaining_ms = (deadline_ns - steady_ns_now()) / 1'000'000;
        if (remaining_ms <= 0) return transport_failure("deadline passed before the request to " + url + " was sent");
        auto fail = [&](const char* step) {
            const DWORD code = GetLastError();
            HttpResponse r = transport_failure(verb + url + ": " + step + ": " + platform::windows::error_text(code));
            if (code == ERROR_WINHTTP_TIMEOUT) r.error += " (deadline)";
            return r;
        };

        InternetHandle connection(WinHttpConnect(session(), target.host.c_str(), target.port, 0));
        if (!connection.value) return fail("connect");
        InternetHandle handle(WinHttpOpenRequest(connection.value, request.head_only ? L"HEAD" : L"POST",
                                                 target.path_and_query.c_str(), nullptr, WINHTTP_NO_REFERER,
                                                 WINHTTP_DEFAULT_ACCEPT_TYPES,
                                                 target.secure ? WINHTTP_FLAG_SECURE : 0));
        if (!handle.value) return fail("open request");
        const int timeout = static_cast<int>(std::min<int64_t>(remaining_ms, 0x7fffffff));
        const int connect_timeout = static_cast<int>(std::min<int64_t>(timeout, std::max<int64_t>(1, options_.connect_timeout_ms)));
        WinHttpSetTimeouts(handle.value, timeout, connect_timeout, timeout, timeout);
        DWORD never = WINHTTP_OPTION_REDIRECT_POLICY_NEVER;  // redirects are judged above
        WinHttpSetOption(handle.value, WINHTTP_OPTION_REDIRECT_POLICY, &never, sizeof never);
        if (request.insecure) {
            DWORD ignore = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID |
                           SECURITY_FLAG_IGNORE_CERT_CN_INVALID | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE;
            WinHttpSetOption(handle.value, WINHTTP_OPTION_SECURITY_FLAGS, &ignore, sizeof ignore);
        }
        const DWORD body_size = request.head_only ? 0 : static_cast<DWORD>(payload.size());
        if (!WinHttpSendRequest(handle.value, headers.c_str(), static_cast<DWORD>(headers.size()),
                                body_size ? const_cast<char*>(payload.data()) : WINHTTP_NO_REQUEST_DATA, body_size,
                                body_size, 0))
            return fail("send");
        if (!WinHttpReceiveResponse(handle.value, nullptr)) return fail("receive");

        HttpResponse response;
        DWORD status = 0, size = sizeof status;
        WinHttpQueryHeaders(handle.value, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                            WINHTTP_HEADER_NAME_BY_INDEX, &status, &size, WINHTTP_NO_HEADER_INDEX);
        response.status_code = static_cast<int>(status);
        if (std::wstring retry_after = query_header(handle.value, WINHTTP_QUERY_RETRY_AFTER); !retry_after.empty())
            response.retry_after_ms = parse_retry_after_ms(narrow(retry_after), std::time(nullptr));
        if (status >= 300 && status < 400) response.location = narrow(query_header(handle.value, WINHTTP_QUERY_LOCATION));
        // Read (and past the cap, discard) the whole body so the connection stays reusable.
        char buffer[16 * 1024];
        for (DWORD got = 0; WinHttpReadData(handle.value, buffer, sizeof buffer, &got) && got > 0;) {
            const size_t room = kMaxResponseBody - std::min(kMaxResponseBody, response.body.size());
            response.body.append(buffer, std::min<size_t>(got, room));
        }
        return response;
    }

    HttpServiceOptions options_;
    std::once_flag session_once_;
    InternetHandle session_;
};

}  // namespace

namespace winhttp {
std::shared_ptr<HttpService> make_http_service(const HttpServiceOptions& options) {
    return std::make_shared<WinHttpService>(options);
}
}  // namespace winhttp

}  // namespace overt::transport
