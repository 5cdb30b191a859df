// SPDX-License-Identifier: MIT
// Withdrawal reaches every process: while overt-sender (or a long-running service) delivers to
// a slow endpoint, another process erases the data dir (drop(), as `overt disable` and
// delete-my-data do), runs `telemetry reset`, or the user's consent file turns to denied. No request may start after
// that returns, no erased spill file may come back, and the books still add up.
#include "fault_support.hpp"

#include "../privacy/test_env.hpp"
#include "delivery/sender_spawn.hpp"
#include "slow_server.hpp"

#include <overt/consent.hpp>
#include <overt/telemetry_commands.hpp>

#include <nlohmann/json.hpp>


namespace overt::testing {
namespace {

using namespace std::chrono_literals;

// The tool: 20 events (four spill files of 5, four requests), close() hands them to
// overt-sender and returns.
void run_tool(const Config& config) {
    auto tool = Collector::open(config);
    ASSERT_TRUE(tool->enabled());
    for (int i = 0; i < 20; ++i) tool->track_command("build", i, 0);
    tool->close();
}

void wait_for_first_request(const SlowServer& server) {
    for (int i = 0; i < 500 && server.arrivals().empty(); ++i) std::this_thread::sleep_for(10ms);
    ASSERT_FALSE(server.arrivals().empty()) << "overt-sender never reached the endpoint";
}

size_t requests_after(const SlowServer& server, Clock::time_point moment) {
    size_t count = 0;
    for (auto arrival : server.arrivals()) count += arrival > moment;
    return count;
}

class Withdrawal : public ::testing::Test {
   protected:
    TempDir dir;
    TempDir config_home;
    test::ScopedEnv xdg_config{"XDG_CONFIG_HOME", config_home.str().c_str()};
    test::ScopedEnv sender{"OVERT_SENDER", OVERT_SENDER_PROGRAM};
    test::ScopedEnv no_dnt{"DO_NOT_TRACK", nullptr};
    void SetUp() override { ConsentStore("mytool").save(Consent::granted); }
};

TEST_F(Withdrawal, DropStopsARunningSenderAndNothingComesBack) {
    SlowServer server(300ms);
    const Config config = slow_endpoint_config(dir, server.url(), /*buffer_max=*/5);
    run_tool(config);
    wait_for_first_request(server);

    CollectorOptions local;  // what `overt disable` does after saving the denial
    local.data_dir = dir.str();
    Collector eraser(config, {}, local);
    eraser.drop();
    const auto dropped_at = Clock::now();

    ASSERT_TRUE(delivery::wait_for_senders(dir.str(), Clock::now() + 10s)) << "the sender did not stop";
    EXPECT_EQ(requests_after(server, dropped_at), 0u) << "a request left after the data dir was erased";
    EXPECT_TRUE(spill_files(dir.path()).empty()) << "an erased spill file came back";
    EXPECT_LT(server.arrivals().size(), 4u) << "the sender delivered everything: the test raced nothing";
    PersistedCounters books = read_persisted_counters(dir.str());
    uint64_t dropped = 0;
    for (const auto& [reason, count] : books.dropped) dropped += count;
    EXPECT_EQ(books.tracked, 20u);
    EXPECT_EQ(books.tracked, books.sent + books.handed_off + dropped) << "the sender's books do not add up";
    EXPECT_GT(books.dropped[std::string(drop_reason::consent_withdrawn)], 0u);
}

// reset withdraws consent before it erases, so the sender of the run before stops at its next
// request instead of writing after the erase (found under wine, where the sender is slower).
TEST_F(Withdrawal, ResetStopsARunningSenderAndLeavesNothingButItsDeletionRequest) {
    SlowServer server(300ms);
    SlowServer deletions(0ms);
    Config config = slow_endpoint_config(dir, server.url(), /*buffer_max=*/5);
    config.deletion_endpoint = deletions.url();
    run_tool(config);
    wait_for_first_request(server);

    std::ostringstream out;
    EXPECT_EQ(telemetry_reset(config, out), kTelemetryExitOk) << out.str();
    const auto reset_at = Clock::now();

    ASSERT_TRUE(delivery::wait_for_senders(dir.str(), Clock::now() + 10s)) << "the sender did not stop";
    std::this_thread::sleep_for(400ms);  // a sender that had not stopped would send or write by now
    EXPECT_EQ(requests_after(server, reset_at), 0u) << "a request left after reset returned";
    EXPECT_TRUE(spill_files(dir.path()).empty()) << "an erased spill file came back";
    EXPECT_LT(server.arrivals().size(), 4u) << "the sender delivered everything: the test raced nothing";
    EXPECT_EQ(deletions.arrivals().size(), 1u) << out.str();
    EXPECT_EQ(ConsentStore("mytool").load(), Consent::denied);
}

TEST_F(Withdrawal, DenialInTheConsentFileStopsTheSenderBeforeItsNextRequest) {
    SlowServer server(300ms);
    const Config config = slow_endpoint_config(dir, server.url(), /*buffer_max=*/5);
    run_tool(config);
    wait_for_first_request(server);

    ConsentStore("mytool").save(Consent::denied);
    const auto denied_at = Clock::now();

    ASSERT_TRUE(delivery::wait_for_senders(dir.str(), Clock::now() + 10s)) << "the sender did not stop";
    EXPECT_EQ(requests_after(server, denied_at), 0u) << "a request left after consent was withdrawn";
    EXPECT_LT(server.arrivals().size(), 4u);
}

TEST_F(Withdrawal, ErasureByAnotherProcessStopsAnInProcessFlushAndItsBuffer) {
    SlowServer server(300ms);
    Config config = slow_endpoint_config(dir, server.url(), /*buffer_max=*/5);
    config.exit_delivery = ExitDelivery::in_process;  // a long-running service delivering itself
    auto service = Collector::open(config);
    for (int i = 0; i < 20; ++i) service->track_command("serve", i, 0);
    std::thread flusher([&] { service->flush(); });
    wait_for_first_request(server);

    CollectorOptions local;
    local.data_dir = dir.str();
    Collector(config, {}, local).drop();
    const auto dropped_at = Clock::now();
    flusher.join();

    EXPECT_EQ(requests_after(server, dropped_at), 0u);
    EXPECT_TRUE(spill_files(dir.path()).empty());
    EXPECT_TRUE(service->counters().adds_up());
    EXPECT_EQ(service->counters().spilled, 0u) << "the erased files stayed in the books";
    // Later events of a service whose user still consents go out again.
    service->track_command("after", 1, 0);
    FlushReport later = service->flush();
    EXPECT_EQ(later.events_sent, 1u) << later.summary();
    service->close();
    EXPECT_TRUE(service->counters().adds_up());
}

}  // namespace
}  // namespace overt::testing
