// SPDX-License-Identifier: MIT
// The telemetry command group: plain functions, the CLI11 mount, local-only and doctor.
#include "test_home.hpp"

#include <overt/cli/telemetry_commands.hpp>
#include <overt/collector.hpp>
#include <overt/consent.hpp>
#include <overt/telemetry_commands.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace overt {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using test::FreshHome;

std::string run(const Config& config, std::vector<std::string> args, int* code = nullptr) {
    std::ostringstream out, err;
    const int rc = run_telemetry_command(config, args, out, err);
    if (code) *code = rc;
    return out.str() + err.str();
}

TEST(TelemetryCommands, StatusFollowsEnableLocalOnlyAndDisable) {
    FreshHome home;
    const Config config = FreshHome::config();
    EXPECT_THAT(run(config, {"status"}), HasSubstr("Telemetry: disabled\nMachine ID: "));
    EXPECT_FALSE(std::filesystem::exists(home.data_dir())) << "status must not create the data dir";

    EXPECT_THAT(run(config, {"enable"}), HasSubstr("Telemetry enabled for cmdtest"));
    EXPECT_THAT(run(config, {"status"}), HasSubstr("Telemetry: enabled\n"));
    EXPECT_THAT(run(config, {"status"}), HasSubstr("Backend: file ("));

    EXPECT_THAT(run(config, {"enable", "--local-only"}), HasSubstr("local-only"));
    EXPECT_THAT(test::read_text(home.consent_file()), HasSubstr("local_only: true"));
    EXPECT_THAT(run(config, {"status"}), HasSubstr("Telemetry: enabled (local-only)\n"));

    const std::string disabled = run(config, {"disable"});
    EXPECT_THAT(disabled, HasSubstr("Telemetry disabled for cmdtest."));
    EXPECT_THAT(disabled, HasSubstr("All pending events have been discarded."));
    EXPECT_THAT(run(config, {"status"}), HasSubstr("Telemetry: disabled\n"));
}

TEST(TelemetryCommands, EnvironmentLocalIsLocalOnly) {
    FreshHome home;
    test::ScopedEnv local("CMDTEST_TELEMETRY", "local");
    EXPECT_THAT(run(FreshHome::config(), {"status"}), HasSubstr("Telemetry: enabled (local-only)\n"));
}

TEST(TelemetryCommands, LocalOnlyRecordsIntoTheDataDirFileOnly) {
    FreshHome home;
    Config config = FreshHome::config();
    // A network backend that would be refused a connection: local-only must never use it.
    BackendConfig http;
    http.plugin = "http";
    http.id = "http";
    http.settings_json = R"({"endpoint": "http://127.0.0.1:9/x"})";
    config.backends.push_back(http);
    ASSERT_EQ(telemetry_enable(config, std::cout, true), 0);
    auto collector = Collector::open(config);
    EXPECT_TRUE(collector->local_only());
    EXPECT_THAT(collector->backend_info(), HasSubstr("file"));
    EXPECT_THAT(collector->backend_info(), Not(HasSubstr("http")));
    collector->track_command("build", std::chrono::milliseconds(12), 0);
    const FlushReport report = collector->close();
    EXPECT_EQ(report.events_sent, 1u) << report.summary();
    EXPECT_THAT(test::read_text(home.data_dir() + "/telemetry.ndjson"), HasSubstr("\"build\""));
}

TEST(TelemetryCommands, DisableUnderForceEnabledExplains) {
    FreshHome home;
    Config config = FreshHome::config();
    config.force_enabled = true;
    int code = 0;
    EXPECT_THAT(run(config, {"disable"}, &code), HasSubstr("enforced by your organisation"));
    EXPECT_EQ(code, 1);
    EXPECT_FALSE(std::filesystem::exists(home.consent_file()));
}

