// SPDX-License-Identifier: MIT
// The overt command's telemetry subcommands, run as a separate process in a sandbox HOME.
#include "cli_harness.hpp"

#include <overt/collector.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

namespace overt::cli_test {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;
using testing::Not;

// A backend that is down for good: whatever is owed to it is spilled at close().
class DownSink final : public Sink {
   public:
    explicit DownSink(std::string id) : id_(std::move(id)) {}
    const std::string& id() const override { return id_; }
    std::string describe() const override { return "down (" + id_ + ")"; }
    SendResult send(std::span<const Event>, Deadline) override {
        SendResult result;
        result.status = SendStatus::fatal;
        result.message = "backend down";
        return result;
    }

   private:
    std::string id_;
};

// Leaves events named `names` in spill files of overt-demo, owed to the backend "file" (the
// id of the default file backend), as a tool run with its backend down would. Returns their
// event ids.
std::set<std::string> leave_spilled_events(const Sandbox& sandbox, const std::vector<std::string>& names) {
    fs::create_directories(sandbox.data_dir());
    fs::permissions(sandbox.data_dir(), fs::perms::owner_all, fs::perm_options::replace);
    Config config;
    config.tool_name = "overt-demo";
    config.buffer_max_events = 2;
    config.exit_budget_ms = 50;
    config.exit_delivery = ExitDelivery::in_process;  // the down sink is called here, and fails
    CollectorOptions options;
    options.consent_granted = true;
    options.data_dir = sandbox.data_dir().string();
    options.machine_id = "0123456789abcdef";
    {
        std::vector<std::unique_ptr<Sink>> sinks;
        sinks.push_back(std::make_unique<DownSink>("file"));
        Collector tool(config, std::move(sinks), options);
        for (const auto& name : names) tool.track_command(name, 5, 0);
        tool.close();
        EXPECT_TRUE(tool.counters().adds_up());
        EXPECT_EQ(tool.counters().spilled, names.size());
    }
    CollectorOptions reader_options;
    reader_options.data_dir = sandbox.data_dir().string();
    const Collector reader(config, {}, reader_options);
    std::set<std::string> ids;
    for (const auto& event : reader.pending_events()) ids.insert(event.event_id.str());
    EXPECT_EQ(ids.size(), names.size());
    return ids;
}

std::set<std::string> event_ids_of_lines(const std::vector<std::string>& lines) {
    std::set<std::string> ids;
    for (const auto& line : lines) ids.insert(nlohmann::json::parse(line).at("event_id").get<std::string>());
    return ids;
}

std::string machine_id_in(const std::string& status_output) {
    const std::string label = "Machine ID: ";
    const size_t at = status_output.find(label);
    if (at == std::string::npos) return {};
    return status_output.substr(at + label.size(), 16);
}

// A 127.0.0.1 port nothing listens on (bound, then released).
int closed_local_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

TEST(CliStatus, FreshSandboxSaysDisabledAndWhyWithMachineIdDataDirAndBackend) {
    Sandbox sandbox;
    const CliRun run = sandbox.overt({"status"});
    ASSERT_EQ(run.exit_code, 0) << run.all();
    EXPECT_THAT(run.out, HasSubstr("Tool:       overt-demo\n"));
    EXPECT_THAT(run.out, HasSubstr("Telemetry: disabled\n"));
    EXPECT_THAT(run.out, HasSubstr("Why:        telemetry is off until you enable it"));
    EXPECT_THAT(run.out, HasSubstr("Consent:    unset (" + sandbox.consent_file().string() + ")"));
    EXPECT_THAT(machine_id_in(run.out), testing::MatchesRegex("[0-9a-f]{16}")) << run.out;
    // Nothing is made before consent: the data dir does not exist yet, and status says so.
    EXPECT_THAT(run.out, HasSubstr("Data dir:   none yet (made once telemetry is enabled)\n"));
    EXPECT_THAT(run.out, HasSubstr("file: the file backend into the data dir, once telemetry is enabled"));
    EXPECT_FALSE(fs::exists(sandbox.data_dir()));
    EXPECT_FALSE(fs::exists(sandbox.consent_file()));
}

// issue 12: the otlp backend takes what its block leaves out from the OTEL_* environment, and
// status says where each value came from, header names only.
TEST(CliStatus, OtlpBackendSaysWhereEachSettingCameFromWithoutHeaderValues) {
    Sandbox sandbox;
    const fs::path config = sandbox.write_file(
        "otlp.yaml", "tool:\n  name: overt-demo\nbackends:\n  - plugin: otlp\n    protocol: http/json\n");
    const CliRun run = sandbox.overt({"--config", config.string(), "status"},
                                     {{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9/base"},
                                      {"OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20zq8v7x6w5u4t3s2r"},
                                      {"OTEL_SERVICE_NAME", "demo-service"}});
    ASSERT_EQ(run.exit_code, 0) << run.all();
    EXPECT_THAT(run.out, HasSubstr("otlp (http://127.0.0.1:9/base/v1/logs)")) << run.out;
    EXPECT_THAT(run.out, HasSubstr("endpoint from OTEL_EXPORTER_OTLP_ENDPOINT")) << run.out;
    EXPECT_THAT(run.out, HasSubstr("header Authorization from OTEL_EXPORTER_OTLP_HEADERS")) << run.out;
    EXPECT_THAT(run.out, HasSubstr("protocol from config")) << run.out;
    EXPECT_THAT(run.out, HasSubstr("resource service.name from OTEL_SERVICE_NAME")) << run.out;
    EXPECT_THAT(run.all(), Not(HasSubstr("zq8v7x6w5u4t3s2r")));
}

TEST(CliStatus, JsonHasTheStableKeysAndMasksSecrets) {
    Sandbox sandbox;
    const fs::path config = sandbox.write_file(
        "http.yaml", "tool:\n  name: overt-demo\nbackends:\n  - plugin: http\n"
                     "    endpoint: http://user:zq8v7x6w5u4t3s2r@127.0.0.1:9/ingest\n");
    const CliRun before = sandbox.overt({"--config", config.string(), "status", "--json"});
    ASSERT_EQ(before.exit_code, 0) << before.all();
    const nlohmann::json off = nlohmann::json::parse(before.out);
    EXPECT_EQ(off["format"], 1);
    EXPECT_EQ(off["telemetry"], "disabled");
    EXPECT_EQ(off["enabled"], false);
    EXPECT_EQ(off["tool"], "overt-demo");
    EXPECT_EQ(off["consent"]["stored"], "unset");

    ASSERT_EQ(sandbox.overt({"--config", config.string(), "enable"}).exit_code, 0);
    leave_spilled_events(sandbox, {"a", "b"});
    const CliRun after = sandbox.overt({"--config", config.string(), "status", "--json"});
    ASSERT_EQ(after.exit_code, 0) << after.all();
    const nlohmann::json on = nlohmann::json::parse(after.out);
    EXPECT_EQ(on["telemetry"], "enabled");
    EXPECT_EQ(on["consent"]["stored"], "granted");
    EXPECT_EQ(on["data_dir"], sandbox.data_dir().string());
    EXPECT_EQ(on["waiting"]["events"], 2);
    // The plugin refuses credentials in the endpoint: the block is unavailable, its text masked.
    EXPECT_TRUE(on["backends"].empty()) << on.dump();
    ASSERT_EQ(on["unavailable"].size(), 1u) << on.dump();
    EXPECT_THAT(on["unavailable"][0].get<std::string>(), HasSubstr("http://***@127.0.0.1:9/ingest"));
    EXPECT_EQ(on["counters"]["tracked"], 2);
    for (const char* key : {"machine_id", "reason", "config", "counters", "backend_health", "sender_log", "unavailable"})
        EXPECT_TRUE(on.contains(key)) << key;
    EXPECT_THAT(after.all(), Not(HasSubstr("zq8v7x6w5u4t3s2r")));
}

TEST(CliStatus, ShowsTheLastMessagesOfTheBackgroundSender) {
    Sandbox sandbox;
    fs::create_directories(sandbox.data_dir());
    std::string log;
    for (int i = 1; i <= 7; ++i) log += "[overt] [error] problem " + std::to_string(i) + "\n";
    std::ofstream(sandbox.data_dir() / "sender.log") << log;
    const CliRun run = sandbox.overt({"status"});
    ASSERT_EQ(run.exit_code, 0) << run.all();
    EXPECT_THAT(run.out, HasSubstr("Background sender (" + (sandbox.data_dir() / "sender.log").string() +
                                   "), last messages:\n  [overt] [error] problem 3\n"));
    EXPECT_THAT(run.out, HasSubstr("  [overt] [error] problem 7\n"));
    EXPECT_THAT(run.out, Not(HasSubstr("problem 2\n")));
}

TEST(CliStatus, MachineIdIsSaltedPerTool) {
    Sandbox sandbox;
    const std::string demo = machine_id_in(sandbox.overt({"status"}).out);
    const std::string other = machine_id_in(sandbox.overt({"status", "--tool", "other-tool"}).out);
    EXPECT_EQ(demo.size(), 16u);
    EXPECT_EQ(other.size(), 16u);
    EXPECT_NE(demo, other);
}

TEST(CliConfig, BadConfigFileIsExitTwoNamingFileLineAndKeyForEveryCommand) {
    Sandbox sandbox;
    const fs::path config = sandbox.write_file("bad.yaml", "tool:\n  name: overt-demo\nbogus_key: 1\n");
    const std::vector<std::vector<std::string>> commands{
        {"status"}, {"enable"}, {"disable"}, {"track", "build"}, {"flush"}, {"delete-my-data"}, {"inspect"}};
    for (auto args : commands) {
        args.insert(args.begin(), {"--config", config.string()});
        const CliRun run = sandbox.overt(args);
        EXPECT_EQ(run.exit_code, 2) << args[2] << "\n" << run.all();
        EXPECT_THAT(run.err, HasSubstr(config.string() + ":3: bogus_key")) << args[2];
    }
    EXPECT_FALSE(fs::exists(sandbox.consent_file())) << "a bad config must change nothing";
}

TEST(CliConfig, OvertYamlInTheWorkingDirectoryIsUsedByDefault) {
    Sandbox sandbox;
    sandbox.write_file("overt.yaml", "tool:\n  name: overt-demo\nenabled: maybe\n");
    const CliRun run = sandbox.overt({"status"});
    EXPECT_EQ(run.exit_code, 2) << run.all();
    EXPECT_THAT(run.err, HasSubstr("overt.yaml:3: enabled"));
}

TEST(CliConfig, MissingConfigFileAndContradictingToolAreExitTwo) {
    Sandbox sandbox;
    const CliRun missing = sandbox.overt({"--config", "nope.yaml", "status"});
    EXPECT_EQ(missing.exit_code, 2) << missing.all();
    EXPECT_THAT(missing.err, HasSubstr("nope.yaml"));
    EXPECT_THAT(missing.err, HasSubstr("not found"));

    const fs::path config = sandbox.write_file("mine.yaml", "tool:\n  name: mytool\n");
    const CliRun contradiction = sandbox.overt({"--config", config.string(), "enable", "--tool", "overt-demo"});
    EXPECT_EQ(contradiction.exit_code, 2) << contradiction.all();
    EXPECT_THAT(contradiction.err, HasSubstr("tool.name"));
    EXPECT_FALSE(fs::exists(sandbox.consent_file("mytool")));
}

TEST(CliConfig, UnknownOptionIsAUsageError) {
    Sandbox sandbox;
    const CliRun run = sandbox.overt({"status", "--bogus"});
    EXPECT_EQ(run.exit_code, 2) << run.all();
}

TEST(CliConsent, EnableAndDisablePersistTheConsentFile) {
    Sandbox sandbox;
    const CliRun enable = sandbox.overt({"enable", "--tool", "overt-demo"});
    ASSERT_EQ(enable.exit_code, 0) << enable.all();
    EXPECT_THAT(enable.out, HasSubstr("Telemetry enabled for overt-demo"));
    EXPECT_THAT(enable.out, HasSubstr(sandbox.consent_file().string()));
    ASSERT_TRUE(fs::exists(sandbox.consent_file()));
    EXPECT_THAT(read_file(sandbox.consent_file()), HasSubstr("enabled: true"));
    EXPECT_THAT(sandbox.overt({"status"}).out, HasSubstr("Telemetry: enabled\n"));
    EXPECT_THAT(sandbox.overt({"status"}).out, HasSubstr("Why:        you enabled telemetry"));

    const CliRun disable = sandbox.overt({"disable"});
    ASSERT_EQ(disable.exit_code, 0) << disable.all();
    EXPECT_THAT(disable.out, HasSubstr("Telemetry disabled for overt-demo"));
    EXPECT_THAT(read_file(sandbox.consent_file()), HasSubstr("enabled: false"));
    EXPECT_THAT(sandbox.overt({"status"}).out, HasSubstr("Telemetry: disabled\n"));
    EXPECT_THAT(sandbox.overt({"status"}).out, HasSubstr("Why:        you disabled telemetry"));
}

TEST(CliConsent, UnwritableConsentFileIsExitOneNamingIt) {
    Sandbox sandbox;
    // The config home is a regular file: nothing can be created under it.
    const fs::path not_a_dir = sandbox.write_file("not-a-dir", "");
    const CliRun run = sandbox.overt({"enable"}, {{"XDG_CONFIG_HOME", not_a_dir.string()}});
    EXPECT_EQ(run.exit_code, 1) << run.all();
    EXPECT_THAT(run.err, HasSubstr(not_a_dir.string()));
    EXPECT_THAT(run.out, Not(HasSubstr("Telemetry enabled")));
}

TEST(CliConsent, DisableErasesSpillFilesAtOnceAndNamesTheDir) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.overt({"enable"}).exit_code, 0);
    leave_spilled_events(sandbox, {"a", "b", "c"});
    const size_t files = spill_files(sandbox.data_dir()).size();
    ASSERT_GT(files, 0u);

