// SPDX-License-Identifier: MIT
// exit_delivery: background through overt-sender, the program libovert spawns (posix_spawn)
// for a collector opened from config: close() spills and returns, the sender loads the
// backends from the config it is handed and delivers; counters carry over as if the tool had
// sent. A sender that cannot be trusted is not run: the tool forks its own helper instead.
#include "fault_support.hpp"

#include "../privacy/test_env.hpp"
#include "delivery/sender_spawn.hpp"

#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <cstdlib>

namespace overt::testing {
namespace {

using namespace std::chrono_literals;

Config opened_config(const TempDir& dir) {
    Config config = test_config();
    config.force_enabled = true;
    config.data_dir = dir.str();
    config.plugin_dirs = {OVERT_TEST_PLUGIN_DIR};
    config.exit_delivery = ExitDelivery::background;
    return config;
}

BackendConfig file_backend(const fs::path& out) {
    BackendConfig file;
    file.plugin = "file";
    file.id = "file";
    file.settings_json = nlohmann::json{{"path", out.string()}}.dump();
    return file;
}

BackendConfig http_backend(const std::string& url) {
    BackendConfig http;
    http.plugin = "http";
    http.id = "http";
    http.settings_json = nlohmann::json{{"endpoint", url}}.dump();
    return http;
}

std::set<std::string> ids_in_ndjson(const fs::path& path) {
    std::set<std::string> ids;
    std::istringstream in(read_file(path));
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) ids.insert(nlohmann::json::parse(line).at("event_id").get<std::string>());
    return ids;
}

// A listener on 127.0.0.1 that never accepts: connections complete in the kernel's backlog,
// requests are never answered.
class BlackHole {
   public:
    BlackHole() { fd_ = listen_on_loopback(64, port_, "black hole"); }
    ~BlackHole() { ::close(fd_); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/ingest"; }

   private:
    int fd_ = -1;
    int port_ = 0;
};

TEST(SenderProgram, DeliversWhatTheToolSpilledThroughTheConfiguredBackend) {
    TempDir dir;
    const fs::path out = dir.path() / "out.ndjson";
    Config config = opened_config(dir);
    config.backends = {file_backend(out)};
    std::set<std::string> tracked;
    {
        auto collector = Collector::open(config);
        ASSERT_TRUE(collector->enabled()) << collector->consent_reason();
        for (int i = 0; i < 25; ++i) collector->track_command("build", i, 0);
        tracked = ids_of(collector->pending_events());
        FlushReport report = collector->close();
        EXPECT_EQ(report.events_spilled, 25u);
        EXPECT_EQ(report.events_sent, 0u) << "close() must leave the sending to the sender";
        EXPECT_COUNTERS_ADD_UP(*collector);
    }
    ASSERT_TRUE(eventually([&] { return spill_files(dir.path()).empty() && fs::exists(out); }, 20s))
        << "overt-sender did not deliver; its log:\n"
        << (fs::exists(dir.path() / "sender.log") ? read_file(dir.path() / "sender.log") : "(none)");
    EXPECT_TRUE(fs::exists(dir.path() / "sender.log")) << "the spawned sender's stderr goes to sender.log";
    EXPECT_EQ(ids_in_ndjson(out), tracked);
    // The sender continued the tool's counters: the events are sent once, not recovered from
    // an earlier run (tracked would count them twice).
    ASSERT_TRUE(eventually([&] { return read_persisted_counters(dir.str()).sent == 25u; }, 5s));
    const PersistedCounters totals = read_persisted_counters(dir.str());
    EXPECT_EQ(totals.tracked, 25u);
    EXPECT_EQ(totals.recovered, 0u);
    EXPECT_TRUE(totals.dropped.empty());
    // A clean run logs nothing (under the sanitizer presets, their reports would land here).
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(read_file(dir.path() / "sender.log"), "");
    EXPECT_FALSE(fs::exists(dir.path() / "backend-health.json")) << "healthy plugins leave no health file";

    // drop() (overt disable, delete-my-data) leaves no sender log behind either.
    Collector(test_config(), {}, granted(dir.str())).drop();
    EXPECT_FALSE(fs::exists(dir.path() / "sender.log"));
}

TEST(SenderProgram, ABlackHoledEndpointDoesNotHoldTheToolNorItsPipes) {
    TempDir dir;
    BlackHole endpoint;
    Config config = opened_config(dir);
    config.backends = {http_backend(endpoint.url())};
    config.flush_timeout_ms = 6000;

    // A pipe the tool leaves open across exec, as `tool | head` would: the sender must not keep it.
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    std::set<std::string> tracked;
    {
        auto collector = Collector::open(config);
        for (int i = 0; i < 10; ++i) collector->track_command("build", i, 0);
        tracked = ids_of(collector->pending_events());
        const auto start = Clock::now();
        collector->close();
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
        EXPECT_LT(took.count(), 1000) << "close() waited for the black-holed endpoint";
    }
    // The sender (still waiting on the endpoint) is an orphan: a tool that waits for any child
    // of its own after close() does not wait for it, and no zombie is left behind.
    errno = 0;
    EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1) << "the tool has a child after close()";
    EXPECT_EQ(errno, ECHILD);
    ::close(pipe_fds[1]);
    pollfd readable{pipe_fds[0], POLLIN, 0};
    // Well before the sender gives up (6 s): it drops the descriptor first thing, even slowed by a
    // sanitizer runtime on a loaded machine.
    ASSERT_EQ(::poll(&readable, 1, 3000), 1) << "the sender still holds the tool's pipe";
    char byte;
    EXPECT_EQ(::read(pipe_fds[0], &byte, 1), 0);
    ::close(pipe_fds[0]);

