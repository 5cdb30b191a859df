// SPDX-License-Identifier: MIT
// Under wine: the real overt-<name>.dll plugins load through the plugin host and bad files are
// refused with the Windows reasons; WinHTTP posts to a server on 127.0.0.1; the spill store
// and the collector deliver through the file plugin; the exit hand-off starts overt-sender.exe.
#include "plugin/plugin_library.hpp"
#include "spill/spill_store.hpp"
#include "support/trusted_file.hpp"
#include "transport/http_service.hpp"

#include <overt/collector.hpp>
#include <overt/plugins.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <winsock2.h>
#include <ws2tcpip.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "windows_test_support.hpp"

namespace {

using overt::windows_test::ScratchDir;

std::vector<nlohmann::json> ndjson_lines(const std::filesystem::path& path) {
    std::vector<nlohmann::json> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
}

TEST(WindowsPlugins, TheBundledDllsLoadAndDescribeThemselves) {
    for (const char* name : {"file", "stdout", "http", "otlp", "datadog", "posthog"}) {
        const auto& plugin = overt::plugin::load_plugin(OVERT_BUILTIN_PLUGIN_DIR, name);
        EXPECT_EQ(plugin.info.name, name);
        EXPECT_NE(plugin.info.path.find(std::string("overt-") + name + ".dll"), std::string::npos) << plugin.info.path;
    }
}

TEST(WindowsPlugins, DiscoveryListsTheDllFiles) {
    bool saw_file = false;
    for (const auto& found : overt::discover_plugins({OVERT_BUILTIN_PLUGIN_DIR}).plugins)
        saw_file = saw_file || found.name == "file";
    EXPECT_TRUE(saw_file);
}

TEST(WindowsPlugins, AFileThatIsNoDllIsRefusedBeforeLoading) {
    ScratchDir dir("bad-plugin");
    std::ofstream(dir.path() / "overt-bogus.dll") << "#!/bin/sh\necho not a dll\n";
    try {
        overt::plugin::load_plugin(dir.path().string(), "bogus");
        FAIL() << "loaded a text file";
    } catch (const overt::support::Refusal& refusal) {
        EXPECT_NE(std::string(refusal.what()).find("not a Windows DLL (no MZ header)"), std::string::npos)
            << refusal.what();
    }
}

TEST(WindowsPlugins, AWrongPinIsRefused) {
    try {
        overt::plugin::load_plugin(OVERT_BUILTIN_PLUGIN_DIR, "stdout", std::string(64, '0'));
        FAIL() << "a wrong pin was accepted";
    } catch (const overt::support::Refusal& refusal) {
        EXPECT_NE(std::string(refusal.what()).find("sha256 mismatch"), std::string::npos) << refusal.what();
    }
}

// One HTTP exchange on 127.0.0.1: reads the request head and body, answers 202.
class OneShotServer {
   public:
    OneShotServer() {
        WSADATA data;
        WSAStartup(MAKEWORD(2, 2), &data);
        listener_ = overt::windows_test::listen_on_loopback(1, port_);
        thread_ = std::thread([this] { serve(); });
    }
    ~OneShotServer() {
        closesocket(listener_);
        if (thread_.joinable()) thread_.join();
        WSACleanup();
    }
    int port() const { return port_; }
    std::string request() {
        if (thread_.joinable()) thread_.join();
        return request_;
    }