    const CliRun disable = sandbox.overt({"disable"});
    ASSERT_EQ(disable.exit_code, 0) << disable.all();
    EXPECT_THAT(disable.out, HasSubstr("Local data erased: 3 unsent event(s) in " + std::to_string(files) +
                                       " spill file(s) removed from " + sandbox.data_dir().string()));
    EXPECT_TRUE(spill_files(sandbox.data_dir()).empty());
    EXPECT_FALSE(fs::exists(sandbox.recorded_file())) << "disable must not deliver what it erases";
}

TEST(CliConsent, ForceEnabledCannotBeDisabledAndNothingChanges) {
    Sandbox sandbox;
    const fs::path config = sandbox.write_file("forced.yaml", "tool:\n  name: overt-demo\nforce_enabled: true\n");
    const CliRun run = sandbox.overt({"--config", config.string(), "disable"});
    EXPECT_EQ(run.exit_code, 1) << run.all();
    EXPECT_THAT(run.out, HasSubstr("cannot be disabled"));
    EXPECT_THAT(run.out, HasSubstr(config.string()));
    EXPECT_FALSE(fs::exists(sandbox.consent_file()));
}

TEST(CliTrack, WithoutConsentRecordsNothing) {
    Sandbox sandbox;
    const CliRun run = sandbox.overt({"track", "build"});
    EXPECT_EQ(run.exit_code, 0) << run.all();
    EXPECT_THAT(run.out, HasSubstr("Not recorded"));
    EXPECT_FALSE(fs::exists(sandbox.recorded_file()));
    EXPECT_TRUE(spill_files(sandbox.data_dir()).empty());
}

