// SPDX-License-Identifier: MIT
// Recording: seed conformance items 1-3, 5-13, 15 and bugs B1, B2, B6, B7.
#include "collector/collector_impl.hpp"
#include "test_support.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace overt::testing {
namespace {

using nlohmann::json;

TEST(Collector, DisabledCollectorRecordsNothingAndNeverCallsTheSink) {  // seed 1, bug B1
    TempDir dir;
    auto sinks = make_sinks({"spy"});
    CollectorOptions options = granted(dir.str());
    options.consent_granted = false;
    Collector collector(test_config(2), std::move(sinks.owned), options);
    for (int i = 0; i < 50; ++i) collector.track(event_type::feature_used, "x");
    FlushReport report = collector.flush();
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(sinks.logs[0]->calls(), 0u);
    EXPECT_EQ(collector.counters().tracked, 0u);
    EXPECT_EQ(collector.counters().buffered, 0u);
    EXPECT_TRUE(fs::is_empty(dir.path())) << "a disabled collector must create no files";
    EXPECT_EQ(collector.backend_info(), "noop (disabled)");
    EXPECT_FALSE(collector.enabled());
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Collector, TrackDeliversOneEventWithMergedMetadata) {  // seed 2
    auto sinks = make_sinks({"spy"});
    Config config = test_config();
    config.metadata = {{"env", "test"}};
    Collector collector(config, std::move(sinks.owned), granted(""));
    collector.track(event_type::command_invocation, "generate", {{"flag", "verbose"}});
    collector.flush();
    ASSERT_EQ(sinks.logs[0]->calls(), 1u);
    auto events = sinks.logs[0]->events();
    ASSERT_EQ(events.size(), 1u);
    const Event& event = events[0];
    EXPECT_EQ(event.type, "command.invocation");
    EXPECT_EQ(event.name, "generate");
    EXPECT_EQ(event.origin->tool_name, "mytool");
    EXPECT_EQ(event.origin->version, "2.0.0");
    EXPECT_EQ(event.origin->machine_id, "0123456789abcdef");
    ASSERT_TRUE(event.metadata);
    Metadata expected{{"env", "test"}, {"flag", "verbose"}};
    EXPECT_EQ(*event.metadata, expected);
    EXPECT_EQ(event.event_id.size(), 36u);
    EXPECT_EQ(event.event_id.view()[14], '4');
    EXPECT_EQ(collector.counters().sent, 1u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Collector, OriginUsesGoSpellingAndTheCompiler) {
    Collector collector(test_config(), {}, granted(""));
    auto origin = collector.origin();
    ASSERT_TRUE(origin);
#if defined(__x86_64__)
    EXPECT_EQ(origin->arch, "amd64");
#elif defined(__aarch64__)
    EXPECT_EQ(origin->arch, "arm64");
#endif
    EXPECT_EQ(origin->os, "linux");
    EXPECT_TRUE(origin->runtime_version.starts_with("gcc ") || origin->runtime_version.starts_with("clang "))
        << origin->runtime_version;
    EXPECT_FALSE(origin->os_version.empty());
    EXPECT_EQ(origin->os_version.find(' '), std::string::npos) << origin->os_version;
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Collector, EmptyFlushSendsNothing) {  // seed 3
    auto sinks = make_sinks({"spy"});
    Collector collector(test_config(), std::move(sinks.owned), granted(""));
    FlushReport report = collector.flush();
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(sinks.logs[0]->calls(), 0u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Collector, HundredConcurrentTracksFromFourThreadsAllArrive) {  // seed 5
    TempDir dir;
    auto sinks = make_sinks({"spy"});
    Config config = test_config(7);  // spills along the way: 14 files
    config.spill_max_files = 100;    // the default cap (10) would rightly drop the oldest 28
    Collector collector(config, std::move(sinks.owned), granted(dir.str()));
    std::vector<std::thread> threads;
    std::atomic<bool> stop{false};
    std::thread observer([&] {
        while (!stop) {
            EXPECT_COUNTERS_ADD_UP(collector);
            (void)collector.backend_info();  // B6: read while others write
        }
    });
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) collector.track_command("cmd" + std::to_string(t), i, 0);
        });
    for (auto& thread : threads) thread.join();
    stop = true;
    observer.join();
    EXPECT_EQ(collector.counters().tracked, 100u);
    collector.flush();
    auto events = sinks.logs[0]->events();
    EXPECT_EQ(events.size(), 100u);
    EXPECT_EQ(ids_of(events).size(), 100u);
    EXPECT_EQ(collector.counters().sent, 100u);
    EXPECT_TRUE(spill_files(dir.path()).empty());
    EXPECT_COUNTERS_ADD_UP(collector);
}

