// SPDX-License-Identifier: MIT
// Shared pieces of the benchmarks: realistic events, an HTTP service that discards bodies,
// and 127.0.0.1 endpoints that are up, refusing, or black-holed.
#pragma once

#include <overt/collector.hpp>
#include <overt/event.hpp>
#include <overt/sink.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace overt::bench {

// Accepts every batch and does nothing with it: what a flush costs without any encoding or I/O.
class NullSink : public Sink {
   public:
    const std::string& id() const override { return id_; }
    std::string describe() const override { return "null"; }
    SendResult send(std::span<const Event>, Deadline) override { return SendResult::ok(); }

   private:
    std::string id_ = "null";
};

// The benchmarks' tool "benchtool" with consent, one metadata pair and a fixed machine id,
// delivering to `sink` (the null sink by default); no data dir unless one is given.
std::unique_ptr<Collector> make_collector(size_t buffer_max_events, const std::string& data_dir = "",
                                          std::unique_ptr<Sink> sink = std::make_unique<NullSink>());

// A command event as a tool records it: metadata shared, no args (no extended collection).
Event sample_event(size_t n);
std::vector<Event> sample_events(size_t count);

// A minimal HTTP/1.1 server answering every POST with 200 and an empty body, with
// keep-alive. Counts requests and body bytes.
class LocalHttpServer {
   public:
    LocalHttpServer();
    ~LocalHttpServer();
    LocalHttpServer(const LocalHttpServer&) = delete;
    LocalHttpServer& operator=(const LocalHttpServer&) = delete;

    int port() const { return port_; }
    std::string url(const std::string& path = "/") const;
    uint64_t requests() const { return requests_.load(); }
    uint64_t body_bytes() const { return body_bytes_.load(); }

   private:
    void accept_loop();
    void serve(int fd);

    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<uint64_t> requests_{0};
    std::atomic<uint64_t> body_bytes_{0};
    std::mutex mutex_;
    std::vector<int> client_fds_;
    std::vector<std::thread> workers_;
    std::thread acceptor_;
};

// Accepts connections and never reads or answers: a peer that holds every request forever.
class BlackHoleListener {
   public:
    BlackHoleListener();
    ~BlackHoleListener();
    BlackHoleListener(const BlackHoleListener&) = delete;
    BlackHoleListener& operator=(const BlackHoleListener&) = delete;
    int port() const { return port_; }

   private:
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::vector<int> held_fds_;
    std::thread acceptor_;
};

// A 127.0.0.1 port with nothing listening (connection refused).
int refused_port();

// A fresh directory under `parent` (default: the system temp dir).
std::string make_temp_dir(const std::string& parent = "");
void remove_tree(const std::string& path);

// Peak resident set size of this process so far (VmHWM), in bytes.
uint64_t peak_rss_bytes();
uint64_t current_rss_bytes();

}  // namespace overt::bench