TEST(CliTrack, RecordsOneCommandEventWithItsFieldsIntoTheFileBackend) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.overt({"enable"}).exit_code, 0);
    const CliRun run = sandbox.overt(
        {"track", "build", "--duration-ms", "42", "--exit-code", "3", "--meta", "k=v", "--meta", "empty="});
    ASSERT_EQ(run.exit_code, 0) << run.all();
    EXPECT_THAT(run.out, HasSubstr("Recorded command.invocation \"build\" for overt-demo"));
    EXPECT_THAT(run.out, HasSubstr("Delivered to: file (" + sandbox.recorded_file().string() + ")"));
    const auto lines = read_lines(sandbox.recorded_file());
    ASSERT_EQ(lines.size(), 1u);
    const auto event = nlohmann::json::parse(lines[0]);
    EXPECT_EQ(event["type"], "command.invocation");
    EXPECT_EQ(event["name"], "build");
    EXPECT_EQ(event["duration_ms"], 42);
    EXPECT_EQ(event["exit_code"], 3);
    EXPECT_EQ(event["metadata"]["k"], "v");
    EXPECT_EQ(event["tool_name"], "overt-demo");
    EXPECT_EQ(event["machine_id"], machine_id_in(sandbox.overt({"status"}).out));
    EXPECT_THAT(sandbox.overt({"status"}).out, HasSubstr("tracked 1, sent 1, dropped 0"));
}