// Threads spilling at once each enforce the caps; they must not each remove the same excess.
TEST(Collector, ConcurrentSpillsPastTheCapDropExactlyTheExcess) {
    TempDir dir;
    auto sinks = make_sinks({"spy"});
    Config config = test_config(5);  // 100 events: 20 files of 5
    config.spill_max_files = 10;
    Collector collector(config, std::move(sinks.owned), granted(dir.str()));
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 25; ++i) collector.track_command("cmd", i, 0);
        });
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(spill_files(dir.path()).size(), 10u);
    Counters counters = collector.counters();
    EXPECT_EQ(counters.spilled, 50u);
    EXPECT_EQ(counters.dropped[std::string(drop_reason::spill_cap)], 50u);
    EXPECT_COUNTERS_ADD_UP(collector);
    FlushReport report = collector.flush();
    EXPECT_EQ(report.events_sent, 50u);
    EXPECT_EQ(ids_of(sinks.logs[0]->events()).size(), 50u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

// Threads stage their events in shards of their own before the shared buffer: a flush from
// another thread still gets everything tracked, each thread's events in the order it tracked
// them, and the books add up while it runs.
TEST(Collector, StagedEventsKeepEachThreadsOrderThroughConcurrentFlushes) {
    auto sinks = make_sinks({"spy"});
    Collector collector(test_config(100000), std::move(sinks.owned), granted(""));
    constexpr int kThreads = 4;
    constexpr int kPerThread = 2000;
    std::atomic<bool> stop{false};
    std::thread flusher([&] {
        while (!stop) {
            collector.flush();
            EXPECT_COUNTERS_ADD_UP(collector);
        }
    });
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 1; i <= kPerThread; ++i) collector.track_command("thread" + std::to_string(t), i, 0);
        });
    for (auto& thread : threads) thread.join();
    stop = true;
    flusher.join();
    collector.flush();
    const auto events = sinks.logs[0]->events();
    ASSERT_EQ(events.size(), size_t{kThreads * kPerThread});
    std::map<std::string, int64_t> last_of_thread;
    for (const Event& event : events) {
        EXPECT_GT(event.duration_ms, last_of_thread[event.name]) << event.name << ": out of its thread's order";
        last_of_thread[event.name] = event.duration_ms;
    }
    EXPECT_EQ(collector.counters().sent, uint64_t{kThreads * kPerThread});
    EXPECT_COUNTERS_ADD_UP(collector);
}

