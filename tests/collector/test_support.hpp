// SPDX-License-Identifier: MIT
// Test doubles and helpers for the collector tests.
#pragma once

#include <overt/collector.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace overt::testing {

namespace fs = std::filesystem;

// What a FakeSink saw; shared with the test, which keeps it after the collector owns the sink.
struct SinkLog {
    std::mutex mutex;
    std::vector<Event> received;      // accepted events, in order
    std::vector<size_t> batch_sizes;  // every send() call
    std::deque<SendResult> script;    // results to return, in order; then `fallback`
    SendResult fallback = SendResult::ok();
    // When set, decides instead of script/fallback.
    std::function<SendResult(std::span<const Event>, Deadline)> behaviour;

    size_t calls() {
        std::lock_guard lock(mutex);
        return batch_sizes.size();
    }
    std::vector<Event> events() {
        std::lock_guard lock(mutex);
        return received;
    }
};

class FakeSink : public Sink {
   public:
    FakeSink(std::string id, std::shared_ptr<SinkLog> log) : id_(std::move(id)), log_(std::move(log)) {}
    const std::string& id() const override { return id_; }
    std::string describe() const override { return "fake (" + id_ + ")"; }
    SendResult send(std::span<const Event> events, Deadline deadline) override {
        SendResult result;
        std::function<SendResult(std::span<const Event>, Deadline)> behaviour;
        {
            std::lock_guard lock(log_->mutex);
            log_->batch_sizes.push_back(events.size());
            behaviour = log_->behaviour;
            if (!behaviour) {
                if (!log_->script.empty()) {
                    result = log_->script.front();
                    log_->script.pop_front();
                } else {
                    result = log_->fallback;
                }
            }
        }
        if (behaviour) result = behaviour(events, deadline);
        size_t accepted = result.status == SendStatus::ok ? events.size() : std::min(result.accepted, events.size());
        std::lock_guard lock(log_->mutex);
        log_->received.insert(log_->received.end(), events.begin(), events.begin() + static_cast<ptrdiff_t>(accepted));
        return result;
    }

   private:
    std::string id_;
    std::shared_ptr<SinkLog> log_;
};

inline SendResult retry_result(std::string message = "try later", int64_t retry_after_ms = -1, size_t accepted = 0) {
    return SendResult{SendStatus::retry, retry_after_ms, accepted, std::move(message)};
}
inline SendResult rejected_result(std::string message = "bad events", size_t accepted = 0) {
    return SendResult{SendStatus::rejected, -1, accepted, std::move(message)};
}
inline SendResult fatal_result(std::string message = "broken") {
    return SendResult{SendStatus::fatal, -1, 0, std::move(message)};
}

// A fresh directory, removed afterwards.
class TempDir {
   public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "overt-collector-test-XXXXXX").string();
        char* made = ::mkdtemp(pattern.data());
        if (!made) throw std::runtime_error("mkdtemp failed");
        path_ = made;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }
    std::string str() const { return path_.string(); }

   private:
    fs::path path_;
};

inline Config test_config(size_t buffer_max = 1000) {
    Config config;
    config.tool_name = "mytool";
    config.tool_version = "2.0.0";
    config.buffer_max_events = buffer_max;
    config.exit_budget_ms = 300;
    config.flush_timeout_ms = 2000;
    // These tests deliver to in-process fakes; the background hand-off has its own tests.
    config.exit_delivery = ExitDelivery::in_process;
    return config;
}

inline CollectorOptions granted(const std::string& data_dir) {
    CollectorOptions options;
    options.consent_granted = true;
    options.data_dir = data_dir;
    options.machine_id = "0123456789abcdef";
    return options;
}

struct Sinks {
    std::vector<std::unique_ptr<Sink>> owned;
    std::vector<std::shared_ptr<SinkLog>> logs;
};

inline Sinks make_sinks(std::initializer_list<const char*> ids) {
    Sinks sinks;
    for (const char* id : ids) {
        sinks.logs.push_back(std::make_shared<SinkLog>());
        sinks.owned.push_back(std::make_unique<FakeSink>(id, sinks.logs.back()));
    }
    return sinks;
}

inline std::string describe(const Counters& c) {
    std::ostringstream out;
    out << "tracked " << c.tracked << " (recovered " << c.recovered << ") buffered " << c.buffered << " spilled "
        << c.spilled << " sent " << c.sent << " handed_off " << c.handed_off << " dropped {";
    for (const auto& [reason, count] : c.dropped) out << reason << ":" << count << " ";
    out << "}";
    return out.str();
}

// The counters invariant; call in every test.
#define EXPECT_COUNTERS_ADD_UP(collector)                                       \
    do {                                                                        \
        const ::overt::Counters counters_snapshot_ = (collector).counters();    \
        EXPECT_TRUE(counters_snapshot_.adds_up()) << ::overt::testing::describe(counters_snapshot_); \
    } while (0)

inline std::vector<std::string> spill_files(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (name.starts_with("telemetry-spill-") && name.ends_with(".json")) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

inline std::string read_file(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

inline void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
}

inline std::set<std::string> ids_of(const std::vector<Event>& events) {
    std::set<std::string> ids;
    for (const auto& event : events) ids.insert(event.event_id.str());
    return ids;
}

}  // namespace overt::testing