TEST(CliTrack, DeliversInItsOwnProcessEvenWithBackgroundExitDelivery) {
    Sandbox sandbox;
    sandbox.write_file("overt.yaml", "tool:\n  name: overt-demo\nexit_delivery: background\n");
    ASSERT_EQ(sandbox.overt({"enable"}).exit_code, 0);
    const CliRun run = sandbox.overt({"track", "build"});
    ASSERT_EQ(run.exit_code, 0) << run.all();
    EXPECT_THAT(run.out, HasSubstr("Delivered to: file"));
    const auto lines = read_lines(sandbox.recorded_file());
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(lines[0])["name"], "build");
}

TEST(CliTrack, OtherEventTypes) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.overt({"enable"}).exit_code, 0);
    const CliRun run = sandbox.overt({"track", "dark-mode", "--type", "feature.used"});
    ASSERT_EQ(run.exit_code, 0) << run.all();
    const auto lines = read_lines(sandbox.recorded_file());
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(lines[0])["type"], "feature.used");
}

TEST(CliTrack, BadArgumentsAreExitTwoAndRecordNothing) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.overt({"enable"}).exit_code, 0);
    const CliRun bad_meta = sandbox.overt({"track", "build", "--meta", "novalue"});
    EXPECT_EQ(bad_meta.exit_code, 2) << bad_meta.all();
    EXPECT_THAT(bad_meta.err, HasSubstr("--meta \"novalue\": expected KEY=VALUE"));
    const CliRun exit_code_on_feature = sandbox.overt({"track", "x", "--type", "feature.used", "--exit-code", "1"});
    EXPECT_EQ(exit_code_on_feature.exit_code, 2) << exit_code_on_feature.all();
    const CliRun no_name = sandbox.overt({"track"});
    EXPECT_EQ(no_name.exit_code, 2) << no_name.all();
    const CliRun negative = sandbox.overt({"track", "x", "--duration-ms", "-5"});
    EXPECT_EQ(negative.exit_code, 2) << negative.all();
    EXPECT_FALSE(fs::exists(sandbox.recorded_file()));
}

