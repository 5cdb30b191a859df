// SPDX-License-Identifier: MIT
// A process SIGKILLed at random points while it spills and while it sends. Whatever is in a
// spill file when it dies (the collector's durable custody) is delivered by the next run at
// least once; no half-written file is ever read; no temp file outlives a later flush.
#include "fault_support.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <random>

namespace overt::testing {
namespace {

using namespace std::chrono_literals;

Config roomy_config(size_t buffer) {
    Config config = test_config(buffer);
    config.spill_max_files = 100000;
    config.spill_max_bytes = 1ull << 40;
    return config;
}

// The child tracks forever; with `flush_every` > 0 it also flushes to the slow append sink,
// so the kill lands inside spill writes and inside sends.
[[noreturn]] void run_child(const fs::path& dir, const fs::path& delivered, int flush_every) {
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::make_unique<AppendSink>("log", delivered, 2ms));
    Collector collector(roomy_config(5), std::move(sinks), granted(dir.string()));
    for (int n = 1;; ++n) {
        collector.track_command("build", n, 0);
        if (flush_every && n % flush_every == 0) collector.flush(Clock::now() + 2s);
    }
}

struct KillRound {
    std::set<std::string> on_disk_at_kill;
    std::map<std::string, int> delivered;
    uint64_t corrupt_files = 0;
    bool counters_add_up = false;
    bool temps_left = false;
};

KillRound kill_and_recover(const fs::path& dir, int flush_every, std::chrono::microseconds kill_after) {
    const fs::path delivered = dir / "delivered.log";
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) run_child(dir, delivered, flush_every);
    // The random moment counts from the child's first spill (a loaded machine may take long to
    // get there), so every round kills a process that is really spilling or sending.
    const auto give_up = Clock::now() + 10s;
    while (spill_files(dir).empty() && Clock::now() < give_up) std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(kill_after);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);

    KillRound round;
    round.on_disk_at_kill = ids_on_disk(dir);
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::make_unique<AppendSink>("log", delivered));
    Collector recovery(roomy_config(1000), std::move(sinks), granted(dir.string()));
    FlushReport report = recovery.flush(Clock::now() + 30s);
    round.corrupt_files = report.corrupt_files;
    round.counters_add_up = recovery.counters().adds_up();
    round.delivered = count_lines(delivered);
    for (const auto& entry : fs::directory_iterator(dir))
        if (spill::is_temp_file_name(entry.path().filename().string())) round.temps_left = true;
    return round;
}

void kill_in_a_loop(int flush_every, int rounds) {
    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> delay_us(0, 30'000);
    size_t duplicates = 0, checked = 0;
    for (int i = 0; i < rounds; ++i) {
        TempDir dir;
        const auto kill_after = std::chrono::microseconds(delay_us(rng));
        KillRound round = kill_and_recover(dir.path(), flush_every, kill_after);
        const std::string where = "round " + std::to_string(i) + ", killed " +
                                  std::to_string(kill_after.count()) + " us after its first spill";
        EXPECT_EQ(round.corrupt_files, 0u) << where << ": a killed writer must not leave a readable half file";
        EXPECT_TRUE(round.counters_add_up) << where;
        EXPECT_FALSE(round.temps_left) << where << ": the dead writer's temp file should be removed";
        for (const auto& id : round.on_disk_at_kill) {
            auto seen = round.delivered.find(id);
            EXPECT_TRUE(seen != round.delivered.end()) << where << ": event " << id << " was on disk but never delivered";
            if (seen != round.delivered.end() && seen->second > 1) ++duplicates;
        }
        checked += round.on_disk_at_kill.size();
        EXPECT_TRUE(spill_files(dir.path()).empty()) << where;
    }
    EXPECT_GT(checked, 0u) << "no round spilled anything before the kill: the test did not exercise the fault";
    ::testing::Test::RecordProperty("events_checked", static_cast<int>(checked));
    ::testing::Test::RecordProperty("delivered_more_than_once", static_cast<int>(duplicates));
}

TEST(Kill, DuringSpillWritesNothingDurableIsLost) { kill_in_a_loop(/*flush_every=*/0, 15); }

TEST(Kill, DuringSendsNothingDurableIsLost) { kill_in_a_loop(/*flush_every=*/20, 15); }

}  // namespace
}  // namespace overt::testing
