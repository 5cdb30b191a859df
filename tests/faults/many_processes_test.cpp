// SPDX-License-Identifier: MIT
// Eight processes of one tool sharing a data dir, each tracking (and spilling) while the
// others flush: every event any of them spilled or sent arrives, none twice, no file is
// read half-written, and each process's counters add up.
#include "fault_support.hpp"

#include <sys/wait.h>

namespace overt::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kProcesses = 8;
constexpr int kEventsEach = 60;

TEST(ManyProcesses, EightProcessesTrackAndFlushOneDataDirConcurrently) {
    TempDir dir;
    const fs::path delivered = dir.path() / "delivered.log";
    std::vector<pid_t> children;
    for (int p = 0; p < kProcesses; ++p) {
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            int code = 0;
            {
                std::vector<std::unique_ptr<Sink>> sinks;
                sinks.push_back(std::make_unique<AppendSink>("log", delivered, 1ms));
                Config config = test_config(7);  // spills every 7 events
                config.spill_max_files = 100000;
                config.spill_max_bytes = 1ull << 40;
                config.exit_budget_ms = 5000;
                Collector collector(config, std::move(sinks), granted(dir.str()));
                for (int i = 0; i < kEventsEach; ++i) {
                    collector.track_command("build", i, 0);
                    if (i % 15 == 14) collector.flush(Clock::now() + 5s);
                }
                FlushReport report = collector.close();
                const Counters counters = collector.counters();
                if (!counters.adds_up()) code = 3;
                if (report.corrupt_files) code = 4;
                if (counters.dropped_total()) code = 5;
            }
            ::_exit(code);
        }
        children.push_back(pid);
    }
    for (pid_t pid : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFEXITED(status));
        EXPECT_EQ(WEXITSTATUS(status), 0) << "3: counters did not add up, 4: corrupt file, 5: events dropped";
    }
    // What is left (a process's exit budget ran out) goes out with one more run.
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::make_unique<AppendSink>("log", delivered));
    Collector last(test_config(), std::move(sinks), granted(dir.str()));
    last.flush(Clock::now() + 30s);
    EXPECT_COUNTERS_ADD_UP(last);

    const auto seen = count_lines(delivered);
    EXPECT_EQ(seen.size(), static_cast<size_t>(kProcesses * kEventsEach));
    size_t twice = 0;
    for (const auto& [id, times] : seen) twice += times > 1;
    EXPECT_EQ(twice, 0u) << "events delivered more than once";
    EXPECT_TRUE(spill_files(dir.path()).empty());
    EXPECT_EQ(read_persisted_counters(dir.str()).sent, static_cast<uint64_t>(kProcesses * kEventsEach));
}

// Each forked process must draw its own event ids, not replay its parent's generator.
TEST(ManyProcesses, ForkedChildrenDrawDistinctEventIds) {
    const std::string before_fork = new_event_id();  // the parent's generator is seeded and in use
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    std::vector<pid_t> children;
    for (int p = 0; p < 4; ++p) {
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            const std::string id = new_event_id() + "\n";
            const bool ok = ::write(pipe_fds[1], id.data(), id.size()) == static_cast<ssize_t>(id.size());
            ::_exit(ok ? 0 : 1);
        }
        children.push_back(pid);
    }
    ::close(pipe_fds[1]);
    for (pid_t pid : children) ::waitpid(pid, nullptr, 0);
    std::string text(4096, '\0');
    const ssize_t got = ::read(pipe_fds[0], text.data(), text.size());
    ::close(pipe_fds[0]);
    ASSERT_GT(got, 0);
    text.resize(static_cast<size_t>(got));
    std::set<std::string> ids{new_event_id()};
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) ids.insert(line);
    EXPECT_EQ(ids.size(), 5u) << "parent and four children drew the same ids:\n" << text;
    EXPECT_FALSE(ids.count(before_fork));
}

}  // namespace
}  // namespace overt::testing
