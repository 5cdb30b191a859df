// SPDX-License-Identifier: MIT
// A data dir on a full disk and on a read-only file system: nothing crashes, events that
// cannot be spilled are counted as dropped (spill_write_failed), nothing half-written stays.
#include "fault_support.hpp"

namespace overt::testing {
namespace {

using namespace std::chrono_literals;

size_t temp_files_in(const fs::path& dir) {
    size_t temps = 0;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (spill::is_temp_file_name(it->path().filename().string())) ++temps;
    return temps;
}

TEST(DiskFaults, FullDiskDropsWhatCannotBeSpilledAndCountsIt) {
    TmpfsMount disk("size=64k,mode=0700");
    ASSERT_TRUE(disk.ok()) << disk.error();
    auto sinks = make_sinks({"down"});
    sinks.logs[0]->fallback = retry_result("backend down");
    Config config = test_config(20);
    config.spill_max_files = 1000;
    config.spill_max_bytes = 1ull << 30;  // the disk, not the caps, is the limit here
    Collector collector(config, std::move(sinks.owned), granted(disk.path().string()));
    const Metadata padding{{"padding", std::string(400, 'p')}};
    for (int i = 0; i < 2000; ++i) collector.track(event_type::feature_used, "fill", padding);

    const Counters counters = collector.counters();
    EXPECT_TRUE(counters.adds_up()) << describe(counters);
    EXPECT_EQ(counters.tracked, 2000u);
    EXPECT_GT(counters.spilled, 0u) << "some spills fit before the disk filled";
    auto failed = counters.dropped.find(drop_reason::spill_write_failed);
    ASSERT_NE(failed, counters.dropped.end()) << "a full disk must show as spill_write_failed: " << describe(counters);
    EXPECT_GT(failed->second, 0u);
    // What the counters call spilled is really on disk, readable; no temp file is left behind.
    EXPECT_EQ(ids_on_disk(disk.path()).size(), counters.spilled);
    EXPECT_EQ(temp_files_in(disk.path()), 0u);

    // The backend comes back: every spilled event is delivered, the buffer too.
    auto log = std::make_shared<SinkLog>();
    std::vector<std::unique_ptr<Sink>> up;
    up.push_back(std::make_unique<FakeSink>("down", log));
    const auto on_disk = ids_on_disk(disk.path());
    collector.close();
    Collector later(config, std::move(up), granted(disk.path().string()));
    FlushReport report = later.flush(Clock::now() + 10s);
    EXPECT_EQ(report.corrupt_files, 0u);
    const auto delivered = ids_of(log->events());
    for (const auto& id : on_disk) EXPECT_TRUE(delivered.count(id)) << "spilled event lost: " << id;
    EXPECT_COUNTERS_ADD_UP(later);
}

TEST(DiskFaults, ReadOnlyDataDirNeverCrashesAndCountsEveryEvent) {
    TmpfsMount disk("size=1m,mode=0700");
    ASSERT_TRUE(disk.ok()) << disk.error();
    ASSERT_TRUE(disk.remount(/*read_only=*/true)) << std::strerror(errno);
    auto sinks = make_sinks({"down"});
    sinks.logs[0]->fallback = retry_result("backend down");
    Config config = test_config(10);
    config.exit_budget_ms = 100;
    {
        Collector collector(config, std::move(sinks.owned), granted(disk.path().string()));
        for (int i = 0; i < 95; ++i) collector.track_command("build", i, 0);
        Counters counters = collector.counters();
        EXPECT_TRUE(counters.adds_up()) << describe(counters);
        EXPECT_EQ(counters.spilled, 0u);
        EXPECT_EQ(counters.dropped[std::string(drop_reason::spill_write_failed)], 90u) << describe(counters);
        EXPECT_EQ(counters.buffered, 5u);
        FlushReport report = collector.close();
        counters = collector.counters();
        EXPECT_TRUE(counters.adds_up()) << describe(counters);
        EXPECT_EQ(counters.dropped_total(), 95u) << "unsendable and unspillable at exit: " << describe(counters);
        EXPECT_EQ(report.events_dropped, 5u);
    }
    EXPECT_TRUE(fs::is_empty(disk.path()));
}

}  // namespace
}  // namespace overt::testing
