// SPDX-License-Identifier: MIT
// End-to-end acceptance through Collector::open, the real plugin host and the http and otlp
// plugins: with the receiver refusing connections or black-holing them, close() returns
// within exit_budget_ms, and the next run on the same data dir, with the receiver up,
// delivers every event exactly once per event_id.
#include <gtest/gtest.h>

#include <overt/collector.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "capture_server.hpp"
#include "test_support.hpp"

namespace overt::test {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

constexpr int64_t kExitBudgetMs = 300;
// Sanitizer builds and a busy machine: close() may overrun the budget by this much at most.
// Far below the plugins' own 10 s request timeout, which a close() ignoring its budget would wait.
constexpr auto kCloseMargin = 700ms;
constexpr int kEvents = 25;

enum class Fault { refused, black_hole };

struct Case {
    std::string plugin;
    Fault fault;
};

void PrintTo(const Case& c, std::ostream* out) {
    *out << c.plugin << (c.fault == Fault::refused ? " refused" : " black hole");
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    return info.param.plugin + (info.param.fault == Fault::refused ? "_refused" : "_black_hole");
}

Config config_for(const std::string& plugin, const std::string& url, const std::string& data_dir) {
    Config config;
    config.tool_name = "acceptance";
    config.tool_version = "1.0.0";
    config.force_enabled = true;
    config.plugin_dirs = {OVERT_TEST_PLUGIN_DIR};
    config.data_dir = data_dir;
    config.exit_budget_ms = kExitBudgetMs;
    // The plugins run here, within the exit budget (the default hands them to overt-sender).
    config.exit_delivery = ExitDelivery::in_process;
    BackendConfig backend;
    backend.plugin = plugin;
    backend.id = plugin;
    Json settings{{"endpoint", url}};  // the default 10 s request timeout: only the budget bounds close()
    if (plugin == "otlp") settings["protocol"] = "http/json";
    backend.settings_json = settings.dump();
    config.backends = {backend};
    return config;
}

// event_id -> how many times the receiver got it, from the bodies the plugin sent.
std::map<std::string, int> delivered_ids(const std::string& plugin, const std::vector<CapturedRequest>& requests) {
    std::map<std::string, int> ids;
    for (const auto& request : requests) {
        Json body = Json::parse(request.decoded_body);
        if (plugin == "http") {
            for (const auto& event : body) ++ids[event.at("event_id").get<std::string>()];
            continue;
        }
        for (const auto& resource : body.at("resourceLogs"))
            for (const auto& scope : resource.at("scopeLogs"))
                for (const auto& record : scope.at("logRecords"))
                    for (const auto& attribute : record.at("attributes"))
                        if (attribute.at("key") == "event.id")
                            ++ids[attribute.at("value").at("stringValue").get<std::string>()];
    }
    return ids;
}

class Acceptance : public ::testing::TestWithParam<Case> {
   protected:
    void SetUp() override { data_dir = make_temp_dir(); }
    void TearDown() override {
        std::error_code ignored;
        std::filesystem::remove_all(data_dir, ignored);
    }
    std::string data_dir;
};

TEST_P(Acceptance, CloseKeepsItsBudgetAndTheNextRunDeliversEachEventOnce) {
    const Case& c = GetParam();

    // Run 1: the receiver refuses connections or accepts and never answers.
    std::optional<CaptureServer> black_hole;
    std::string down_url;
    if (c.fault == Fault::black_hole) {
        black_hole.emplace(std::vector<ScriptedResponse>{ScriptedResponse::hang()});
        down_url = black_hole->url("/ingest/");
    } else {
        CaptureServer gone;  // its port is closed again once it goes out of scope
        down_url = gone.url("/ingest/");
    }
    std::vector<std::string> names;
    {
        auto collector = Collector::open(config_for(c.plugin, down_url, data_dir));
        ASSERT_TRUE(collector->enabled());
        for (int i = 0; i < kEvents; ++i) {
            names.push_back("cmd" + std::to_string(i));
            collector->track_command(names.back(), i, 0);
        }
        const auto start = std::chrono::steady_clock::now();
        FlushReport report = collector->close();
        const auto took = std::chrono::steady_clock::now() - start;
        EXPECT_LT(took, std::chrono::milliseconds(kExitBudgetMs) + kCloseMargin)
            << "close() took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
        EXPECT_EQ(report.events_sent, 0u) << report.summary();
        EXPECT_EQ(report.events_dropped, 0u) << report.summary();
        EXPECT_GT(collector->spill_files_waiting(), 0u) << report.summary();
    }
    if (black_hole) {
        EXPECT_FALSE(black_hole->requests().empty()) << "the black hole never saw the request";
    }

    // Run 2: same data dir, the receiver is up.
    CaptureServer receiver;
    {
        auto collector = Collector::open(config_for(c.plugin, receiver.url("/ingest/"), data_dir));
        FlushReport report = collector->flush();
        EXPECT_EQ(report.events_sent, static_cast<uint64_t>(kEvents)) << report.summary();
        collector->close();
        EXPECT_EQ(collector->spill_files_waiting(), 0u);
    }
    // Run 3: nothing is owed any more, so nothing is sent again.
    {
        auto collector = Collector::open(config_for(c.plugin, receiver.url("/ingest/"), data_dir));
        collector->close();
    }

    auto ids = delivered_ids(c.plugin, receiver.requests());
    EXPECT_EQ(ids.size(), static_cast<size_t>(kEvents));
    for (const auto& [id, times] : ids) EXPECT_EQ(times, 1) << "event " << id << " delivered " << times << " times";
}

INSTANTIATE_TEST_SUITE_P(Plugins, Acceptance,
                         ::testing::Values(Case{"http", Fault::refused}, Case{"http", Fault::black_hole},
                                           Case{"otlp", Fault::refused}, Case{"otlp", Fault::black_hole}),
                         case_name);

}  // namespace
}  // namespace overt::test
