// SPDX-License-Identifier: MIT
// A tiny HTTP/1.1 server on 127.0.0.1 for tests: records every request and answers from a
// script (status, headers, body), or hangs, or drops the connection. Optional TLS.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace overt::test {

struct CapturedRequest {
    std::string method;
    std::string target;                          // path and query
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;                            // as received
    std::string decoded_body;                    // gunzipped when Content-Encoding: gzip
    int connection = 0;                          // which accepted connection carried it
};

struct ScriptedResponse {
    enum class Action { respond, hang, close };
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    Action action = Action::respond;

    static ScriptedResponse hang() { return {0, {}, {}, Action::hang}; }
    static ScriptedResponse close() { return {0, {}, {}, Action::close}; }
};

struct TlsFiles {
    std::string certificate_chain;  // PEM
    std::string private_key;        // PEM
};

class CaptureServer {
   public:
    explicit CaptureServer(std::vector<ScriptedResponse> script = {ScriptedResponse{}}, const TlsFiles* tls = nullptr);
    ~CaptureServer();
    CaptureServer(const CaptureServer&) = delete;
    CaptureServer& operator=(const CaptureServer&) = delete;

    int port() const { return port_; }
    // "http://127.0.0.1:<port><path>" (https with TLS; host "localhost" when asked).
    std::string url(const std::string& path = "/", bool use_localhost_name = false) const;
    // Responses for the following requests, in order; the last one repeats.
    void set_script(std::vector<ScriptedResponse> script);
    std::vector<CapturedRequest> requests() const;
    int connections_accepted() const { return connections_.load(); }

   private:
    void accept_loop();
    void serve(int fd, int connection);
    ScriptedResponse next_response();

    int listen_fd_ = -1;
    int port_ = 0;
    void* tls_ctx_ = nullptr;  // SSL_CTX*
    std::atomic<bool> stopping_{false};
    std::atomic<int> connections_{0};
    mutable std::mutex mutex_;
    std::vector<ScriptedResponse> script_;
    size_t served_ = 0;
    std::vector<CapturedRequest> requests_;
    std::vector<std::thread> workers_;
    std::thread acceptor_;
};

}  // namespace overt::test
