// SPDX-License-Identifier: MIT
// Through the real plugin host and the file plugin.
#include "test_support.hpp"

#include <nlohmann/json.hpp>

namespace overt::testing {
namespace {

Config e2e_config(const TempDir& dir) {
    Config config = test_config();
    config.tool_name = "overt-e2e-test";
    config.force_enabled = true;  // consent decided by the tool author: no user state involved
    config.data_dir = dir.str();
    config.plugin_dirs = {OVERT_TEST_PLUGIN_DIR};
    return config;
}

std::vector<nlohmann::json> ndjson(const fs::path& path) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(read_file(path));
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
}

TEST(EndToEnd, FilePluginReceivesTrackedEvents) {
    TempDir dir;
    Config config = e2e_config(dir);
    BackendConfig file;
    file.plugin = "file";
    file.id = "file";
    file.settings_json = nlohmann::json{{"path", (dir.path() / "out.ndjson").string()}}.dump();
    config.backends = {file};
    auto collector = Collector::open(config);
    ASSERT_TRUE(collector->enabled()) << collector->consent_reason();
    EXPECT_NE(collector->backend_info().find("file ("), std::string::npos) << collector->backend_info();
    collector->track_command("build", 42, 0);
    collector->track_command("test", 7, 1);
    FlushReport report = collector->close();
    EXPECT_TRUE(report.ok()) << report.summary();
    auto lines = ndjson(dir.path() / "out.ndjson");
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0]["name"], "build");
    EXPECT_EQ(lines[1]["exit_code"], 1);
    EXPECT_EQ(lines[0]["tool_name"], "overt-e2e-test");
    EXPECT_EQ(lines[0]["machine_id"].get<std::string>().size(), 16u);
    EXPECT_COUNTERS_ADD_UP(*collector);
}

TEST(EndToEnd, NoBackendsMeansTheFileBackendInTheDataDir) {
    TempDir dir;
    auto collector = Collector::open(e2e_config(dir));
    collector->track(event_type::feature_used, "default");
    collector->close();
    auto lines = ndjson(dir.path() / "telemetry.ndjson");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["name"], "default");
    EXPECT_COUNTERS_ADD_UP(*collector);
}

TEST(EndToEnd, BackendThatFailsToLoadIsReportedAndItsEventsStayOnDisk) {
    TempDir dir;
    Config config = e2e_config(dir);
    BackendConfig missing;
    missing.plugin = "no-such-plugin";
    missing.id = "missing";
    missing.settings_json = "{}";
    BackendConfig file;
    file.plugin = "file";
    file.id = "file";
    file.settings_json = nlohmann::json{{"path", (dir.path() / "out.ndjson").string()}}.dump();
    config.backends = {missing, file};
    auto collector = Collector::open(config);
    EXPECT_NE(collector->backend_info().find("unavailable"), std::string::npos) << collector->backend_info();
    collector->track(event_type::feature_used, "kept");
    FlushReport report = collector->close();
    EXPECT_EQ(report.events_spilled, 1u);
    EXPECT_EQ(ndjson(dir.path() / "out.ndjson").size(), 1u);
    auto files = spill_files(dir.path());
    ASSERT_EQ(files.size(), 1u);
    EXPECT_NE(read_file(dir.path() / files[0]).find(R"("pending":["missing"])"), std::string::npos);
    EXPECT_COUNTERS_ADD_UP(*collector);
}

}  // namespace
}  // namespace overt::testing
