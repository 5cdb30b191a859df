// SPDX-License-Identifier: MIT
// Under wine, what a server can do to a Windows tool: one that accepts and never answers, and
// one that answers with something that is not HTTP. close() keeps its exit budget, the events
// are spilled (counted, on disk), nothing is lost and nothing crashes.
#include "spill/spill_store.hpp"
#include "transport/http_service.hpp"

#include <overt/collector.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <winsock2.h>
#include <ws2tcpip.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "windows_test_support.hpp"

namespace {

using overt::windows_test::ScratchDir;

// Accepts on 127.0.0.1 and then, per `reply`, holds every connection silent ("") or sends
// `reply` and closes.
class MisbehavingServer {
   public:
    explicit MisbehavingServer(std::string reply) : reply_(std::move(reply)) {
        WSADATA data;
        WSAStartup(MAKEWORD(2, 2), &data);
        listener_ = overt::windows_test::listen_on_loopback(8, port_);
        thread_ = std::thread([this] { serve(); });
    }
    ~MisbehavingServer() {
        closesocket(listener_);  // ends accept()
        if (thread_.joinable()) thread_.join();
        for (SOCKET client : held_) closesocket(client);
        WSACleanup();
    }
    std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_) + "/ingest"; }

   private:
    void serve() {
        for (;;) {
            SOCKET client = accept(listener_, nullptr, nullptr);
            if (client == INVALID_SOCKET) return;
            if (reply_.empty()) {
                held_.push_back(client);  // a black hole: the request is never answered
                continue;
            }
            char buffer[4096];
            recv(client, buffer, sizeof buffer, 0);
            send(client, reply_.data(), static_cast<int>(reply_.size()), 0);
            closesocket(client);
        }
    }
    std::string reply_;
    SOCKET listener_ = INVALID_SOCKET;
    int port_ = 0;
    std::vector<SOCKET> held_;
    std::thread thread_;
};

overt::Config http_backend_config(const ScratchDir& dir, const std::string& endpoint) {
    overt::Config config;
    config.tool_name = "overt-windows-faults";
    config.tool_version = "1.0.0";
    config.force_enabled = true;
    config.data_dir = (dir.path() / "data").string();
    config.plugin_dirs = {OVERT_BUILTIN_PLUGIN_DIR};
    config.exit_delivery = overt::ExitDelivery::in_process;
    config.exit_budget_ms = 300;
    overt::BackendConfig http;
    http.plugin = "http";
    http.id = "http";
    http.settings_json = nlohmann::json{{"endpoint", endpoint}}.dump();
    config.backends = {http};
    return config;
}

size_t spilled_events_on_disk(const ScratchDir& dir, const std::string& tool) {
    overt::spill::SpillStore store(dir.path() / "data", tool, 1 << 20);
    size_t events = 0;
    for (const auto& name : store.list()) {
        auto claim = store.claim(name);
        if (!claim) continue;
        overt::spill::SpillContent content;
        std::string error;
        if (store.read(*claim, content, error)) events += content.events.size();
    }
    return events;
}

void expect_kept_within_budget(const ScratchDir& dir, const std::string& endpoint, const char* what) {
    auto collector = overt::Collector::open(http_backend_config(dir, endpoint));
    ASSERT_TRUE(collector->enabled()) << collector->consent_reason();
    collector->track_command("build", 42, 0);
    collector->track_command("test", 7, 1);
    const auto started = std::chrono::steady_clock::now();
    const auto report = collector->close();
    const auto took = std::chrono::steady_clock::now() - started;
    // The budget is 300 ms; wine on a loaded 2-core VM gets a generous margin, far below the
    // request timeout (seconds) a held exit would show.
    EXPECT_LT(took, std::chrono::milliseconds(300 + 2500)) << what;
    EXPECT_EQ(report.events_sent, 0u) << what << ": " << report.summary();
    EXPECT_EQ(report.events_spilled, 2u) << what << ": " << report.summary();
    EXPECT_EQ(report.events_dropped, 0u) << what << ": " << report.summary();
    EXPECT_EQ(spilled_events_on_disk(dir, "overt-windows-faults"), 2u) << what;
}

TEST(WindowsFaults, AServerThatNeverAnswersCostsTheExitBudgetAndTheEventsAreSpilled) {
    ScratchDir dir("blackhole");
    MisbehavingServer server("");
    expect_kept_within_budget(dir, server.endpoint(), "black hole");
}

TEST(WindowsFaults, AReplyThatIsNotHttpIsATransportErrorAndTheEventsAreSpilled) {
    ScratchDir dir("garbage");
    MisbehavingServer server(std::string("\x00\xff not http at all\r\n\r\n", 24));
    expect_kept_within_budget(dir, server.endpoint(), "garbage reply");
    // The exit budget may end before the request is made: WinHTTP's own answer to the bytes.
    overt::transport::HttpRequest request;
    request.url = server.endpoint();
    request.body = "{}";
    const auto response = overt::transport::make_http_service()->post(request);
    EXPECT_TRUE(response.transport_error) << "status " << response.status_code;
    EXPECT_NE(response.error.find("127.0.0.1"), std::string::npos) << response.error;
}

}  // namespace
