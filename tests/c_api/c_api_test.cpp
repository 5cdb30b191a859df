// SPDX-License-Identifier: MIT
// The C API: argument checks and error texts, consent, status JSON, delivery into the file
// backend, and the C and Python example tools run as a user would run them.
#include <overt/overt.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../privacy/test_env.hpp"

namespace overt::test {
namespace {

using Json = nlohmann::json;

std::string run(const std::string& command, int* status) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return out;
    std::array<char, 4096> buffer{};
    for (size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) out.append(buffer.data(), n);
    *status = ::pclose(pipe);
    return out;
}

// A fresh user (config and state dirs) and a config delivering inline into a file backend.
class CApi : public ::testing::Test {
   protected:
    CApi()
        : config_home_("XDG_CONFIG_HOME", (home_.path() / "config").c_str()),
          state_home_("XDG_STATE_HOME", (home_.path() / "state").c_str()),
          do_not_track_("DO_NOT_TRACK", nullptr),
          tool_switch_("CAPI_TOOL_TELEMETRY", nullptr),
          plugin_path_("OVERT_PLUGIN_PATH", OVERT_TEST_PLUGIN_DIR) {}

    std::string recorded() const { return (home_.path() / "events.ndjson").string(); }
    std::string config_text() const {
        return "tool:\n  name: capi-tool\n  version: 1.0.0\nexit_delivery: inline\ndata_dir: " +
               (home_.path() / "data").string() + "\nbackends:\n  - plugin: file\n    path: " + recorded() + "\n";
    }
    std::string write_config() const {
        const std::string path = (home_.path() / "overt.yaml").string();
        std::ofstream(path) << config_text();
        return path;
    }
    overt_collector* open_text() const {
        const std::string text = config_text();
        overt_collector_options options = {sizeof options, nullptr, text.c_str(), "capi.yaml"};
        return overt_collector_open(&options);
    }
    std::vector<Json> recorded_events() const {
        std::vector<Json> events;
        std::ifstream in(recorded());
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) events.push_back(Json::parse(line));
        return events;
    }
    void grant() {
        overt_collector* collector = open_text();
        ASSERT_NE(collector, nullptr) << overt_last_error();
        ASSERT_EQ(overt_collector_consent_set(collector, OVERT_CONSENT_GRANTED), OVERT_C_OK) << overt_last_error();
        ASSERT_EQ(overt_collector_close(collector), OVERT_C_OK) << overt_last_error();
    }

    // Runs an example tool on the config (it prints its status JSON, then closes): with consent
    // both its events, a feature and its run, reach the file backend.
    void expect_example_records_its_run(const std::string& command, const std::string& run_name) {
        grant();
        int status = -1;
        const std::string out = run(command + " '" + write_config() + "'", &status);
        ASSERT_EQ(status, 0) << out;
        const Json state = Json::parse(out);
        EXPECT_EQ(state["enabled"], true);
        EXPECT_EQ(state["counters"]["tracked"], 2);
        const std::vector<Json> events = recorded_events();
        ASSERT_EQ(events.size(), 2u);
        EXPECT_NE(events[1].dump().find(run_name), std::string::npos) << events[1].dump();
    }

    TempDir home_;
    ScopedEnv config_home_, state_home_, do_not_track_, tool_switch_, plugin_path_;
};


TEST_F(CApi, OpenRefusesMissingOrShortOptionsAndSaysWhy) {
    EXPECT_EQ(overt_collector_open(nullptr), nullptr);
    EXPECT_NE(std::string(overt_last_error()).find("options is NULL"), std::string::npos) << overt_last_error();

    overt_collector_options short_options = {sizeof(size_t), nullptr, nullptr, nullptr};
    EXPECT_EQ(overt_collector_open(&short_options), nullptr);
    EXPECT_NE(std::string(overt_last_error()).find("struct_size 8 is too small"), std::string::npos) << overt_last_error();

    overt_collector_options empty = {sizeof empty, nullptr, nullptr, nullptr};
    EXPECT_EQ(overt_collector_open(&empty), nullptr);
    EXPECT_NE(std::string(overt_last_error()).find("neither config_path nor config_text"), std::string::npos);
}

