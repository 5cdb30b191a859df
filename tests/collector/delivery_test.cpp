// SPDX-License-Identifier: MIT
// Delivery: seed items 4, 14, 16, 17, bug B3, fan-out, retries, delivery modes, exit budget.
#include "test_support.hpp"

#include "delivery/deliver.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <set>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

namespace overt::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kLegacyEvent =
    R"([{"timestamp":"2026-03-30T10:00:00Z","type":"command.invocation","name":"generate","machine_id":"m","tool_name":"mytool","version":"1.0.0","os":"linux","arch":"amd64","go_version":"go1.26.1","os_version":"6.8.0","duration_ms":142}])";

TEST(Delivery, FailingSinkGivesAFailureReportAndSpillsTheEvents) {  // seed 4, bug B3
    TempDir dir;
    auto sinks = make_sinks({"spy"});
    sinks.logs[0]->fallback = fatal_result("connection refused");
    Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
    collector.track_command("build", 5, 0);
    FlushReport report = collector.flush();
    EXPECT_FALSE(report.ok());
    ASSERT_EQ(report.sinks.size(), 1u);
    EXPECT_EQ(report.sinks[0].failed, 1u);
    EXPECT_TRUE(report.sinks[0].fatal);
    ASSERT_FALSE(report.sinks[0].messages.empty());
    EXPECT_EQ(report.sinks[0].messages[0], "connection refused");
    EXPECT_EQ(report.events_spilled, 1u);
    EXPECT_EQ(spill_files(dir.path()).size(), 1u);
    EXPECT_EQ(collector.counters().spilled, 1u);
    EXPECT_COUNTERS_ADD_UP(collector);

    // A later run re-delivers it and removes the file.
    auto later = make_sinks({"spy"});
    Collector next(test_config(), std::move(later.owned), granted(dir.str()));
    FlushReport second = next.flush();
    EXPECT_EQ(second.events_sent, 1u);
    ASSERT_EQ(later.logs[0]->events().size(), 1u);
    EXPECT_EQ(later.logs[0]->events()[0].name, "build");
    EXPECT_TRUE(spill_files(dir.path()).empty());
    EXPECT_EQ(next.counters().recovered, 1u);
    EXPECT_COUNTERS_ADD_UP(next);
}