// Without a data dir a full buffer is a ring: with threads staging, the oldest still give way,
// each counted, and what is kept is the newest of every thread in its order.
TEST(Collector, StagedEventsFromManyThreadsRingAndAddUp) {
    Collector collector(test_config(50), {}, granted(""));
    constexpr int kThreads = 4;
    constexpr int kPerThread = 1000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 1; i <= kPerThread; ++i) collector.track_command("thread" + std::to_string(t), i, 0);
        });
    for (auto& thread : threads) thread.join();
    const auto events = collector.pending_events();
    ASSERT_EQ(events.size(), 50u);
    std::map<std::string, int64_t> last_of_thread;
    for (const Event& event : events) {
        EXPECT_GT(event.duration_ms, last_of_thread[event.name]) << event.name;
        last_of_thread[event.name] = event.duration_ms;
    }
    const Counters counters = collector.counters();
    EXPECT_EQ(counters.tracked, uint64_t{kThreads * kPerThread});
    EXPECT_EQ(counters.buffered, 50u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Collector, EventJsonDoesNotContainTheHostname) {  // seed 6
    char host[256] = {};
    ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
    auto sinks = make_sinks({"spy"});
    Collector collector(test_config(), std::move(sinks.owned), granted(""));
    collector.track_command("build", 12, 0);
    collector.flush();
    auto events = sinks.logs[0]->events();
    ASSERT_EQ(events.size(), 1u);
    if (std::string(host).size() > 2) {
        EXPECT_EQ(to_json(events[0]).find(host), std::string::npos);
    }
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Collector, DropErasesBufferSpillFilesAndCorruptDir) {  // seed 7
    TempDir dir;
    auto sinks = make_sinks({"spy"});
    Collector collector(test_config(2), std::move(sinks.owned), granted(dir.str()));
    collector.track(event_type::feature_used, "a");
    collector.track(event_type::feature_used, "b");  // spills
    collector.track(event_type::feature_used, "c");
    EXPECT_EQ(spill_files(dir.path()).size(), 1u);
    fs::create_directory(dir.path() / "corrupt");
    write_file(dir.path() / "corrupt" / "telemetry-spill-1.json", "{");
    collector.drop();
    EXPECT_TRUE(spill_files(dir.path()).empty());
    EXPECT_FALSE(fs::exists(dir.path() / "corrupt"));
    Counters counters = collector.counters();
    EXPECT_EQ(counters.buffered, 0u);
    EXPECT_EQ(counters.spilled, 0u);
    EXPECT_EQ(counters.dropped[std::string(drop_reason::consent_withdrawn)], 3u);
    collector.flush();
    EXPECT_EQ(sinks.logs[0]->calls(), 0u);
    // Tracking still works afterwards.
    collector.track(event_type::feature_used, "d");
    collector.flush();
    ASSERT_EQ(sinks.logs[0]->events().size(), 1u);
    EXPECT_EQ(sinks.logs[0]->events()[0].name, "d");
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Collector, DropOnDisabledCollectorStillErasesOldSpillFiles) {
    TempDir dir;
    write_file(dir.path() / "telemetry-spill-1-1-0.json", "[]");
    CollectorOptions options = granted(dir.str());
    options.consent_granted = false;
    Collector collector(test_config(), {}, options);
    collector.drop();
    EXPECT_TRUE(spill_files(dir.path()).empty());
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Collector, ExtraMetadataOverridesBase) {  // seed 8
    auto sinks = make_sinks({"spy"});
    Config config = test_config();
    config.metadata = {{"env", "base"}, {"keep", "1"}};
    Collector collector(config, std::move(sinks.owned), granted(""));
    collector.track(event_type::feature_used, "x", {{"env", "override"}});
    collector.track(event_type::feature_used, "y");
    collector.flush();
    auto events = sinks.logs[0]->events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(*events[0].metadata, (Metadata{{"env", "override"}, {"keep", "1"}}));
    EXPECT_EQ(*events[1].metadata, (Metadata{{"env", "base"}, {"keep", "1"}}));
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Collector, EventsWithoutExtraShareTheBaseMetadata) {
    auto sinks = make_sinks({"spy"});
    Config config = test_config();
    config.metadata = {{"env", "base"}};
    Collector collector(config, std::move(sinks.owned), granted(""));
    collector.track(event_type::feature_used, "x");
    collector.track(event_type::feature_used, "y");
    collector.flush();
    auto events = sinks.logs[0]->events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].metadata.get(), events[1].metadata.get());
    EXPECT_EQ(events[0].origin.get(), events[1].origin.get());
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Collector, ExtendedCollectionRecordsArgsAndError) {  // seed 9
    auto sinks = make_sinks({"spy"});
    Config config = test_config();
    config.extended_collection = true;
    Collector collector(config, std::move(sinks.owned), granted(""));
    std::vector<std::string> args{"--name", "myapp"};
    collector.track_command_extended("generate", args, 500, 1, "missing template");
    collector.flush();
    auto events = sinks.logs[0]->events();
    ASSERT_EQ(events.size(), 1u);
    ASSERT_EQ(events[0].args().size(), 2u);
    EXPECT_EQ(events[0].args()[0], "--name");
    EXPECT_EQ(events[0].args()[1], "myapp");
    EXPECT_EQ(events[0].error(), "missing template");
    EXPECT_EQ(events[0].duration_ms, 500);
    EXPECT_EQ(events[0].exit_code, 1);
    EXPECT_COUNTERS_ADD_UP(collector);
}

