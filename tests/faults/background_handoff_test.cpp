// SPDX-License-Identifier: MIT
// exit_delivery: background — close() spills and returns at once; a detached helper process
// delivers the spill files with the normal rules, however slow the endpoint.
#include "fault_support.hpp"

namespace overt::testing {
namespace {

using namespace std::chrono_literals;

TEST(BackgroundHandoff, CloseReturnsAtOnceAndAHelperDeliversEverything) {
    TempDir dir;
    const fs::path delivered = dir.path() / "delivered.log";
    Config config = test_config();
    config.exit_delivery = ExitDelivery::background;
    config.flush_timeout_ms = 10000;
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::make_unique<AppendSink>("log", delivered, 3s));  // a very slow endpoint
    Collector collector(config, std::move(sinks), granted(dir.str()));
    for (int i = 0; i < 20; ++i) collector.track_command("build", i, 0);
    const auto tracked = ids_of(collector.pending_events());

    const auto start = Clock::now();
    FlushReport report = collector.close();
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    // Milliseconds on a quiet machine (one spill write, two forks); the bound only has to tell
    // "did not wait for the 3 s send" apart on a loaded CI machine.
    EXPECT_LT(took.count(), 1500) << "close() waited for the slow endpoint";
    EXPECT_EQ(report.events_spilled, 20u);
    const Counters counters = collector.counters();
    EXPECT_TRUE(counters.adds_up()) << describe(counters);
    EXPECT_EQ(counters.spilled, 20u) << describe(counters);

    ASSERT_TRUE(eventually([&] { return spill_files(dir.path()).empty(); }, 20s))
        << "the helper did not deliver the spill files";
    std::set<std::string> seen;
    for (const auto& [id, times] : count_lines(delivered)) seen.insert(id);
    EXPECT_EQ(seen, tracked);
    EXPECT_TRUE(eventually([&] { return read_persisted_counters(dir.str()).sent == 20u; }, 5s))
        << "the helper's sends should reach counters.json";
}

TEST(BackgroundHandoff, TheHelperAppliesTheSpillCapsAndKeepsTheExitSpill) {
    TempDir dir;
    auto sinks = make_sinks({"down"});
    sinks.logs[0]->fallback = fatal_result("backend down");  // nothing is ever sent
    {
        // An earlier run leaves three spill files.
        Config config = test_config();
        config.spill_max_files = 100;
        std::vector<std::unique_ptr<Sink>> owned;
        owned.push_back(std::make_unique<FakeSink>("down", sinks.logs[0]));
        Collector earlier(config, std::move(owned), granted(dir.str()));
        for (int i = 0; i < 3; ++i) {
            earlier.track_command("earlier", i, 0);
            earlier.flush();
        }
        earlier.close();
    }
    ASSERT_EQ(spill_files(dir.path()).size(), 3u);

    // close() writes the exit spill without applying the caps; the helper applies them.
    Config config = test_config();
    config.exit_delivery = ExitDelivery::background;
    config.spill_max_files = 2;
    config.flush_timeout_ms = 500;
    Collector collector(config, std::move(sinks.owned), granted(dir.str()));
    collector.track_command("build", 1, 0);
    std::vector<std::string> oldest_first;  // the earlier run's three, then this one's event
    for (const auto& event : collector.pending_events()) oldest_first.push_back(event.event_id.str());
    ASSERT_EQ(oldest_first.size(), 4u);
    EXPECT_EQ(collector.close().events_spilled, 1u);

    ASSERT_TRUE(eventually([&] { return spill_files(dir.path()).size() <= 2; }, 10s))
        << "the helper did not apply spill_max_files";
    // The oldest files go first: the newest earlier file and the exit spill are left.
    spill::SpillStore store(dir.path(), config.tool_name);
    std::set<std::string> kept;
    for (const auto& name : store.list()) {
        spill::SpillContent content;
        std::string error;
        ASSERT_TRUE(store.peek(name, content, error)) << name << ": " << error;
        for (const auto& event : content.events) kept.insert(event.event_id.str());
    }
    EXPECT_EQ(kept, (std::set<std::string>{oldest_first[2], oldest_first[3]}));
}

TEST(BackgroundHandoff, WithoutADataDirCloseDeliversInProcess) {
    Config config = test_config();
    config.exit_delivery = ExitDelivery::background;
    auto sinks = make_sinks({"spy"});
    Collector collector(config, std::move(sinks.owned), granted(""));
    for (int i = 0; i < 5; ++i) collector.track_command("build", i, 0);
    FlushReport report = collector.close();
    EXPECT_EQ(report.events_sent, 5u);
    EXPECT_EQ(sinks.logs[0]->events().size(), 5u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(BackgroundHandoff, NothingPendingStartsNoHelperAndLeavesNoFiles) {
    TempDir dir;
    Config config = test_config();
    config.exit_delivery = ExitDelivery::background;
    auto sinks = make_sinks({"spy"});
    Collector collector(config, std::move(sinks.owned), granted(dir.str()));
    FlushReport report = collector.close();
    EXPECT_EQ(report.events_spilled, 0u);
    EXPECT_TRUE(spill_files(dir.path()).empty());
    EXPECT_EQ(sinks.logs[0]->calls(), 0u);
}

}  // namespace
}  // namespace overt::testing