    // The sender gives up at flush_timeout_ms; the events wait on disk for the next run.
    ASSERT_TRUE(eventually([&] { return read_persisted_counters(dir.str()).tracked == 10u; }, 20s))
        << "the sender never persisted the tool's counters";
    EXPECT_EQ(ids_on_disk(dir.path()), tracked);
    EXPECT_EQ(read_persisted_counters(dir.str()).sent, 0u);
}

// Whether a library whose file name contains `name` is mapped into this process.
bool mapped(const std::string& name) { return read_file("/proc/self/maps").find(name) != std::string::npos; }

TEST(SenderProgram, TheDefaultConfigLoadsNoPluginNorNetworkLibraryIntoTheTool) {
    ASSERT_FALSE(mapped("libovert-http.so") || mapped("libcurl") || mapped("libovert-transport"))
        << "an earlier test in this process loaded them: run this one alone (ctest does)";
    TempDir dir;
    BlackHole endpoint;
    Config config = opened_config(dir);
    config.exit_delivery = Config{}.exit_delivery;
    ASSERT_EQ(config.exit_delivery, ExitDelivery::background) << "the default must hand delivery to overt-sender";
    config.backends = {http_backend(endpoint.url())};
    config.flush_timeout_ms = 1000;
    {
        auto tool = Collector::open(config);
        for (int i = 0; i < 10; ++i) tool->track_command("build", i, 0);
        EXPECT_EQ(tool->flush().events_handed_to_sender, 10u);
        tool->track_command("last", 1, 0);
        const auto start = Clock::now();
        tool->close();
        EXPECT_LT(Clock::now() - start, 200ms) << "close() waited for the black-holed endpoint";
        EXPECT_TRUE(tool->counters().adds_up());
    }
    EXPECT_FALSE(mapped("libovert-http.so")) << "the tool's process loaded the plugin";
    EXPECT_FALSE(mapped("libcurl")) << "the tool's process loaded libcurl";
    EXPECT_FALSE(mapped("libovert-transport")) << "the tool's process loaded the transport module";
    ASSERT_TRUE(delivery::wait_for_senders(dir.str(), Clock::now() + 10s));
    EXPECT_EQ(ids_on_disk(dir.path()).size(), 11u) << "the black-holed events wait on disk";
}

TEST(SenderProgram, AnUntrustedSenderIsNotRunAndTheToolForksItsOwnHelper) {
    TempDir dir;
    const fs::path out = dir.path() / "out.ndjson";
    const fs::path writable_dir = dir.path() / "anyone";
    fs::create_directories(writable_dir);
    const fs::path fake_sender = writable_dir / "overt-sender";
    write_file(fake_sender, "#!/bin/sh\ntouch " + (dir.path() / "fake-sender-ran").string() + "\n");
    fs::permissions(fake_sender, fs::perms::owner_all | fs::perms::others_write);
    const overt::test::ScopedEnv sender("OVERT_SENDER", fake_sender.c_str());

    Config config = opened_config(dir);
    config.backends = {file_backend(out)};
    std::set<std::string> tracked;
    {
        auto collector = Collector::open(config);
        for (int i = 0; i < 5; ++i) collector->track_command("build", i, 0);
        tracked = ids_of(collector->pending_events());
        collector->close();
    }
    ASSERT_TRUE(eventually([&] { return spill_files(dir.path()).empty() && fs::exists(out); }, 20s));
    EXPECT_EQ(ids_in_ndjson(out), tracked);
    EXPECT_FALSE(fs::exists(dir.path() / "fake-sender-ran")) << "a world-writable sender was run";
    EXPECT_FALSE(fs::exists(dir.path() / "sender.log")) << "the fallback is the forked helper";
}

TEST(SenderProgram, ARequestItCannotReadIsRefusedWithTheReasonAndTouchesNothing) {
    TempDir dir;
    write_file(dir.path() / "request.json", R"({"version":1,"config":{"tool_name":"x"}})");
    const std::string command = std::string(OVERT_SENDER_PROGRAM) + " < " + (dir.path() / "request.json").string() +
                                " 2> " + (dir.path() / "err.txt").string();
    const int status = std::system(command.c_str());
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 2);
    EXPECT_NE(read_file(dir.path() / "err.txt").find("config.source_path is missing"), std::string::npos)
        << read_file(dir.path() / "err.txt");
}

}  // namespace
}  // namespace overt::testing