// A thread's next event is built in the slot its last one was moved out of: nothing of the
// last one (its args, error, duration, exit code, metadata) may show in an event that does
// not set it.
TEST(Collector, AnEventBuiltWhereAnEarlierOneWasStagedCarriesNothingOfIt) {
    auto sinks = make_sinks({"spy"});
    Config config = test_config();
    config.extended_collection = true;
    Collector collector(config, std::move(sinks.owned), granted(""));
    std::vector<std::string> args{"--name", "myapp"};
    for (int round = 0; round < 3; ++round) {  // past a staged run (64 events) as well
        for (int i = 0; i < 70; ++i)
            collector.track_command_extended("generate", args, 500, 1, "missing template", {{"k", "v"}});
        collector.flush();
        for (int i = 0; i < 70; ++i) collector.track("feature.used", "export");
        collector.flush();
    }
    auto events = sinks.logs[0]->events();
    ASSERT_EQ(events.size(), 3u * 140u);
    for (size_t i = 0; i < events.size(); ++i) {
        const bool command = (i / 70) % 2 == 0;
        SCOPED_TRACE("event " + std::to_string(i));
        EXPECT_EQ(events[i].name, command ? "generate" : "export");
        EXPECT_EQ(events[i].type, command ? "command.invocation" : "feature.used");
        EXPECT_EQ(events[i].duration_ms, command ? 500 : 0);
        EXPECT_EQ(events[i].exit_code, command ? 1 : 0);
        EXPECT_EQ(events[i].args().size(), command ? 2u : 0u);
        EXPECT_EQ(events[i].error(), command ? "missing template" : "");
        const bool has_k = events[i].metadata && std::any_of(events[i].metadata->begin(), events[i].metadata->end(),
                                                             [](const auto& entry) { return entry.first == "k"; });
        EXPECT_EQ(has_k, command);
    }
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Collector, ExtendedArgsAndErrorAreRedacted) {  // seed 10
    auto sinks = make_sinks({"spy"});
    Config config = test_config();
    config.extended_collection = true;
    Collector collector(config, std::move(sinks.owned), granted(""));
    std::vector<std::string> args{"--api-token=sk-abc123def456ghi789jkl012mno345pqr678", "--name", "myapp"};
    collector.track_command_extended("deploy", args, 10, 2, "failed POST https://user:hunter2@api.example.co/v1: 401");
    collector.flush();
    auto events = sinks.logs[0]->events();
    ASSERT_EQ(events.size(), 1u);
    std::string text = to_json(events[0]);
    EXPECT_EQ(text.find("sk-abc123def456ghi789jkl012mno345pqr678"), std::string::npos) << text;
    EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
    EXPECT_EQ(text.find("user:hunter2"), std::string::npos) << text;
    EXPECT_EQ(events[0].args()[1], "--name");
    EXPECT_EQ(events[0].args()[2], "myapp");
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Collector, WithoutExtendedCollectionArgsAndErrorAreDiscarded) {  // seed 11
    auto sinks = make_sinks({"spy"});
    Collector collector(test_config(), std::move(sinks.owned), granted(""));
    std::vector<std::string> args{"--name", "myapp"};
    collector.track_command_extended("generate", args, 500, 1, "missing template");
    collector.flush();
    auto events = sinks.logs[0]->events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_TRUE(events[0].args().empty());
    EXPECT_TRUE(events[0].error().empty());
    EXPECT_EQ(events[0].duration_ms, 500);
    EXPECT_EQ(events[0].exit_code, 1);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Collector, MetadataValuesAreRedacted) {  // bug B7
    auto sinks = make_sinks({"spy"});
    Config config = test_config();
    config.metadata = {{"base_url", "https://admin:basepw@example.co/x"}};
    Collector collector(config, std::move(sinks.owned), granted(""));
    collector.track(event_type::feature_used, "x",
                    {{"url", "https://user:s3cret@api.example.co/v1"}, {"q", "token=glpat-abcdef1234567890abcdef"}});
    collector.flush();
    auto events = sinks.logs[0]->events();
    ASSERT_EQ(events.size(), 1u);
    std::string text = to_json(events[0]);
    EXPECT_EQ(text.find("s3cret"), std::string::npos) << text;
    EXPECT_EQ(text.find("glpat-abcdef"), std::string::npos) << text;
    EXPECT_EQ(text.find("basepw"), std::string::npos) << text;
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Collector, FullBufferSpillsOneFileOfThreeEvents) {  // seed 13
    TempDir dir;
    Collector collector(test_config(3), {}, granted(dir.str()));
    for (const char* name : {"a", "b", "c"}) collector.track(event_type::feature_used, name);
    auto files = spill_files(dir.path());
    ASSERT_EQ(files.size(), 1u);
    EXPECT_EQ(collector.counters().buffered, 0u);
    EXPECT_EQ(collector.counters().spilled, 3u);
    json document = json::parse(read_file(dir.path() / files[0]));
    EXPECT_EQ(document["overt_spill"], 1);
    EXPECT_EQ(document["tool"], "mytool");
    EXPECT_TRUE(document["pending"].is_array());
    ASSERT_EQ(document["events"].size(), 3u);
    EXPECT_EQ(document["events"][2]["name"], "c");
    EXPECT_EQ((fs::status(dir.path() / files[0]).permissions() & fs::perms::all),
              fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Collector, WithoutDataDirTheBufferStaysBoundedAndCountsDrops) {  // bug B2
    Collector collector(test_config(10), {}, granted(""));
    for (int i = 0; i < 100; ++i) collector.track(event_type::feature_used, std::to_string(i));
    Counters counters = collector.counters();
    EXPECT_LE(counters.buffered, 10u);
    EXPECT_EQ(counters.dropped[std::string(drop_reason::no_data_dir_overflow)], 90u);
    auto pending = collector.pending_events();
    ASSERT_EQ(pending.size(), 10u);
    for (size_t i = 0; i < pending.size(); ++i)
        EXPECT_EQ(pending[i].name, std::to_string(90 + i)) << "the oldest are dropped, the newest kept, in order";
    EXPECT_COUNTERS_ADD_UP(collector);
}

// The full buffer without a data dir keeps age order however far it wraps, up to delivery.
TEST(Collector, WithoutDataDirWrappedBufferIsDeliveredOldestFirst) {
    auto sinks = make_sinks({"spy"});
    Collector collector(test_config(7), std::move(sinks.owned), granted(""));
    for (int i = 0; i < 23; ++i) collector.track(event_type::feature_used, std::to_string(i));
    (void)collector.pending_events();  // settles mid-way
    for (int i = 23; i < 40; ++i) collector.track(event_type::feature_used, std::to_string(i));
    EXPECT_COUNTERS_ADD_UP(collector);
    FlushReport report = collector.flush();
    EXPECT_EQ(report.events_sent, 7u) << report.summary();
    auto events = sinks.logs[0]->events();
    ASSERT_EQ(events.size(), 7u);
    for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].name, std::to_string(33 + i));
    Counters counters = collector.counters();
    EXPECT_EQ(counters.dropped[std::string(drop_reason::no_data_dir_overflow)], 33u);
    EXPECT_EQ(counters.sent, 7u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Collector, BackendInfoJoinsEverySinkAndIsRaceFree) {  // bug B6
    auto sinks = make_sinks({"a", "b"});
    CollectorOptions options = granted("");
    options.unavailable_sink_ids = {"otlp"};
    options.unavailable_sink_info = {"otlp (unavailable: no such plugin)"};
    Collector collector(test_config(), std::move(sinks.owned), options);
    std::vector<std::thread> readers;
    for (int t = 0; t < 4; ++t)
        readers.emplace_back([&] {
            for (int i = 0; i < 200; ++i) EXPECT_FALSE(collector.backend_info().empty());
        });
    for (auto& reader : readers) reader.join();
    EXPECT_EQ(collector.backend_info(), "fake (a), fake (b), otlp (unavailable: no such plugin)");
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Collector, CountersArePersistedAcrossRuns) {
    TempDir dir;
    for (int run = 0; run < 2; ++run) {
        auto sinks = make_sinks({"spy"});
        Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
        collector.track(event_type::feature_used, "x");
        collector.track(event_type::feature_used, "y");
        collector.close();
        EXPECT_COUNTERS_ADD_UP(collector);
    }
    PersistedCounters persisted = read_persisted_counters(dir.str());
    EXPECT_EQ(persisted.tracked, 4u);
    EXPECT_EQ(persisted.sent, 4u);
}