TEST(CliTrack, DoNotTrackRecordsNothingAndStatusSaysWhy) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.overt({"enable"}).exit_code, 0);
    const CliRun track = sandbox.overt({"track", "build"}, {{"DO_NOT_TRACK", "1"}});
    EXPECT_EQ(track.exit_code, 0) << track.all();
    EXPECT_THAT(track.out, HasSubstr("Not recorded"));
    EXPECT_THAT(track.out, HasSubstr("DO_NOT_TRACK is set"));
    EXPECT_FALSE(fs::exists(sandbox.recorded_file()));
    EXPECT_TRUE(spill_files(sandbox.data_dir()).empty());

    const CliRun status = sandbox.overt({"status"}, {{"DO_NOT_TRACK", "1"}});
    EXPECT_THAT(status.out, HasSubstr("Telemetry: disabled\n"));
    EXPECT_THAT(status.out, HasSubstr("Why:        DO_NOT_TRACK is set"));
    EXPECT_THAT(status.out, HasSubstr("Consent:    granted"));
}

TEST(CliInspect, PrintsExactlyThePendingEventsAndChangesNothing) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.overt({"enable"}).exit_code, 0);
    const std::set<std::string> ids = leave_spilled_events(sandbox, {"one", "two", "three", "four", "five"});
    const auto before = snapshot(sandbox.data_dir());

    const CliRun run = sandbox.overt({"inspect"});
    ASSERT_EQ(run.exit_code, 0) << run.all();
    const auto printed = nlohmann::json::parse(run.out);  // stdout is only the JSON
    ASSERT_TRUE(printed.is_array());
    std::set<std::string> printed_ids;
    std::multiset<std::string> names;
    for (const auto& event : printed) {
        printed_ids.insert(event.at("event_id").get<std::string>());
        names.insert(event.at("name").get<std::string>());
        EXPECT_EQ(event.at("machine_id"), "0123456789abcdef");
    }
    EXPECT_EQ(printed.size(), 5u);
    EXPECT_EQ(printed_ids, ids);
    EXPECT_EQ(names, (std::multiset<std::string>{"five", "four", "one", "three", "two"}));
    EXPECT_THAT(run.err, HasSubstr("5 event(s)"));
    EXPECT_THAT(run.err, HasSubstr("nothing was sent"));

    EXPECT_EQ(snapshot(sandbox.data_dir()), before) << "inspect must not send, delete or rewrite anything";
    EXPECT_FALSE(fs::exists(sandbox.recorded_file()));
}

TEST(CliInspect, NothingPendingIsAnEmptyArray) {
    Sandbox sandbox;
    const CliRun run = sandbox.overt({"inspect"});
    ASSERT_EQ(run.exit_code, 0) << run.all();
    EXPECT_EQ(nlohmann::json::parse(run.out), nlohmann::json::array());
    EXPECT_THAT(run.err, HasSubstr("Telemetry is off"));
}

TEST(CliFlush, DeliversSpilledEventsToTheFileBackendAndPrintsTheReport) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.overt({"enable"}).exit_code, 0);
    const std::set<std::string> ids = leave_spilled_events(sandbox, {"a", "b", "c", "d"});
    const size_t files = spill_files(sandbox.data_dir()).size();

    const CliRun run = sandbox.overt({"flush"});
    ASSERT_EQ(run.exit_code, 0) << run.all();
    EXPECT_THAT(run.out, HasSubstr(std::to_string(files) + " spill file(s) were waiting"));
    EXPECT_THAT(run.out, HasSubstr("sent 4, spilled for later 0, dropped 0"));
    EXPECT_THAT(run.out, HasSubstr("file: file (" + sandbox.recorded_file().string() + "): sent 4"));
    EXPECT_EQ(event_ids_of_lines(read_lines(sandbox.recorded_file())), ids);
    EXPECT_EQ(read_lines(sandbox.recorded_file()).size(), 4u) << "each event exactly once";
    EXPECT_TRUE(spill_files(sandbox.data_dir()).empty());

    const CliRun again = sandbox.overt({"flush"});
    EXPECT_EQ(again.exit_code, 0) << again.all();
    EXPECT_THAT(again.out, HasSubstr("Nothing waiting to be sent"));
    EXPECT_EQ(read_lines(sandbox.recorded_file()).size(), 4u);
}

