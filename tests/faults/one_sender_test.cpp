// SPDX-License-Identifier: MIT
// One sender per data dir: tools that close while a sender of their data dir is running do not
// start another; the running one finds their spill files before it exits. Many quick runs
// against a slow endpoint thus never pile up senders, and every event still arrives.
#include "fault_support.hpp"

#include "../privacy/test_env.hpp"
#include "delivery/sender_spawn.hpp"
#include "slow_server.hpp"

#include <nlohmann/json.hpp>

#include <dirent.h>

namespace overt::testing {
namespace {

using namespace std::chrono_literals;

// overt-sender processes (supervisors and workers) holding this data dir's sender lock.
size_t senders_holding(const fs::path& data_dir) {
    const std::string lock = (data_dir / delivery::kSenderLockName).string();
    size_t count = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        const std::string pid = entry.path().filename().string();
        if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
        std::error_code link_ec;
        const auto target = fs::read_symlink(entry.path() / "fd" / std::to_string(delivery::kSenderLockFd), link_ec);
        if (!link_ec && target == lock) ++count;
    }
    return count;
}

TEST(OneSenderPerDataDir, QuickRunsAgainstASlowEndpointShareOneSenderAndAllArrive) {
    TempDir dir;
    test::ScopedEnv sender{"OVERT_SENDER", OVERT_SENDER_PROGRAM};
    SlowServer server(150ms);
    Config config = slow_endpoint_config(dir, server.url(), /*buffer_max=*/1000);
    config.force_enabled = true;

    size_t most_senders = 0;
    for (int run = 0; run < 6; ++run) {
        auto tool = Collector::open(config);
        for (int i = 0; i < 3; ++i) tool->track_command("build", run * 10 + i, 0);
        tool->close();
        most_senders = std::max(most_senders, senders_holding(dir.path()));
    }
    ASSERT_TRUE(delivery::wait_for_senders(dir.str(), Clock::now() + 15s));
    // A supervisor and its worker: one sender.
    EXPECT_LE(most_senders, 2u) << "tools started a sender while one was running";
    EXPECT_TRUE(spill_files(dir.path()).empty()) << "a tool's spill file was left behind";
    EXPECT_EQ(server.arrivals().size(), 6u) << "one request per tool run";
    PersistedCounters books = read_persisted_counters(dir.str());
    // Each tool that found the sender running booked its events as tracked; the sender booked
    // them again as recovered (part of its tracked) when it claimed their files.
    EXPECT_EQ(books.tracked - books.recovered, 18u);
    EXPECT_EQ(books.sent, 18u);
}

}  // namespace
}  // namespace overt::testing