   private:
    void serve() {
        SOCKET client = accept(listener_, nullptr, nullptr);
        if (client == INVALID_SOCKET) return;
        char buffer[8192];
        size_t expected = std::string::npos;
        for (;;) {
            const int n = recv(client, buffer, sizeof buffer, 0);
            if (n <= 0) break;
            request_.append(buffer, static_cast<size_t>(n));
            const size_t head_end = request_.find("\r\n\r\n");
            if (head_end != std::string::npos && expected == std::string::npos) {
                const size_t length_at = request_.find("Content-Length: ");
                const size_t length = length_at == std::string::npos ? 0 : std::stoul(request_.substr(length_at + 16));
                expected = head_end + 4 + length;
            }
            if (expected != std::string::npos && request_.size() >= expected) break;
        }
        const std::string answer = "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\nRetry-After: 7\r\nConnection: close\r\n\r\nok";
        send(client, answer.data(), static_cast<int>(answer.size()), 0);
        closesocket(client);
    }
    SOCKET listener_ = INVALID_SOCKET;
    int port_ = 0;
    std::thread thread_;
    std::string request_;
};

TEST(WindowsTransport, WinHttpPostsToALoopbackServer) {
    OneShotServer server;
    overt::transport::HttpRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/v1/events?x=1";
    request.content_type = "application/json";
    request.headers = {{"X-Api-Key", "k"}};
    request.body = R"({"events":[]})";
    request.gzip = true;
    const auto response = overt::transport::make_http_service()->post(request);
    ASSERT_FALSE(response.transport_error) << response.error;
    EXPECT_EQ(response.status_code, 202);
    EXPECT_EQ(response.body, "ok");
    EXPECT_EQ(response.retry_after_ms, 7000);
    const std::string seen = server.request();
    EXPECT_EQ(seen.rfind("POST /v1/events?x=1 HTTP/1.1\r\n", 0), 0u) << seen;
    EXPECT_NE(seen.find("Content-Encoding: gzip"), std::string::npos) << seen;
    EXPECT_NE(seen.find("X-Api-Key: k"), std::string::npos) << seen;
}

TEST(WindowsTransport, ARefusedConnectionIsATransportError) {
    overt::transport::HttpRequest request;
    request.url = "http://127.0.0.1:9/";
    request.body = "x";
    const auto response = overt::transport::make_http_service()->post(request);
    EXPECT_TRUE(response.transport_error);
    EXPECT_NE(response.error.find("127.0.0.1:9"), std::string::npos) << response.error;
}

TEST(WindowsTransport, SchemesOtherThanHttpAreRefused) {
    overt::transport::HttpRequest request;
    request.url = "ftp://127.0.0.1/";
    const auto response = overt::transport::make_http_service()->post(request);
    EXPECT_TRUE(response.transport_error);
    EXPECT_NE(response.error.find("only http and https"), std::string::npos) << response.error;
}

overt::Config file_backend_config(const ScratchDir& dir, overt::ExitDelivery exit_delivery) {
    overt::Config config;
    config.tool_name = "overt-windows-test";
    config.tool_version = "1.0.0";
    config.force_enabled = true;  // no user state involved
    config.data_dir = (dir.path() / "data").string();
    config.plugin_dirs = {OVERT_BUILTIN_PLUGIN_DIR};
    config.exit_delivery = exit_delivery;
    config.exit_budget_ms = 2000;
    config.flush_timeout_ms = 5000;
    overt::BackendConfig file;
    file.plugin = "file";
    file.id = "file";
    file.settings_json = nlohmann::json{{"path", (dir.path() / "out.ndjson").string()}}.dump();
    config.backends = {file};
    return config;
}

TEST(WindowsCollector, TheFilePluginReceivesTrackedEvents) {
    ScratchDir dir("collector");
    auto collector = overt::Collector::open(file_backend_config(dir, overt::ExitDelivery::in_process));
    ASSERT_TRUE(collector->enabled()) << collector->consent_reason();
    collector->track_command("build", 42, 0);
    collector->track_command("test", 7, 1);
    const auto report = collector->close();
    EXPECT_TRUE(report.ok()) << report.summary();
    const auto lines = ndjson_lines(dir.path() / "out.ndjson");
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0]["name"], "build");
    EXPECT_EQ(lines[1]["exit_code"], 1);
    EXPECT_EQ(lines[0]["machine_id"].get<std::string>().size(), 16u);
}

TEST(WindowsCollector, TheExitHandOffStartsOverSenderWhichDelivers) {
    ScratchDir dir("handoff");
    auto collector = overt::Collector::open(file_backend_config(dir, overt::ExitDelivery::background));
    ASSERT_TRUE(collector->enabled()) << collector->consent_reason();
    collector->track_command("deploy", 5, 0);
    const auto report = collector->close();
    EXPECT_EQ(report.events_handed_to_sender, 1u) << report.summary();
    // overt-sender.exe runs detached: wait for its file.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::vector<nlohmann::json> lines;
    while (std::chrono::steady_clock::now() < deadline) {
        if (std::filesystem::exists(dir.path() / "out.ndjson")) lines = ndjson_lines(dir.path() / "out.ndjson");
        if (!lines.empty()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(lines.size(), 1u) << "sender.log: " << [&] {
        std::ifstream log(dir.path() / "data" / "sender.log");
        std::stringstream text;
        text << log.rdbuf();
        return text.str();
    }();
    EXPECT_EQ(lines[0]["name"], "deploy");
}

TEST(WindowsSpill, WrittenFilesAreListedClaimedReadAndRemoved) {
    ScratchDir dir("spill");
    overt::spill::SpillStore store(dir.path() / "data", "spilltool", 1 << 20);
    overt::Event event;
    event.event_id = overt::new_event_id();
    event.type = "command";
    event.name = "spilled";
    std::string error;
    const auto written = store.write(std::span<const overt::Event>(&event, 1), {}, error);
    ASSERT_EQ(written.size(), 1u) << error;
    const auto names = store.list();
    ASSERT_EQ(names.size(), 1u);
    auto claim = store.claim(names[0]);
    ASSERT_TRUE(claim.has_value());
    EXPECT_FALSE(store.claim(names[0]).has_value()) << "a second claim while the first holds its lock";
    overt::spill::SpillContent content;
    ASSERT_TRUE(store.read(*claim, content, error)) << error;
    ASSERT_EQ(content.events.size(), 1u);
    EXPECT_EQ(content.events[0].name, "spilled");
    store.remove(*claim);
    claim.reset();
    EXPECT_TRUE(store.list().empty());
}

}  // namespace