TEST(CliFlush, BrokenBackendReportsFailureAndKeepsTheEvents) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.overt({"enable"}).exit_code, 0);
    leave_spilled_events(sandbox, {"a", "b"});
    // The recorded file's parent is a regular file: the file backend cannot write there.
    sandbox.write_file("blocker", "");
    const fs::path config = sandbox.write_file(
        "broken.yaml", "tool:\n  name: overt-demo\nflush_timeout_ms: 300\nexit_budget_ms: 50\nbackends:\n"
                       "  - plugin: file\n    path: " + (sandbox.work_dir() / "blocker" / "out.ndjson").string() + "\n");
    const CliRun run = sandbox.overt({"--config", config.string(), "flush"});
    EXPECT_EQ(run.exit_code, 1) << run.all();
    EXPECT_THAT(run.out, HasSubstr("stay on disk"));
    EXPECT_THAT(run.out, HasSubstr("blocker/out.ndjson"));
    EXPECT_FALSE(spill_files(sandbox.data_dir()).empty());
}

TEST(CliFlush, UnavailableBackendIsAFailureAndTheEventsWait) {
    Sandbox sandbox;
    const fs::path config = sandbox.write_file(
        "missing.yaml", "tool:\n  name: overt-demo\nbackends:\n  - plugin: nosuch\n    id: file\n");
    ASSERT_EQ(sandbox.overt({"--config", config.string(), "enable"}).exit_code, 0);
    leave_spilled_events(sandbox, {"a", "b"});
    const CliRun status = sandbox.overt({"--config", config.string(), "status"});
    EXPECT_THAT(status.out, HasSubstr("unavailable: backend \"file\" (plugin \"nosuch\")"));
    EXPECT_THAT(status.out, HasSubstr("Waiting:    2 event(s)"));

    const CliRun run = sandbox.overt({"--config", config.string(), "flush"});
    EXPECT_EQ(run.exit_code, 1) << run.all();
    EXPECT_THAT(run.out, HasSubstr("2 event(s) in"));
    EXPECT_THAT(run.out, HasSubstr("stay on disk for a later run"));
    EXPECT_FALSE(spill_files(sandbox.data_dir()).empty());
}

TEST(CliFlush, WithoutConsentSendsNothing) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.overt({"enable"}).exit_code, 0);
    leave_spilled_events(sandbox, {"a"});
    const auto before = snapshot(sandbox.data_dir());
    const CliRun run = sandbox.overt({"flush"}, {{"DO_NOT_TRACK", "1"}});
    EXPECT_EQ(run.exit_code, 0) << run.all();
    EXPECT_THAT(run.out, HasSubstr("Nothing sent"));
    EXPECT_THAT(run.out, HasSubstr("DO_NOT_TRACK"));
    EXPECT_EQ(snapshot(sandbox.data_dir()), before);
}

TEST(CliDelete, WithoutEndpointSendsADeletionEventThroughTheFileBackendAndSaysSo) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.overt({"enable"}).exit_code, 0);
    leave_spilled_events(sandbox, {"a", "b"});
    const std::string machine_id = machine_id_in(sandbox.overt({"status"}).out);

    const CliRun run = sandbox.overt({"delete-my-data"});
    ASSERT_EQ(run.exit_code, 0) << run.all();
    EXPECT_THAT(run.out, HasSubstr("Local data erased: 2 unsent event(s)"));
    EXPECT_THAT(run.out, HasSubstr("Deletion request sent"));
    EXPECT_THAT(run.out, Not(HasSubstr("NOT sent")));
    EXPECT_THAT(run.out, HasSubstr("Telemetry disabled for overt-demo"));
    EXPECT_TRUE(spill_files(sandbox.data_dir()).empty());

    const auto lines = read_lines(sandbox.recorded_file());
    ASSERT_EQ(lines.size(), 1u) << "only the deletion request, not the erased events";
    const auto event = nlohmann::json::parse(lines[0]);
    EXPECT_EQ(event["type"], "data.deletion_request");
    EXPECT_EQ(event["machine_id"], machine_id);
    EXPECT_EQ(event["tool_name"], "overt-demo") << "the receiver must know which tool's data to delete";
    EXPECT_THAT(read_file(sandbox.consent_file()), HasSubstr("enabled: false"));
}

TEST(CliDelete, UnreachableEndpointSaysNotSentAndFails) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.overt({"enable"}).exit_code, 0);
    const std::string endpoint = "http://127.0.0.1:" + std::to_string(closed_local_port()) + "/delete";
    const fs::path config =
        sandbox.write_file("overt.yaml", "tool:\n  name: overt-demo\ndeletion:\n  endpoint: " + endpoint + "\n");
    const CliRun run = sandbox.overt({"--config", config.string(), "delete-my-data"});
    EXPECT_EQ(run.exit_code, 1) << run.all();
    EXPECT_THAT(run.out, HasSubstr("Deletion request NOT sent"));
    EXPECT_THAT(run.out, HasSubstr(endpoint));
    EXPECT_THAT(run.out, Not(HasSubstr("Deletion request sent")));
    EXPECT_FALSE(fs::exists(sandbox.recorded_file())) << "an endpoint is configured: no event fallback";
}

