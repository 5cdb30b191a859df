// SPDX-License-Identifier: MIT
#include "capture_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "transport/curl/gzip.hpp"

namespace overt::test {
namespace {

constexpr int kPollMs = 20;

// Reads and writes on a plain or TLS connection, giving up when the server stops.
class Connection {
   public:
    Connection(int fd, SSL* ssl, const std::atomic<bool>& stopping) : fd_(fd), ssl_(ssl), stopping_(stopping) {}

    bool wait_readable() {
        if (ssl_ && SSL_pending(ssl_) > 0) return true;
        while (!stopping_) {
            pollfd p{fd_, POLLIN, 0};
            int rc = ::poll(&p, 1, kPollMs);
            if (rc > 0) return true;
            if (rc < 0) return false;
        }
        return false;
    }
    // Appends what arrives to `buffer`; false on EOF, error or stop.
    bool read_some(std::string& buffer) {
        if (!wait_readable()) return false;
        char chunk[16384];
        int n = ssl_ ? SSL_read(ssl_, chunk, sizeof chunk) : static_cast<int>(::recv(fd_, chunk, sizeof chunk, 0));
        if (n <= 0) return false;
        buffer.append(chunk, static_cast<size_t>(n));
        return true;
    }
    bool write_all(const std::string& data) {
        size_t done = 0;
        while (done < data.size()) {
            int n = ssl_ ? SSL_write(ssl_, data.data() + done, static_cast<int>(data.size() - done))
                         : static_cast<int>(::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL));
            if (n <= 0) return false;
            done += static_cast<size_t>(n);
        }
        return true;
    }

   private:
    int fd_;
    SSL* ssl_;
    const std::atomic<bool>& stopping_;
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

const char* reason(int status) {
    switch (status) {
        case 200: return "OK";
        case 202: return "Accepted";
        case 307: return "Temporary Redirect";
        case 400: return "Bad Request";
        case 403: return "Forbidden";
        case 408: return "Request Timeout";
        case 413: return "Payload Too Large";
        case 429: return "Too Many Requests";
        case 500: return "Internal Server Error";
        case 503: return "Service Unavailable";
        default: return "Status";
    }
}

}  // namespace

CaptureServer::CaptureServer(std::vector<ScriptedResponse> script, const TlsFiles* tls) : script_(std::move(script)) {
    if (script_.empty()) script_.push_back(ScriptedResponse{});
    if (tls) {
        SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
        if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, tls->certificate_chain.c_str()) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx, tls->private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
            if (ctx) SSL_CTX_free(ctx);
            throw std::runtime_error("capture server: cannot load TLS certificate " + tls->certificate_chain);
        }
        tls_ctx_ = ctx;
    }
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;  // ephemeral
    socklen_t length = sizeof addr;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 64) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0)
        throw std::runtime_error("capture server: cannot listen on 127.0.0.1");
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

CaptureServer::~CaptureServer() {
    stopping_ = true;
    acceptor_.join();
    for (auto& worker : workers_) worker.join();
    ::close(listen_fd_);
    if (tls_ctx_) SSL_CTX_free(static_cast<SSL_CTX*>(tls_ctx_));
}

std::string CaptureServer::url(const std::string& path, bool use_localhost_name) const {
    return std::string(tls_ctx_ ? "https" : "http") + "://" + (use_localhost_name ? "localhost" : "127.0.0.1") + ":" +
           std::to_string(port_) + path;
}

void CaptureServer::set_script(std::vector<ScriptedResponse> script) {
    std::lock_guard lock(mutex_);
    script_ = std::move(script);
    served_ = 0;
}

std::vector<CapturedRequest> CaptureServer::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

ScriptedResponse CaptureServer::next_response() {
    std::lock_guard lock(mutex_);
    size_t index = std::min(served_++, script_.size() - 1);
    return script_[index];
}

void CaptureServer::accept_loop() {
    while (!stopping_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, kPollMs) <= 0) continue;
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        int connection = ++connections_;
        workers_.emplace_back([this, fd, connection] { serve(fd, connection); });
    }
}

void CaptureServer::serve(int fd, int connection_number) {
    SSL* ssl = nullptr;
    if (tls_ctx_) {
        ssl = SSL_new(static_cast<SSL_CTX*>(tls_ctx_));
        SSL_set_fd(ssl, fd);
        if (SSL_accept(ssl) != 1) {  // e.g. the client refused our certificate
            SSL_free(ssl);
            ERR_clear_error();
            ::close(fd);
            return;
        }
    }
    Connection connection(fd, ssl, stopping_);
    std::string buffer;
    bool open = true;
    while (open && !stopping_) {
        size_t header_end;
        while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos)
            if (!connection.read_some(buffer)) goto done;
        {
            CapturedRequest request;
            request.connection = connection_number;
            std::string head = buffer.substr(0, header_end);
            size_t line_end = head.find("\r\n");
            std::string request_line = head.substr(0, line_end);
            size_t sp1 = request_line.find(' '), sp2 = request_line.rfind(' ');
            request.method = request_line.substr(0, sp1);
            request.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
            size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
            while (pos < head.size()) {
                size_t end = head.find("\r\n", pos);
                if (end == std::string::npos) end = head.size();
                std::string line = head.substr(pos, end - pos);
                size_t colon = line.find(':');
                if (colon != std::string::npos) {
                    size_t value = line.find_first_not_of(' ', colon + 1);
                    request.headers[lower(line.substr(0, colon))] = value == std::string::npos ? "" : line.substr(value);
                }
                pos = end + 2;
            }
            size_t length = 0;
            if (auto it = request.headers.find("content-length"); it != request.headers.end())
                length = std::stoul(it->second);
            buffer.erase(0, header_end + 4);
            while (buffer.size() < length)
                if (!connection.read_some(buffer)) goto done;
            request.body = buffer.substr(0, length);
            buffer.erase(0, length);
            auto encoding = request.headers.find("content-encoding");
            request.decoded_body = (encoding != request.headers.end() && encoding->second == "gzip")
                                       ? transport::gzip_decompress(request.body)
                                       : request.body;
            {
                std::lock_guard lock(mutex_);
                requests_.push_back(std::move(request));
            }
        }
        ScriptedResponse response = next_response();
        if (response.action == ScriptedResponse::Action::hang) {
            while (!stopping_) ::poll(nullptr, 0, kPollMs);
            break;
        }
        if (response.action == ScriptedResponse::Action::close) break;
        std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + reason(response.status) + "\r\n";
        for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
        out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n\r\n" + response.body;
        open = connection.write_all(out);
    }
done:
    if (ssl) {
        SSL_shutdown(ssl);
        SSL_free(ssl);
    }
    ::close(fd);
}

}  // namespace overt::test
