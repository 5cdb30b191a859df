// SPDX-License-Identifier: MIT
// Driving the real overt-sender against spill files in a temp data dir, with the "faulty"
// test plugin (plugins/faulty_backend.cpp) copied into the test's own plugin dir.
#pragma once

#include "fault_support.hpp"

#include "delivery/sender_request.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace overt::testing {

using namespace std::chrono_literals;

inline constexpr int64_t kSenderFlushTimeoutMs = 300;
// Supervisor's deadline (flush timeout + 1000 ms grace) plus room for a loaded machine or a sanitizer.
inline constexpr auto kSenderLimit = std::chrono::milliseconds(kSenderFlushTimeoutMs) + 1000ms + 2500ms;

struct SenderRun {
    int status = -1;
    std::chrono::milliseconds took{};
};

class FaultySenderTest : public ::testing::Test {
   protected:
    void SetUp() override {
        fs::create_directories(plugin_dir());
        fs::permissions(plugin_dir(), fs::perms::owner_all);
        fs::copy_file(OVERT_FAULTY_PLUGIN, library());
        fs::permissions(library(), fs::perms::owner_all);
        for (int file = 0; file < 2; ++file) spill_events(5);
    }

    fs::path plugin_dir() const { return dir.path() / "plugins"; }
    fs::path library() const { return plugin_dir() / "libovert-faulty.so"; }
    fs::path record() const { return dir.path() / "accepted.ndjson"; }
    fs::path health_file() const { return dir.path() / "backend-health.json"; }
    std::string sender_log() const {
        return fs::exists(dir.path() / "sender.log") ? read_file(dir.path() / "sender.log") : "(no sender.log)";
    }

    // One spill file of `count` events owed to the backend "faulty".
    void spill_events(int count) {
        std::vector<Event> batch;
        for (int i = 0; i < count; ++i) {
            Event event;
            event.event_id = new_event_id();
            event.timestamp_unix_nano = 1'774'864'800'000'000'000 + i;
            event.type = "command.invocation";
            event.name = "build";
            event.origin = std::make_shared<const Origin>(make_origin("m", "mytool", "1.0"));
            batch.push_back(event);
            ids.insert(event.event_id.str());
        }
        std::string error;
        auto written = spill::SpillStore(dir.path(), "mytool").write(batch, std::vector<std::string>{"faulty"}, error);
        if (written.size() != 1) throw std::runtime_error("spill write failed: " + error);
    }

    Config config(const nlohmann::json& settings) const {
        Config config = test_config();
        config.force_enabled = true;
        config.data_dir = dir.str();
        config.plugin_dirs = {plugin_dir().string()};
        config.flush_timeout_ms = kSenderFlushTimeoutMs;
        BackendConfig backend;
        backend.plugin = "faulty";
        backend.id = "faulty";
        nlohmann::json with_record = settings;
        with_record["record"] = record().string();
        backend.settings_json = with_record.dump();
        config.backends = {backend};
        return config;
    }

    // Runs overt-sender as a tool's close() would have it run, and waits for it.
    SenderRun run_sender(const nlohmann::json& settings, const char* load_fault = nullptr) {
        delivery::SenderRequest request;
        request.config = config(settings);
        request.machine_id = "0123456789abcdef";
        const fs::path request_file = dir.path() / "request.json";
        write_file(request_file, delivery::encode_sender_request(request));
        const std::string log = (dir.path() / "sender.log").string();
        const auto start = Clock::now();
        const pid_t pid = ::fork();
        if (pid == 0) {
            const int in = ::open(request_file.c_str(), O_RDONLY);
            const int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
            ::dup2(in, 0);
            ::dup2(err, 2);
            if (load_fault)
                ::setenv("OVERT_TEST_FAULT_IN_LOAD", load_fault, 1);
            else
                ::unsetenv("OVERT_TEST_FAULT_IN_LOAD");
            ::execl(OVERT_SENDER_PROGRAM, OVERT_SENDER_PROGRAM, static_cast<char*>(nullptr));
            ::_exit(127);
        }
        SenderRun run;
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        run.status = status;
        run.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
        return run;
    }

    nlohmann::json health() const {
        if (!fs::exists(health_file())) return nlohmann::json::object();
        return nlohmann::json::parse(read_file(health_file()));
    }
    nlohmann::json faulty_health() const { return health().value("backends", nlohmann::json::object()).value("faulty", nlohmann::json::object()); }

    // event id -> times the plugin accepted it.
    std::map<std::string, int> accepted() const {
        std::map<std::string, int> seen;
        if (!fs::exists(record())) return seen;
        std::istringstream lines(read_file(record()));
        for (std::string line; std::getline(lines, line);)
            if (!line.empty()) ++seen[nlohmann::json::parse(line).at("event_id").get<std::string>()];
        return seen;
    }

    // A new build of the plugin: the file changes (mtime), so its quarantine lifts.
    void touch_library() {
        fs::last_write_time(library(), fs::last_write_time(library()) + 2s);
    }

    TempDir dir;
    std::set<std::string> ids;
};

}  // namespace overt::testing