TEST(CliDelete, EmailIsNeverClaimedAsSentAndPrintsTheMailtoLink) {
    Sandbox sandbox;
    ASSERT_EQ(sandbox.overt({"enable"}).exit_code, 0);
    const fs::path config =
        sandbox.write_file("overt.yaml", "tool:\n  name: overt-demo\ndeletion:\n  email: privacy@example.com\n");
    const CliRun run = sandbox.overt({"--config", config.string(), "delete-my-data"});
    EXPECT_EQ(run.exit_code, 0) << run.all();
    EXPECT_THAT(run.out, HasSubstr("NOT sent automatically"));
    EXPECT_THAT(run.out, HasSubstr("mailto:privacy@example.com?subject="));
    EXPECT_FALSE(fs::exists(sandbox.recorded_file()));
}

TEST(CliDelete, AToolThatNeverHadConsentSendsNothing) {
    Sandbox sandbox;
    const std::string endpoint = "http://127.0.0.1:" + std::to_string(closed_local_port()) + "/delete";
    const fs::path config =
        sandbox.write_file("overt.yaml", "tool:\n  name: overt-demo\ndeletion:\n  endpoint: " + endpoint + "\n");
    const CliRun run = sandbox.overt({"--config", config.string(), "delete-my-data"});
    EXPECT_EQ(run.exit_code, 0) << run.all();
    EXPECT_THAT(run.out, HasSubstr("No deletion request sent"));
    EXPECT_THAT(run.out, Not(HasSubstr("NOT sent"))) << "it must not even try";
    EXPECT_FALSE(fs::exists(sandbox.data_dir()));
}

// With consent unset or denied, no command writes anything but what the user asked for (the
// consent file of disable).
TEST(CliPrivacy, NothingIsWrittenBeforeConsent) {
    Sandbox sandbox;
    // Where a tool's data could go (the harness keeps its own output files in the root).
    const auto tree = [&] {
        std::set<std::string> paths;
        for (const char* area : {"home", "state", "tmp", "work", "config"})
            for (const auto& entry : fs::recursive_directory_iterator(sandbox.root() / area))
                paths.insert(fs::relative(entry.path(), sandbox.root()).string());
        return paths;
    };
    const std::set<std::string> before = tree();
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"status"}, {"inspect"}, {"flush"}, {"delete-my-data"}}) {
        const CliRun run = sandbox.overt(args);
        EXPECT_NE(run.exit_code, 2) << args[0] << ": " << run.all();
    }
    const CliRun demo = sandbox.run(OVERT_DEMO_PATH, {"build"});
    EXPECT_EQ(demo.exit_code, 0) << demo.all();
    // delete-my-data withdraws consent: the consent file and its directories are what it may write.
    std::set<std::string> allowed;
    for (fs::path part = fs::relative(sandbox.consent_file(), sandbox.root()); !part.empty();
         part = part.parent_path())
        allowed.insert(part.string());
    for (const auto& path : tree())
        if (!before.count(path)) {
            EXPECT_TRUE(allowed.count(path)) << path << " was written without consent";
        }
    EXPECT_FALSE(fs::exists(sandbox.data_dir()));
}

TEST(CliDemo, OvertDemoRecordsOnlyAfterEnable) {
    Sandbox sandbox;
    const CliRun before = sandbox.run(OVERT_DEMO_PATH, {"build"});
    ASSERT_EQ(before.exit_code, 0) << before.all();
    EXPECT_FALSE(fs::exists(sandbox.recorded_file()));
    ASSERT_EQ(sandbox.overt({"enable"}).exit_code, 0);
    EXPECT_EQ(sandbox.run(OVERT_DEMO_PATH, {"deploy"}).exit_code, 1);
    // The tool handed its event to overt-sender; `overt flush` waits for it.
    const CliRun flush = sandbox.overt({"flush"});
    EXPECT_EQ(flush.exit_code, 0) << flush.all();
    const auto lines = read_lines(sandbox.recorded_file());
    ASSERT_EQ(lines.size(), 1u);
    const auto event = nlohmann::json::parse(lines[0]);
    EXPECT_EQ(event["name"], "deploy");
    EXPECT_EQ(event["exit_code"], 1);
    EXPECT_EQ(sandbox.run(OVERT_DEMO_PATH, {"nonsense"}).exit_code, 2);
}

}  // namespace
TEST(CliTool, RequiredWhenNoConfigNamesOne) {
    Sandbox sandbox;
    const CliRun run = sandbox.overt({"status"}, {{"OVERT_TOOL", std::nullopt}});
    EXPECT_EQ(run.exit_code, 2) << run.all();
    EXPECT_THAT(run.err, HasSubstr("no tool given: use --tool NAME (or set OVERT_TOOL)"));
    const CliRun empty = sandbox.overt({"enable", "--tool", ""}, {{"OVERT_TOOL", std::nullopt}});
    EXPECT_EQ(empty.exit_code, 2) << empty.all();
    EXPECT_FALSE(fs::exists(sandbox.consent_file())) << "an empty --tool must not fall back to overt-demo";
    const CliRun named = sandbox.overt({"status", "--tool", "overt-demo"}, {{"OVERT_TOOL", std::nullopt}});
    EXPECT_EQ(named.exit_code, 0) << named.all();
}