TEST_F(CApi, ABadConfigNamesItsFileLineAndKey) {
    const char* text = "tool:\n  name: capi-tool\nexit_budget_ms: soon\n";
    overt_collector_options options = {sizeof options, nullptr, text, "capi.yaml"};
    EXPECT_EQ(overt_collector_open(&options), nullptr);
    const std::string error = overt_last_error();
    EXPECT_NE(error.find("capi.yaml:3"), std::string::npos) << error;
    EXPECT_NE(error.find("exit_budget_ms"), std::string::npos) << error;

    overt_collector_options missing = {sizeof missing, "/nonexistent/overt.yaml", nullptr, nullptr};
    EXPECT_EQ(overt_collector_open(&missing), nullptr);
    EXPECT_NE(std::string(overt_last_error()).find("/nonexistent/overt.yaml"), std::string::npos) << overt_last_error();
}

TEST_F(CApi, CallsOnANullCollectorFailWithAMessageAndNeverCrash) {
    EXPECT_EQ(overt_collector_track(nullptr, "feature.used", "x", nullptr, 0), OVERT_C_ERROR);
    EXPECT_STREQ(overt_last_error(), "the collector is NULL");
    EXPECT_EQ(overt_collector_track_command(nullptr, "x", 1, 0), OVERT_C_ERROR);
    EXPECT_EQ(overt_collector_track_command_extended(nullptr, nullptr), OVERT_C_ERROR);
    EXPECT_EQ(overt_collector_flush(nullptr, 10), OVERT_C_ERROR);
    EXPECT_EQ(overt_collector_drop(nullptr), OVERT_C_ERROR);
    EXPECT_EQ(overt_collector_consent_get(nullptr), OVERT_C_ERROR);
    EXPECT_EQ(overt_collector_consent_set(nullptr, OVERT_CONSENT_GRANTED), OVERT_C_ERROR);
    EXPECT_EQ(overt_collector_status_json(nullptr), nullptr);
    EXPECT_EQ(overt_collector_enabled(nullptr), 0);
    EXPECT_EQ(overt_collector_close(nullptr), OVERT_C_OK);
}

TEST_F(CApi, BadArgumentsAreRefusedOneByOne) {
    grant();
    overt_collector* collector = open_text();
    ASSERT_NE(collector, nullptr) << overt_last_error();
    EXPECT_EQ(overt_collector_track(collector, nullptr, "x", nullptr, 0), OVERT_C_ERROR);
    EXPECT_EQ(overt_collector_track(collector, "feature.used", "x", nullptr, 2), OVERT_C_ERROR);
    EXPECT_NE(std::string(overt_last_error()).find("metadata is NULL with a count"), std::string::npos);
    const overt_metadata_entry null_value = {"key", nullptr};
    EXPECT_EQ(overt_collector_track(collector, "feature.used", "x", &null_value, 1), OVERT_C_ERROR);
    EXPECT_NE(std::string(overt_last_error()).find("metadata entry 0 has a NULL key or value"), std::string::npos);
    overt_command_info short_info{};
    short_info.struct_size = sizeof(size_t);
    EXPECT_EQ(overt_collector_track_command_extended(collector, &short_info), OVERT_C_ERROR);
    EXPECT_NE(std::string(overt_last_error()).find("is too small"), std::string::npos);
    EXPECT_EQ(overt_collector_consent_set(collector, 7), OVERT_C_ERROR);
    EXPECT_NE(std::string(overt_last_error()).find("7 is not OVERT_CONSENT_UNSET"), std::string::npos);
    EXPECT_EQ(overt_collector_close(collector), OVERT_C_OK);
    EXPECT_TRUE(recorded_events().empty()) << "nothing valid was tracked";
}

TEST_F(CApi, WithoutConsentNothingIsRecordedAndStatusSaysWhy) {
    overt_collector* collector = open_text();
    ASSERT_NE(collector, nullptr) << overt_last_error();
    EXPECT_EQ(overt_collector_enabled(collector), 0);
    EXPECT_EQ(overt_collector_consent_get(collector), OVERT_CONSENT_UNSET);
    EXPECT_EQ(overt_collector_track_command(collector, "build", 12, 0), OVERT_C_OK);
    char* status = overt_collector_status_json(collector);
    ASSERT_NE(status, nullptr) << overt_last_error();
    const Json state = Json::parse(status);
    overt_string_free(status);
    EXPECT_EQ(state["enabled"], false);
    EXPECT_EQ(state["tool"], "capi-tool");
    EXPECT_FALSE(state["consent_reason"].get<std::string>().empty());
    EXPECT_EQ(state["counters"]["tracked"], 0);
    EXPECT_EQ(overt_collector_close(collector), OVERT_C_OK);
    EXPECT_FALSE(std::filesystem::exists(recorded()));
}