TEST(TelemetryCommands, DisableStopsTheRunningCollector) {
    FreshHome home;
    const Config config = FreshHome::config();
    ASSERT_EQ(telemetry_enable(config, std::cout), 0);
    auto collector = Collector::open(config);
    collector->track("feature.used", "x");
    TelemetryCommandOptions options;
    options.collector = collector.get();
    std::ostringstream out;
    EXPECT_EQ(telemetry_disable(config, out, options), 0);
    EXPECT_FALSE(collector->enabled());
    collector->track("feature.used", "after");
    EXPECT_EQ(collector->close().events_sent, 0u);
    EXPECT_FALSE(std::filesystem::exists(home.data_dir() + "/telemetry.ndjson"));
}

TEST(TelemetryCommands, ResetOfAToolThatNeverCollectedSendsNothing) {
    FreshHome home;
    std::ostringstream out;
    EXPECT_EQ(telemetry_reset(FreshHome::config(), out), 0);
    EXPECT_THAT(out.str(), HasSubstr("No deletion request sent"));
    EXPECT_THAT(out.str(), HasSubstr("Telemetry disabled."));
    EXPECT_THAT(test::read_text(home.consent_file()), HasSubstr("enabled: false"));
}

TEST(TelemetryCommands, UsageErrors) {
    FreshHome home;
    int code = 0;
    EXPECT_THAT(run(FreshHome::config(), {"frobnicate"}, &code), HasSubstr("unknown command"));
    EXPECT_EQ(code, 2);
    EXPECT_THAT(run(FreshHome::config(), {"enable", "--everything"}, &code), HasSubstr("unknown argument"));
    EXPECT_EQ(code, 2);
    EXPECT_THAT(run(FreshHome::config(), {}), HasSubstr("status [--json] | enable [--local-only] | disable | reset | doctor"));
}

// A listening socket that answers every connection with one HTTP status line, counting requests.
class OneShotHttp {
   public:
    OneShotHttp() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        ::listen(fd_, 4);
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] {
            const int client = ::accept(fd_, nullptr, nullptr);
            if (client < 0) return;
            char buffer[4096];
            const ssize_t n = ::read(client, buffer, sizeof buffer);
            if (n > 0) request_.assign(buffer, static_cast<size_t>(n));
            const char reply[] = "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            (void)!::write(client, reply, sizeof reply - 1);
            ::close(client);
        });
    }
    ~OneShotHttp() {
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        thread_.join();
    }
    int port() const { return port_; }
    const std::string& request() const { return request_; }

   private:
    int fd_ = -1;
    int port_ = 0;
    std::string request_;
    std::thread thread_;
};

TEST(TelemetryDoctor, PassWarnFailLinesAndNoEvent) {
    FreshHome home;
    Config config = FreshHome::config();
    OneShotHttp server;
    BackendConfig up;
    up.plugin = "http";
    up.id = "up";
    up.settings_json = R"({"endpoint": "http://127.0.0.1:)" + std::to_string(server.port()) + R"(/ingest"})";
    BackendConfig down;
    down.plugin = "http";
    down.id = "down";
    down.settings_json = R"({"endpoint": "http://127.0.0.1:9/ingest"})";
    config.backends = {up, down};
    ASSERT_EQ(telemetry_enable(config, std::cout), 0);

    std::ostringstream out;
    const int code = telemetry_doctor(config, out);
    const std::string text = out.str();
    EXPECT_THAT(text, HasSubstr("pass  telemetry: enabled"));
    EXPECT_THAT(text, HasSubstr("pass  data dir: " + home.data_dir()));
    EXPECT_THAT(text, HasSubstr("pass  backend up: "));
    EXPECT_THAT(text, HasSubstr("pass  connectivity up: http://127.0.0.1:" + std::to_string(server.port()) +
                                "/ingest reachable (HTTP 405)"));
    EXPECT_THAT(text, HasSubstr("warn  connectivity down: http://127.0.0.1:9/ingest unreachable"));
    EXPECT_EQ(code, 0) << text;
    EXPECT_THAT(server.request(), HasSubstr("HEAD /ingest HTTP/1.1")) << "a HEAD request, no event";
    EXPECT_THAT(server.request(), Not(HasSubstr("event_id")));
}

