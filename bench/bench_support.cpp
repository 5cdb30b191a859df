// SPDX-License-Identifier: MIT
#include "bench_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string_view>

namespace overt::bench {
namespace {

int listen_on_loopback(int& port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 512) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error(std::string("listening on 127.0.0.1 failed: ") + std::strerror(errno));
    }
    port = ntohs(addr.sin_port);
    return fd;
}

uint64_t status_field_kib(std::string_view field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.starts_with(field)) return std::strtoull(line.c_str() + field.size(), nullptr, 10);
    return 0;
}

}  // namespace

Event sample_event(size_t n) {
    static const auto origin = std::make_shared<const Origin>(
        Origin{"4a3f8c1d9e2b6f70a1b2c3d4e5f60718", "mytool", "1.2.3", "linux", "amd64", "c++20-gcc12", "6.1.0-18-amd64"});
    static const auto metadata =
        std::make_shared<const Metadata>(Metadata{{"channel", "stable"}, {"ci", "false"}, {"shell", "bash"}});
    Event event;
    event.event_id = generate_event_id();
    event.timestamp_unix_nano = 1'774'951'200'123'456'789 + static_cast<int64_t>(n);
    event.type = "command.invocation";
    event.name = "build";
    event.origin = origin;
    event.duration_ms = 142 + static_cast<int64_t>(n % 1000);
    event.exit_code = static_cast<int32_t>(n % 3 == 0);
    event.metadata = metadata;
    return event;
}

std::vector<Event> sample_events(size_t count) {
    std::vector<Event> events;
    events.reserve(count);
    for (size_t i = 0; i < count; ++i) events.push_back(sample_event(i));
    return events;
}

LocalHttpServer::LocalHttpServer() {
    listen_fd_ = listen_on_loopback(port_);
    acceptor_ = std::thread([this] { accept_loop(); });
}

LocalHttpServer::~LocalHttpServer() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    {
        std::lock_guard lock(mutex_);
        for (int fd : client_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& worker : workers_) worker.join();
    for (int fd : client_fds_) ::close(fd);
    ::close(listen_fd_);
}

std::string LocalHttpServer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void LocalHttpServer::accept_loop() {
    while (!stopping_) {
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            if (stopping_ || errno == EINVAL) return;
            continue;
        }
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        std::lock_guard lock(mutex_);
        client_fds_.push_back(fd);
        workers_.emplace_back([this, fd] { serve(fd); });
    }
}

void LocalHttpServer::serve(int fd) {
    std::string pending;
    char chunk[64 * 1024];
    for (;;) {
        size_t header_end;
        while ((header_end = pending.find("\r\n\r\n")) == std::string::npos) {
            ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
            if (got <= 0) return;
            pending.append(chunk, static_cast<size_t>(got));
        }
        size_t content_length = 0;
        std::string headers = pending.substr(0, header_end);
        for (auto& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (auto at = headers.find("content-length:"); at != std::string::npos)
            content_length = std::strtoull(headers.c_str() + at + 15, nullptr, 10);
        const size_t total = header_end + 4 + content_length;
        while (pending.size() < total) {
            ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
            if (got <= 0) return;
            pending.append(chunk, static_cast<size_t>(got));
        }
        pending.erase(0, total);
        ++requests_;
        body_bytes_ += content_length;
        static constexpr std::string_view kReply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        if (::send(fd, kReply.data(), kReply.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(kReply.size())) return;
    }
}

BlackHoleListener::BlackHoleListener() {
    listen_fd_ = listen_on_loopback(port_);
    acceptor_ = std::thread([this] {
        while (!stopping_) {
            int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) {
                if (stopping_ || errno == EINVAL) return;
                continue;
            }
            std::lock_guard lock(mutex_);
            held_fds_.push_back(fd);  // never read, never answered
        }
    });
}

BlackHoleListener::~BlackHoleListener() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    for (int fd : held_fds_) ::close(fd);
    ::close(listen_fd_);
}

int refused_port() {
    int port = 0;
    int fd = listen_on_loopback(port);
    ::close(fd);  // nothing listens there now: connect() is refused
    return port;
}

std::string make_temp_dir(const std::string& parent) {
    std::filesystem::path base = parent.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(parent);
    std::string pattern = (base / "overt-bench-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed under " + base.string());
    return pattern;
}

void remove_tree(const std::string& path) {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
}

uint64_t peak_rss_bytes() { return status_field_kib("VmHWM:") * 1024; }
uint64_t current_rss_bytes() { return status_field_kib("VmRSS:") * 1024; }

std::unique_ptr<Collector> make_collector(size_t buffer_max_events, const std::string& data_dir,
                                          std::unique_ptr<Sink> sink) {
    Config config;
    config.tool_name = "benchtool";
    config.tool_version = "1.0.0";
    config.buffer_max_events = buffer_max_events;
    config.metadata = {{"channel", "stable"}};
    CollectorOptions options;
    options.consent_granted = true;
    options.data_dir = data_dir;
    options.machine_id = "4a3f8c1d9e2b6f70a1b2c3d4e5f60718";
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::move(sink));
    return std::make_unique<Collector>(std::move(config), std::move(sinks), std::move(options));
}

}  // namespace overt::bench