TEST(CliTool, UnknownToolWarnsAndCreatesNothing) {
    Sandbox sandbox;
    const CliRun run = sandbox.overt({"status", "--tool", "typo-tool"});
    EXPECT_EQ(run.exit_code, 0) << run.all();
    EXPECT_THAT(run.err, HasSubstr("warning: no tool named \"typo-tool\" has used overt on this machine"));
    EXPECT_FALSE(fs::exists(sandbox.root() / "config" / "overt" / "typo-tool"));
    EXPECT_FALSE(fs::exists(sandbox.root() / "state" / "overt" / "typo-tool"));
}

TEST(CliTool, VersionAndVerbose) {
    Sandbox sandbox;
    const CliRun version = sandbox.overt({"--version"});
    EXPECT_EQ(version.exit_code, 0) << version.all();
    EXPECT_THAT(version.out, testing::MatchesRegex("overt [0-9]+\\.[0-9]+\\.[0-9]+\n"));
    ASSERT_EQ(sandbox.overt({"enable"}).exit_code, 0);
    const CliRun verbose = sandbox.overt({"-v", "track", "build"});
    EXPECT_EQ(verbose.exit_code, 0) << verbose.all();
    EXPECT_THAT(verbose.err, HasSubstr("[debug]")) << verbose.all();
}

TEST(CliDemo, TelemetryGroupIsMounted) {
    Sandbox sandbox;
    const CliRun help = sandbox.run(OVERT_DEMO_PATH, {"telemetry", "--help"});
    EXPECT_EQ(help.exit_code, 0) << help.all();
    for (const char* command : {"status", "enable", "disable", "reset", "doctor"})
        EXPECT_THAT(help.out, HasSubstr(command)) << help.out;
    auto status = [&](const std::map<std::string, std::optional<std::string>>& env = {}) {
        return sandbox.run(OVERT_DEMO_PATH, {"telemetry", "status"}, env).out;
    };
    EXPECT_THAT(status(), HasSubstr("Telemetry: disabled\n"));
    EXPECT_THAT(status({{"OVERT_DEMO_TELEMETRY", "local"}}), HasSubstr("Telemetry: enabled (local-only)\n"));
    EXPECT_EQ(sandbox.run(OVERT_DEMO_PATH, {"telemetry", "enable"}).exit_code, 0);
    EXPECT_THAT(status(), HasSubstr("Telemetry: enabled\n"));
    EXPECT_EQ(sandbox.run(OVERT_DEMO_PATH, {"telemetry", "enable", "--local-only"}).exit_code, 0);
    EXPECT_THAT(status(), HasSubstr("Telemetry: enabled (local-only)\n"));
    // Local-only records into the data dir's file and sends nothing.
    EXPECT_EQ(sandbox.run(OVERT_DEMO_PATH, {"build"}).exit_code, 0);
    EXPECT_EQ(sandbox.run(OVERT_DEMO_PATH, {"telemetry", "disable"}).exit_code, 0);
    EXPECT_THAT(status(), HasSubstr("Telemetry: disabled\n"));
    const CliRun doctor = sandbox.run(OVERT_DEMO_PATH, {"telemetry", "doctor"});
    EXPECT_EQ(doctor.exit_code, 0) << doctor.all();
    EXPECT_THAT(doctor.out, HasSubstr("pass  telemetry: disabled"));
}

TEST(CliDemo, BadConfigNeverTakesTheToolDown) {
    Sandbox sandbox;
    sandbox.write_file("overt.yaml", "tool:\n  name: overt-demo\nenabled: maybe\n");
    const CliRun run = sandbox.run(OVERT_DEMO_PATH, {"build"});
    EXPECT_EQ(run.exit_code, 0) << run.all();
    EXPECT_THAT(run.err, HasSubstr("telemetry off: "));
}

}  // namespace overt::cli_test