TEST(Delivery, FlushSendsSpillFilesFirstThenTheBuffer) {  // seed 14
    TempDir dir;
    auto sinks = make_sinks({"spy"});
    Collector collector(test_config(2), std::move(sinks.owned), granted(dir.str()));
    collector.track(event_type::feature_used, "a");
    collector.track(event_type::feature_used, "b");  // spilled
    collector.track(event_type::feature_used, "c");  // buffered
    FlushReport report = collector.flush();
    EXPECT_TRUE(report.ok()) << report.summary();
    auto log = sinks.logs[0];
    EXPECT_EQ(log->batch_sizes, (std::vector<size_t>{2, 1}));
    auto events = log->events();
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].name, "a");
    EXPECT_EQ(events[2].name, "c");
    EXPECT_TRUE(spill_files(dir.path()).empty());
    EXPECT_EQ(collector.counters().sent, 3u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Delivery, AtLeastOnceDeletesALegacySpillFileAfterDelivery) {  // seed 16
    TempDir dir;
    write_file(dir.path() / "telemetry-spill-100.json", kLegacyEvent);
    auto sinks = make_sinks({"spy"});
    Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
    collector.flush();
    EXPECT_FALSE(fs::exists(dir.path() / "telemetry-spill-100.json"));
    auto events = sinks.logs[0]->events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].name, "generate");
    EXPECT_EQ(events[0].duration_ms, 142);
    EXPECT_EQ(events[0].origin->runtime_version, "go1.26.1");
    EXPECT_EQ(events[0].event_id.size(), 36u) << "seed events get an id when read";
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Delivery, AtMostOnceDeletesTheFileAndSendsOnce) {  // seed 17
    TempDir dir;
    write_file(dir.path() / "telemetry-spill-100.json", kLegacyEvent);
    auto sinks = make_sinks({"spy"});
    Config config = test_config();
    config.delivery_mode = DeliveryMode::at_most_once;
    Collector collector(config, std::move(sinks.owned), granted(dir.str()));
    collector.flush();
    EXPECT_FALSE(fs::exists(dir.path() / "telemetry-spill-100.json"));
    EXPECT_EQ(sinks.logs[0]->calls(), 1u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Delivery, AtMostOnceDropsFailuresInsteadOfRespilling) {
    TempDir dir;
    write_file(dir.path() / "telemetry-spill-100.json", kLegacyEvent);
    auto sinks = make_sinks({"spy"});
    sinks.logs[0]->fallback = fatal_result();
    Config config = test_config();
    config.delivery_mode = DeliveryMode::at_most_once;
    Collector collector(config, std::move(sinks.owned), granted(dir.str()));
    collector.track(event_type::feature_used, "x");
    FlushReport report = collector.flush();
    EXPECT_EQ(report.events_dropped, 2u);
    EXPECT_EQ(report.events_spilled, 0u);
    EXPECT_TRUE(spill_files(dir.path()).empty());
    EXPECT_EQ(collector.counters().dropped[std::string(drop_reason::at_most_once_failure)], 2u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Delivery, FanOutWithOneSinkFailingNeverResendsToTheOneThatAccepted) {
    TempDir dir;
    auto sinks = make_sinks({"good", "flaky"});
    sinks.logs[1]->fallback = retry_result("503");
    Config config = test_config();
    Collector first(config, std::move(sinks.owned), granted(dir.str()));
    for (int i = 0; i < 5; ++i) first.track(event_type::feature_used, std::to_string(i));
    FlushReport report = first.flush(Clock::now() + 300ms);
    EXPECT_EQ(report.sinks[0].sent, 5u);
    EXPECT_GE(report.sinks[1].retried, 1u);
    EXPECT_EQ(report.events_spilled, 5u);
    EXPECT_EQ(sinks.logs[0]->events().size(), 5u);
    auto files = spill_files(dir.path());
    ASSERT_EQ(files.size(), 1u);
    EXPECT_NE(read_file(dir.path() / files[0]).find(R"("pending":["flaky"])"), std::string::npos);
    EXPECT_COUNTERS_ADD_UP(first);
    first.close();

    // Next run: the flaky sink recovered; the good one must not see the events again.
    auto again = make_sinks({"good", "flaky"});
    Collector second(config, std::move(again.owned), granted(dir.str()));
    FlushReport next = second.flush();
    EXPECT_TRUE(next.ok()) << next.summary();
    EXPECT_EQ(again.logs[0]->calls(), 0u);
    auto delivered = again.logs[1]->events();
    EXPECT_EQ(ids_of(delivered), ids_of(sinks.logs[0]->events()));
    EXPECT_TRUE(spill_files(dir.path()).empty());
    EXPECT_COUNTERS_ADD_UP(second);
}

TEST(Delivery, RejectedEventsAreDroppedAndCounted) {
    TempDir dir;
    auto sinks = make_sinks({"strict"});
    sinks.logs[0]->script = {rejected_result("schema mismatch", 1)};
    Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
    for (int i = 0; i < 3; ++i) collector.track(event_type::feature_used, std::to_string(i));
    FlushReport report = collector.flush();
    EXPECT_EQ(report.events_sent, 1u);
    EXPECT_EQ(report.events_dropped, 2u);
    EXPECT_EQ(collector.counters().dropped[std::string(drop_reason::rejected)], 2u);
    EXPECT_TRUE(spill_files(dir.path()).empty());
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Delivery, RetryResumesAfterTheAcceptedPrefixWithoutDuplicates) {
    auto sinks = make_sinks({"partial"});
    sinks.logs[0]->script = {retry_result("slow down", 0, 2), retry_result("again", 0, 1)};
    Collector collector(test_config(), std::move(sinks.owned), granted(""));
    for (int i = 0; i < 5; ++i) collector.track(event_type::feature_used, std::to_string(i));
    FlushReport report = collector.flush();
    EXPECT_TRUE(report.ok()) << report.summary();
    EXPECT_EQ(sinks.logs[0]->batch_sizes, (std::vector<size_t>{5, 3, 2}));
    auto events = sinks.logs[0]->events();
    ASSERT_EQ(events.size(), 5u);
    EXPECT_EQ(ids_of(events).size(), 5u);
    EXPECT_EQ(report.sinks[0].retried, 2u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Delivery, RetryAfterIsHonoured) {
    auto sinks = make_sinks({"limited"});
    sinks.logs[0]->script = {retry_result("429", 250)};
    Collector collector(test_config(), std::move(sinks.owned), granted(""));
    collector.track(event_type::feature_used, "x");
    auto start = Clock::now();
    FlushReport report = collector.flush(Clock::now() + 3s);
    EXPECT_GE(Clock::now() - start, 250ms);
    EXPECT_TRUE(report.ok()) << report.summary();
    EXPECT_EQ(sinks.logs[0]->events().size(), 1u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Delivery, RetryAfterBeyondTheDeadlineSpillsInsteadOfWaiting) {
    TempDir dir;
    auto sinks = make_sinks({"limited"});
    sinks.logs[0]->fallback = retry_result("429", 60000);
    Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
    collector.track(event_type::feature_used, "x");
    auto start = Clock::now();
    FlushReport report = collector.flush(Clock::now() + 1s);
    EXPECT_LT(Clock::now() - start, 500ms);
    EXPECT_EQ(report.events_spilled, 1u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Delivery, CloseReturnsWithinBudgetAgainstASinkThatWaitsForItsDeadline) {
    TempDir dir;
    auto sinks = make_sinks({"blackhole"});
    sinks.logs[0]->behaviour = [](std::span<const Event>, Deadline deadline) {
        std::this_thread::sleep_until(deadline);  // a black-holed endpoint, bounded by the deadline
        return retry_result("timed out");
    };
    Config config = test_config();
    config.exit_budget_ms = 200;
    Collector collector(config, std::move(sinks.owned), granted(dir.str()));
    collector.track_command("build", 1, 0);
    auto start = Clock::now();
    FlushReport report = collector.close();
    auto took = Clock::now() - start;
    EXPECT_LT(took, 200ms + 150ms) << "close took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
    EXPECT_EQ(report.events_spilled, 1u);
    EXPECT_EQ(spill_files(dir.path()).size(), 1u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

// A sink that ignores its deadline: its send runs on a watchdog thread that close() stops
// waiting for, so the budget holds; the sink is abandoned (never called again nor destroyed
// under the running call) and what it held is spilled for a later run.
TEST(Delivery, CloseAgainstASinkIgnoringItsDeadlineStaysWithinBudgetAndSpills) {
    TempDir dir;
    auto sinks = make_sinks({"stubborn"});
    auto call_finished = std::make_shared<std::atomic<bool>>(false);
    sinks.logs[0]->behaviour = [call_finished](std::span<const Event>, Deadline) {
        std::this_thread::sleep_for(1000ms);
        call_finished->store(true);
        return SendResult::ok();
    };
    Config config = test_config();
    config.exit_budget_ms = 100;
    std::set<std::string> tracked;
    std::chrono::steady_clock::duration took{};
    {
        Collector collector(config, std::move(sinks.owned), granted(dir.str()));
        collector.track_command("build", 1, 0);
        collector.track_command("test", 2, 1);
        tracked = ids_of(collector.pending_events());
        auto start = Clock::now();
        FlushReport report = collector.close();
        took = Clock::now() - start;
        EXPECT_EQ(report.events_spilled, 2u) << report.summary();
        EXPECT_TRUE(report.sinks[0].fatal) << report.summary();
        EXPECT_EQ(collector.counters().spilled, 2u);
        EXPECT_COUNTERS_ADD_UP(collector);
    }  // destroying the collector must not destroy the sink still inside send()
    // The budget plus the spill write (fsync), with room for a loaded machine or a sanitizer.
    EXPECT_LT(took, 100ms + 250ms) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
    EXPECT_FALSE(call_finished->load());
    EXPECT_EQ(sinks.logs[0]->calls(), 1u);
    std::set<std::string> on_disk;
    for (const auto& name : spill_files(dir.path())) {
        auto document = nlohmann::json::parse(read_file(dir.path() / name));
        for (const auto& event : document["events"]) on_disk.insert(event["event_id"].get<std::string>());
    }
    EXPECT_EQ(on_disk, tracked);
    // Let the abandoned call end before the next test (it touches only what it owns).
    while (!call_finished->load()) std::this_thread::sleep_for(10ms);
    std::this_thread::sleep_for(20ms);
}

// The same in a plain flush(): the hung sink is skipped for the rest of the run while the
// others keep receiving, and its share stays owed on disk.
TEST(Delivery, HungSinkIsAbandonedForTheRunAndOthersStillReceive) {
    TempDir dir;
    auto sinks = make_sinks({"good", "hung"});
    auto release = std::make_shared<std::atomic<bool>>(false);
    auto returned = std::make_shared<std::atomic<bool>>(false);
    sinks.logs[1]->behaviour = [release, returned](std::span<const Event>, Deadline) {
        while (!release->load()) std::this_thread::sleep_for(5ms);
        returned->store(true);
        return SendResult::ok();
    };
    Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
    collector.track(event_type::feature_used, "a");
    auto start = Clock::now();
    FlushReport first = collector.flush(Clock::now() + 100ms);
    EXPECT_LT(Clock::now() - start, 100ms + 400ms);  // deadline + grace, not the hung call
    EXPECT_TRUE(first.sinks[1].fatal) << first.summary();
    EXPECT_EQ(first.events_spilled, 1u);
    collector.track(event_type::feature_used, "b");
    FlushReport second = collector.flush(Clock::now() + 100ms);
    EXPECT_EQ(sinks.logs[1]->calls(), 1u) << "an abandoned sink must not be called again";
    EXPECT_EQ(sinks.logs[0]->events().size(), 2u);
    EXPECT_EQ(ids_of(sinks.logs[0]->events()).size(), 2u) << "no duplicates to the sink that accepted";
    auto files = spill_files(dir.path());
    ASSERT_FALSE(files.empty());
    for (const auto& name : files) {
        auto document = nlohmann::json::parse(read_file(dir.path() / name));
        EXPECT_EQ(document["pending"], nlohmann::json::array({"hung"})) << name;
    }
    EXPECT_EQ(collector.counters().spilled, 2u);
    EXPECT_COUNTERS_ADD_UP(collector);
    release->store(true);
    while (!returned->load()) std::this_thread::sleep_for(5ms);
    std::this_thread::sleep_for(20ms);
}

TEST(Delivery, CloseIsIdempotentAndLaterTracksAreIgnored) {
    auto sinks = make_sinks({"spy"});
    Collector collector(test_config(), std::move(sinks.owned), granted(""));
    collector.track(event_type::feature_used, "x");
    FlushReport first = collector.close();
    EXPECT_EQ(first.events_sent, 1u);
    FlushReport second = collector.close();
    EXPECT_EQ(second.events_sent, 0u);
    collector.track(event_type::feature_used, "late");
    EXPECT_EQ(collector.counters().tracked, 1u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Delivery, DropCancelsQueuedRetriesAtOnce) {
    TempDir dir;
    auto sinks = make_sinks({"slow"});
    sinks.logs[0]->fallback = retry_result("busy", 10000);
    Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
    collector.track(event_type::feature_used, "x");
    auto start = Clock::now();
    std::thread flusher([&] { collector.flush(Clock::now() + 30s); });
    while (sinks.logs[0]->calls() == 0) std::this_thread::sleep_for(5ms);
    collector.drop();
    flusher.join();
    EXPECT_LT(Clock::now() - start, 2s);
    EXPECT_TRUE(spill_files(dir.path()).empty()) << "a dropped batch must not be re-spilled";
    EXPECT_EQ(collector.counters().dropped[std::string(drop_reason::consent_withdrawn)], 1u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Delivery, UnavailableBackendKeepsItsEventsOnDisk) {
    TempDir dir;
    auto sinks = make_sinks({"file"});
    CollectorOptions options = granted(dir.str());
    options.unavailable_sink_ids = {"otlp"};
    Collector collector(test_config(), std::move(sinks.owned), options);
    collector.track(event_type::feature_used, "x");
    FlushReport report = collector.flush();
    EXPECT_EQ(sinks.logs[0]->events().size(), 1u);
    EXPECT_EQ(report.events_spilled, 1u);
    auto files = spill_files(dir.path());
    ASSERT_EQ(files.size(), 1u);
    EXPECT_NE(read_file(dir.path() / files[0]).find(R"("pending":["otlp"])"), std::string::npos);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Delivery, SinkThrowingIsTreatedAsFatal) {
    TempDir dir;
    auto sinks = make_sinks({"thrower"});
    sinks.logs[0]->behaviour = [](std::span<const Event>, Deadline) -> SendResult {
        throw std::runtime_error("boom");
    };
    Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
    collector.track(event_type::feature_used, "x");
    FlushReport report = collector.flush();
    EXPECT_TRUE(report.sinks[0].fatal);
    EXPECT_NE(report.summary().find("boom"), std::string::npos);
    EXPECT_EQ(report.events_spilled, 1u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(Delivery, WithoutDataDirAFailedFlushKeepsEventsInMemoryUntilExit) {
    auto sinks = make_sinks({"down"});
    sinks.logs[0]->script = {fatal_result()};
    Collector collector(test_config(), std::move(sinks.owned), granted(""));
    collector.track(event_type::feature_used, "x");
    collector.flush();
    EXPECT_EQ(collector.counters().buffered, 1u);
    FlushReport at_exit = collector.close();
    EXPECT_EQ(at_exit.events_dropped, 1u);
    EXPECT_EQ(collector.counters().dropped[std::string(drop_reason::undeliverable_at_exit)], 1u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

// Full jitter: every delay lies in [0, min(cap, base * 2^attempt)] and they spread over it.
TEST(Delivery, BackoffIsExponentialWithFullJitterUnderTheCap) {
    delivery::RetryPolicy policy{100ms, 5000ms};
    for (unsigned attempt = 0; attempt < 12; ++attempt) {
        const int64_t ceiling = std::min<int64_t>(100ll << attempt, 5000);
        int64_t lowest = ceiling, highest = 0;
        for (int i = 0; i < 400; ++i) {
            int64_t delay = delivery::backoff_delay(policy, attempt).count();
            ASSERT_GE(delay, 0);
            ASSERT_LE(delay, ceiling) << "attempt " << attempt;
            lowest = std::min(lowest, delay);
            highest = std::max(highest, delay);
        }
        EXPECT_LT(lowest, ceiling / 4) << "attempt " << attempt << ": not jittered down to near zero";
        EXPECT_GT(highest, ceiling * 3 / 4) << "attempt " << attempt << ": not spread up to the ceiling";
    }
}

// Processes forked from one parent must not retry in lock-step: each draws its own jitter.
TEST(Delivery, ForkedProcessesDrawDifferentBackoffJitter) {
    delivery::RetryPolicy policy{100ms, 5000ms};
    delivery::backoff_delay(policy, 10);  // the parent's generator exists before the fork
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    int64_t delays[16];
    for (auto& delay : delays) delay = delivery::backoff_delay(policy, 10).count();
    if (child == 0) {
        const bool whole = ::write(fds[1], delays, sizeof delays) == static_cast<ssize_t>(sizeof delays);
        ::_exit(whole ? 0 : 1);
    }
    int64_t child_delays[16] = {};
    const ssize_t got = ::read(fds[0], child_delays, sizeof child_delays);
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(fds[0]);
    ::close(fds[1]);
    ASSERT_EQ(got, static_cast<ssize_t>(sizeof child_delays));
    EXPECT_FALSE(std::equal(std::begin(delays), std::end(delays), std::begin(child_delays)))
        << "parent and forked child drew the same 16 backoff delays";
}

// A receiver that keeps saying "retry" (429/5xx/connection refused): attempts continue with
// backoff while the deadline allows, none starts past it, and the events are spilled.
TEST(Delivery, PersistentRetryStopsAtTheDeadlineAndSpillsAtLeastOnce) {
    TempDir dir;
    auto sinks = make_sinks({"busy"});
    sinks.logs[0]->fallback = retry_result("503 Service Unavailable");
    Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
    collector.track(event_type::feature_used, "a");
    collector.track(event_type::feature_used, "b");
    auto start = Clock::now();
    FlushReport report = collector.flush(start + 700ms);
    auto took = Clock::now() - start;
    EXPECT_LE(took, 700ms + 250ms);
    EXPECT_GE(sinks.logs[0]->calls(), 2u) << "a retryable failure is retried within the deadline";
    EXPECT_EQ(report.sinks[0].retried, sinks.logs[0]->calls());
    EXPECT_EQ(report.events_spilled, 2u) << report.summary();
    EXPECT_EQ(report.events_dropped, 0u);
    EXPECT_EQ(spill_files(dir.path()).size(), 1u);
    EXPECT_EQ(collector.counters().spilled, 2u);
    EXPECT_COUNTERS_ADD_UP(collector);
    // The next run, with the receiver back, delivers them.
    sinks.logs[0]->fallback = SendResult::ok();
    FlushReport later = collector.flush();
    EXPECT_EQ(later.events_sent, 2u) << later.summary();
    EXPECT_TRUE(spill_files(dir.path()).empty());
    EXPECT_COUNTERS_ADD_UP(collector);
}

// Rejected (a 4xx other than 408/429) is final: no retry, dropped and counted, never spilled.
TEST(Delivery, RejectionIsNotRetried) {
    TempDir dir;
    auto sinks = make_sinks({"strict"});
    sinks.logs[0]->fallback = rejected_result("400 Bad Request: schema");
    Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
    collector.track(event_type::feature_used, "a");
    FlushReport report = collector.flush();
    EXPECT_EQ(sinks.logs[0]->calls(), 1u);
    EXPECT_EQ(report.sinks[0].retried, 0u);
    EXPECT_EQ(report.events_dropped, 1u);
    EXPECT_TRUE(spill_files(dir.path()).empty());
    ASSERT_FALSE(report.sinks[0].messages.empty());
    EXPECT_EQ(report.sinks[0].messages[0], "400 Bad Request: schema");
    EXPECT_COUNTERS_ADD_UP(collector);
}

// close() while another thread's flush is still sending with a long deadline: close() does
// not wait for it; what is buffered is spilled, and nothing is lost or counted twice.
TEST(Delivery, CloseDuringAnotherThreadsFlushStaysWithinBudget) {
    TempDir dir;
    auto sinks = make_sinks({"slow"});
    sinks.logs[0]->behaviour = [](std::span<const Event>, Deadline deadline) {
        std::this_thread::sleep_until(deadline);  // honours its deadline, which is far off
        return retry_result("timed out");
    };
    Config config = test_config();
    config.exit_budget_ms = 150;
    Collector collector(config, std::move(sinks.owned), granted(dir.str()));
    collector.track(event_type::feature_used, "in the slow flush");
    std::thread flusher([&] { collector.flush(Clock::now() + 1000ms); });
    while (sinks.logs[0]->calls() == 0) std::this_thread::sleep_for(1ms);
    collector.track(event_type::feature_used, "buffered at close");
    auto start = Clock::now();
    FlushReport report = collector.close();
    auto took = Clock::now() - start;
    EXPECT_LT(took, 150ms + 250ms) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
    EXPECT_EQ(report.events_spilled, 1u) << report.summary();
    flusher.join();
    Counters counters = collector.counters();
    EXPECT_EQ(counters.tracked, 2u);
    EXPECT_EQ(counters.spilled, 2u) << describe(counters);
    EXPECT_COUNTERS_ADD_UP(collector);
    std::set<std::string> names;
    for (const auto& file : spill_files(dir.path())) {
        auto document = nlohmann::json::parse(read_file(dir.path() / file));
        for (const auto& event : document["events"]) names.insert(event["name"].get<std::string>());
    }
    EXPECT_EQ(names, (std::set<std::string>{"in the slow flush", "buffered at close"}));
}

}  // namespace
}  // namespace overt::testing