TEST_F(CApi, WithConsentEveryKindOfEventReachesTheFileBackend) {
    grant();
    overt_collector* collector = open_text();
    ASSERT_NE(collector, nullptr) << overt_last_error();
    EXPECT_EQ(overt_collector_consent_get(collector), OVERT_CONSENT_GRANTED);
    ASSERT_EQ(overt_collector_enabled(collector), 1);
    const overt_metadata_entry format = {"format", "csv"};
    EXPECT_EQ(overt_collector_track(collector, "feature.used", "export", &format, 1), OVERT_C_OK);
    EXPECT_EQ(overt_collector_track_command(collector, "build", 12, 0), OVERT_C_OK);
    const char* args[] = {"--release"};
    overt_command_info info{};
    info.struct_size = sizeof info;
    info.name = "test";
    info.duration_ms = 40;
    info.exit_code = 3;
    info.args = args;
    info.arg_count = 1;
    EXPECT_EQ(overt_collector_track_command_extended(collector, &info), OVERT_C_OK) << overt_last_error();
    char* status = overt_collector_status_json(collector);
    ASSERT_NE(status, nullptr);
    EXPECT_EQ(Json::parse(status)["counters"]["tracked"], 3);
    overt_string_free(status);
    EXPECT_EQ(overt_collector_flush(collector, 5000), OVERT_C_OK) << overt_last_error();
    EXPECT_EQ(overt_collector_close(collector), OVERT_C_OK) << overt_last_error();

    const std::vector<Json> events = recorded_events();
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].dump().find("export") != std::string::npos, true) << events[0].dump();
    EXPECT_NE(events[1].dump().find("build"), std::string::npos) << events[1].dump();
    EXPECT_NE(events[2].dump().find("test"), std::string::npos) << events[2].dump();
}

TEST_F(CApi, WithdrawingConsentErasesWhatIsBufferedAndIsStored) {
    grant();
    overt_collector* collector = open_text();
    ASSERT_NE(collector, nullptr) << overt_last_error();
    EXPECT_EQ(overt_collector_track_command(collector, "build", 12, 0), OVERT_C_OK);
    EXPECT_EQ(overt_collector_consent_set(collector, OVERT_CONSENT_DENIED), OVERT_C_OK) << overt_last_error();
    EXPECT_EQ(overt_collector_consent_get(collector), OVERT_CONSENT_DENIED);
    EXPECT_EQ(overt_collector_close(collector), OVERT_C_OK);
    EXPECT_TRUE(recorded_events().empty());

    overt_collector* reopened = open_text();
    ASSERT_NE(reopened, nullptr);
    EXPECT_EQ(overt_collector_enabled(reopened), 0);
    EXPECT_EQ(overt_collector_close(reopened), OVERT_C_OK);
}

TEST_F(CApi, TheCExampleToolRecordsItsRun) {
    expect_example_records_its_run(OVERT_C_TOOL, "c-tool run");
}

TEST_F(CApi, TheCExampleToolRunsOnWhenItsConfigIsBroken) {
    int status = -1;
    const std::string out = run(std::string(OVERT_C_TOOL) + " /nonexistent/overt.yaml 2>&1", &status);
    EXPECT_EQ(status, 0) << out;
    EXPECT_NE(out.find("telemetry off: overt_collector_open: "), std::string::npos) << out;
}

#ifdef OVERT_PYTHON  // not in sanitized builds: their libovert does not load into python3
TEST_F(CApi, ThePythonExampleRecordsItsRunThroughCtypes) {
    expect_example_records_its_run("OVERT_LIBRARY='" + std::string(OVERT_LIBRARY_FILE) + "' '" + OVERT_PYTHON +
                                       "' '" + OVERT_PYTHON_EXAMPLE + "'",
                                   "python-tool run");
}
#endif

}  // namespace
}  // namespace overt::test
