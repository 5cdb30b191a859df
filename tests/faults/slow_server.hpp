// SPDX-License-Identifier: MIT
// A local HTTP endpoint that answers 200 slowly, for tests that race something against a
// delivery in progress.
#pragma once

#include "fault_support.hpp"

#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace overt::testing {

// Answers every HTTP request with 200 after `delay`, one connection at a time, noting when each
// request arrived.
class SlowServer {
   public:
    explicit SlowServer(std::chrono::milliseconds delay) : delay_(delay) {
        fd_ = listen_on_loopback(16, port_, "slow server");
        thread_ = std::thread([this] { serve(); });
    }
    ~SlowServer() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/ingest"; }
    std::vector<Clock::time_point> arrivals() const {
        std::lock_guard lock(mutex_);
        return arrivals_;
    }

   private:
    void serve() {
        while (!stop_) {
            pollfd ready{fd_, POLLIN, 0};
            if (::poll(&ready, 1, 20) <= 0) continue;
            int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client < 0) continue;
            std::string request;
            char chunk[4096];
            // Headers, then Content-Length bytes of body.
            size_t expected = std::string::npos;
            while (expected == std::string::npos || request.size() < expected) {
                pollfd in{client, POLLIN, 0};
                if (::poll(&in, 1, 2000) <= 0) break;
                ssize_t n = ::recv(client, chunk, sizeof chunk, 0);
                if (n <= 0) break;
                request.append(chunk, static_cast<size_t>(n));
                if (expected == std::string::npos) {
                    auto end = request.find("\r\n\r\n");
                    if (end == std::string::npos) continue;
                    auto length_at = request.find("Content-Length: ");
                    size_t length = length_at == std::string::npos ? 0 : std::stoul(request.substr(length_at + 16));
                    expected = end + 4 + length;
                    std::lock_guard lock(mutex_);
                    arrivals_.push_back(Clock::now());
                }
            }
            std::this_thread::sleep_for(delay_);
            const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            (void)::send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
            ::close(client);
        }
    }
    std::chrono::milliseconds delay_;
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<Clock::time_point> arrivals_;
};

// A tool of the test config delivering to `url` through the http plugin from overt-sender
// (exit_delivery: background), with a 10 s sender deadline.
inline Config slow_endpoint_config(const TempDir& dir, const std::string& url, size_t buffer_max) {
    Config config = test_config(buffer_max);
    config.data_dir = dir.str();
    config.plugin_dirs = {OVERT_TEST_PLUGIN_DIR};
    config.flush_timeout_ms = 10000;
    config.exit_delivery = ExitDelivery::background;
    BackendConfig http;
    http.plugin = "http";
    http.id = "http";
    http.settings_json = nlohmann::json{{"endpoint", url}}.dump();
    config.backends = {http};
    return config;
}

}  // namespace overt::testing