TEST(Collector, CorruptCountersFileIsReportedWithItsName) {
    TempDir dir;
    write_file(dir.path() / "counters.json", "{not json");
    try {
        read_persisted_counters(dir.str());
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("counters.json"), std::string::npos) << e.what();
    }
}

// Threads that record take a staging shard of their own while they live. Handed out round-robin
// at first use, the 16th short-lived thread started beside a long-lived one landed on its shard.
TEST(CollectorShards, LiveThreadsHoldShardsOfTheirOwnAndAnEndedThreadGivesItsShardBack) {
    using Impl = std::remove_reference_t<decltype(detail::CollectorAccess::impl(std::declval<Collector&>()))>;
    std::atomic<size_t> long_lived_shard{Impl::kStagingShards};
    std::atomic<bool> stop{false};
    std::thread long_lived([&] {
        long_lived_shard = Impl::this_thread_shard();
        while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
    while (long_lived_shard == Impl::kStagingShards) std::this_thread::yield();
    for (int i = 0; i < 3 * static_cast<int>(Impl::kStagingShards); ++i) {
        size_t shard = Impl::kStagingShards;
        std::thread([&shard] { shard = Impl::this_thread_shard(); }).join();
        EXPECT_NE(shard, long_lived_shard.load()) << "short-lived thread " << i;
    }
    // As many live threads as there are shards (the long-lived one among them) hold them all.
    std::vector<size_t> shards(Impl::kStagingShards - 1, Impl::kStagingShards);
    std::atomic<size_t> ready{0};
    std::vector<std::thread> threads;
    for (size_t i = 0; i < shards.size(); ++i)
        threads.emplace_back([&, i] {
            shards[i] = Impl::this_thread_shard();
            ++ready;
            while (ready < shards.size()) std::this_thread::yield();
        });
    for (auto& thread : threads) thread.join();
    stop = true;
    long_lived.join();
    shards.push_back(long_lived_shard);
    std::sort(shards.begin(), shards.end());
    EXPECT_EQ(std::unique(shards.begin(), shards.end()), shards.end()) << "two live threads on one shard";
}

}  // namespace
}  // namespace overt::testing