// Telemetry enabled for a config whose one backend names a plugin that does not exist.
Config enabled_with_missing_plugin() {
    Config config = FreshHome::config();
    BackendConfig missing;
    missing.plugin = "nosuch";
    missing.id = "nosuch";
    missing.settings_json = "{}";
    config.backends = {missing};
    EXPECT_EQ(telemetry_enable(config, std::cout), 0);
    return config;
}

TEST(TelemetryDoctor, MisconfiguredAndMissingPluginFail) {
    FreshHome home;
    const Config config = enabled_with_missing_plugin();
    std::ostringstream out;
    EXPECT_EQ(telemetry_doctor(config, out), 1);
    EXPECT_THAT(out.str(), HasSubstr("fail  backend: "));
    EXPECT_THAT(out.str(), HasSubstr("Some checks failed."));
}

TEST(TelemetryDoctor, JsonListsTheSameChecksAndTheVerdict) {
    FreshHome home;
    const Config config = enabled_with_missing_plugin();
    std::ostringstream text, json;
    EXPECT_EQ(telemetry_doctor(config, text), 1);
    EXPECT_EQ(telemetry_doctor_json(config, json), 1);
    const nlohmann::json report = nlohmann::json::parse(json.str());
    EXPECT_EQ(report["format"], 1);
    EXPECT_EQ(report["ok"], false);
    ASSERT_FALSE(report["checks"].empty());
    size_t failed = 0;
    for (const auto& check : report["checks"]) {
        const std::string line = check["verdict"].get<std::string>() + "  " + check["check"].get<std::string>() +
                                 ": " + check["detail"].get<std::string>();
        EXPECT_THAT(text.str(), HasSubstr(line));  // one JSON entry per text line
        failed += check["verdict"] == "fail";
    }
    EXPECT_GE(failed, 1u);

    std::ostringstream via_words, err;
    const std::vector<std::string> words = {"doctor", "--json"};
    EXPECT_EQ(run_telemetry_command(config, words, via_words, err), 1) << err.str();
    EXPECT_EQ(nlohmann::json::parse(via_words.str())["ok"], false);
}

TEST(TelemetryDoctor, DisabledChecksNoConnectivity) {
    FreshHome home;
    std::ostringstream out;
    EXPECT_EQ(telemetry_doctor(FreshHome::config(), out), 0);
    EXPECT_THAT(out.str(), HasSubstr("pass  telemetry: disabled"));
    EXPECT_THAT(out.str(), HasSubstr("pass  connectivity: not checked: telemetry is disabled"));
    EXPECT_FALSE(std::filesystem::exists(home.data_dir()));
}

TEST(TelemetryCli11, GroupMountsAndReturnsExitCodes) {
    FreshHome home;
    const Config config = FreshHome::config();
    auto parse = [&](std::vector<std::string> words, int& code) {
        CLI::App app{"cmdtest"};
        cli::add_telemetry_commands(app, [&] { return config; }, {}, &code);
        std::vector<const char*> argv{"cmdtest"};
        for (const auto& word : words) argv.push_back(word.c_str());
        try {
            app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
        } catch (const CLI::ParseError& e) {
            return app.exit(e);
        }
        return 0;
    };
    int code = -1;
    testing::internal::CaptureStdout();
    EXPECT_EQ(parse({"telemetry", "enable", "--local-only"}, code), 0);
    EXPECT_EQ(code, 0);
    EXPECT_EQ(parse({"telemetry", "status"}, code), 0);
    Config forced = config;
    const std::string out = testing::internal::GetCapturedStdout();
    EXPECT_THAT(out, HasSubstr("Telemetry: enabled (local-only)"));

    CLI::App app{"cmdtest"};
    forced.force_enabled = true;
    int forced_code = -1;
    cli::add_telemetry_commands(app, [&] { return forced; }, {}, &forced_code);
    const char* argv[] = {"cmdtest", "telemetry", "disable"};
    testing::internal::CaptureStdout();
    int rc = 0;
    try {
        app.parse(3, const_cast<char**>(argv));
    } catch (const CLI::ParseError& e) {
        rc = app.exit(e);
    }
    testing::internal::GetCapturedStdout();
    EXPECT_EQ(rc, 1);
    EXPECT_EQ(forced_code, 1);
}

}  // namespace
}  // namespace overt
