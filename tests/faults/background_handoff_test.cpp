// exit_delivery: background — close() spills and returns at once; a detached helper process
// delivers the spill files with the normal rules, however slow the endpoint.
#include "fault_support.hpp"

namespace overt::testing {
namespace {

using namespace std::chrono_literals;

template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds limit) {
    const auto until = Clock::now() + limit;
    while (Clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return done();
}

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
