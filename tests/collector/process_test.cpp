// SPDX-License-Identifier: MIT
// Several processes sharing a data dir, and a writer killed mid-spill.
#include "test_support.hpp"

#include "spill/spill_format.hpp"
#include "spill/spill_store.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <random>
#include <thread>

namespace overt::testing {
namespace {

using namespace std::chrono_literals;

// Appends each delivered event id as one line with a single O_APPEND write per batch, so
// lines from several processes never interleave.
class AppendSink : public Sink {
   public:
    AppendSink(std::string id, fs::path path) : id_(std::move(id)), path_(std::move(path)) {}
    const std::string& id() const override { return id_; }
    std::string describe() const override { return "append (" + path_.string() + ")"; }
    SendResult send(std::span<const Event> events, Deadline) override {
        std::string lines;
        for (const auto& event : events) lines += event.event_id.str() + "\n";
        std::this_thread::sleep_for(3ms);  // widen the window in which processes overlap
        int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) return SendResult{SendStatus::fatal, -1, 0, "open failed"};
        bool ok = ::write(fd, lines.data(), lines.size()) == static_cast<ssize_t>(lines.size());
        ::close(fd);
        return ok ? SendResult::ok() : SendResult{SendStatus::retry, -1, 0, "short write"};
    }

   private:
    std::string id_;
    fs::path path_;
};

Event numbered_event(int n) {
    Event event;
    event.event_id = new_event_id();
    event.timestamp_unix_nano = 1'774'864'800'000'000'000 + n;
    event.type = "feature.used";
    event.name = std::to_string(n);
    event.origin = std::make_shared<const Origin>(make_origin("m", "mytool", "1.0"));
    return event;
}

TEST(Processes, FourProcessesSharingADataDirDeliverEachEventExactlyOnce) {
    TempDir dir;
    spill::SpillStore store(dir.path(), "mytool");
    std::set<std::string> expected;
    for (int file = 0; file < 20; ++file) {
        std::vector<Event> events;
        for (int i = 0; i < 5; ++i) {
            events.push_back(numbered_event(file * 5 + i));
            expected.insert(events.back().event_id.str());
        }
        std::string error;
        ASSERT_EQ(store.write(events, std::vector<std::string>{"log"}, error).size(), 1u) << error;
    }
    const fs::path delivered = dir.path() / "delivered.log";
    std::vector<pid_t> children;
    for (int p = 0; p < 4; ++p) {
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            int code = 0;
            {
                std::vector<std::unique_ptr<Sink>> sinks;
                sinks.push_back(std::make_unique<AppendSink>("log", delivered));
                Collector collector(test_config(), std::move(sinks), granted(dir.str()));
                FlushReport report = collector.flush();
                if (!collector.counters().adds_up() || report.corrupt_files) code = 3;
                collector.close();
            }
            ::_exit(code);
        }
        children.push_back(pid);
    }
    for (pid_t pid : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFEXITED(status));
        EXPECT_EQ(WEXITSTATUS(status), 0);
    }
    std::map<std::string, int> seen;
    std::istringstream lines(read_file(delivered));
    for (std::string line; std::getline(lines, line);) ++seen[line];
    EXPECT_EQ(seen.size(), expected.size());
    for (const auto& id : expected) EXPECT_EQ(seen[id], 1) << id;
    EXPECT_TRUE(spill_files(dir.path()).empty());
    // Every process merged its totals into one counters file.
    EXPECT_EQ(read_persisted_counters(dir.str()).sent, 100u);
}

// Writers SIGKILLed at random points of a loop of spills (several rounds in one data dir):
// every spill-named file left parses completely, temp files are never read, and the reader
// delivers exactly what the files hold.
TEST(Processes, WritersKilledMidSpillLeaveNoPartialFileThatReadsAsValid) {
    TempDir dir;
    const unsigned seed = std::random_device{}();
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> kill_after_ms(0, 200);
    SCOPED_TRACE("random seed " + std::to_string(seed));
    for (int round = 0; round < 4; ++round) {
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            Config config = test_config(3);
            config.spill_max_files = 100000;
            config.spill_max_bytes = 1ull << 40;
            Collector collector(config, {}, granted(dir.str()));
            const Metadata big{{"blob", std::string(60'000, 'x')}};
            for (;;) collector.track(event_type::feature_used, "loop", big);  // spills every 3 events
        }
        // Once this writer has spilled at least once (a loaded machine may be slow to start
        // it), kill it at a random point of its loop.
        const size_t before = spill_files(dir.path()).size();
        const auto give_up = Clock::now() + 20s;
        while (spill_files(dir.path()).size() <= before && Clock::now() < give_up)
            std::this_thread::sleep_for(2ms);
        std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms(rng)));
        ::kill(pid, SIGKILL);
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFSIGNALED(status));
    }

    spill::SpillStore store(dir.path(), "mytool");
    size_t events_on_disk = 0;
    std::set<std::string> ids_on_disk;
    auto names = store.list();
    ASSERT_FALSE(names.empty()) << "the children should have spilled something";
    for (const auto& name : names) {
        spill::SpillContent content;
        std::string error;
        EXPECT_TRUE(store.peek(name, content, error)) << name << ": " << error;
        EXPECT_EQ(content.events.size(), 3u) << name;
        events_on_disk += content.events.size();
        for (const auto& event : content.events) ids_on_disk.insert(event.event_id.str());
    }
    auto sinks = make_sinks({"spy"});
    Config config = test_config();
    config.spill_max_files = 100000;
    config.spill_max_bytes = 1ull << 40;
    Collector collector(config, std::move(sinks.owned), granted(dir.str()));
    FlushReport report = collector.flush(Clock::now() + 60s);
    EXPECT_EQ(report.corrupt_files, 0u) << report.summary();
    EXPECT_EQ(collector.counters().corrupt_files, 0u);
    EXPECT_EQ(sinks.logs[0]->events().size(), events_on_disk);
    EXPECT_EQ(ids_of(sinks.logs[0]->events()), ids_on_disk) << "only complete spill files are read";
    EXPECT_EQ(collector.counters().recovered, events_on_disk);
    EXPECT_TRUE(spill_files(dir.path()).empty());
    for (const auto& entry : fs::directory_iterator(dir.path()))
        EXPECT_FALSE(spill::is_temp_file_name(entry.path().filename().string()))
            << "a dead writer's temp file should be cleaned up: " << entry.path();
    EXPECT_COUNTERS_ADD_UP(collector);
}

// A truncated spill file (as a crash of a writer without our temp-and-rename would leave) and
// a stray temp file with garbage: the first is moved aside and counted, the second never read.
TEST(Processes, TruncatedFileIsMovedAsideAndTempFilesAreNeverRead) {
    TempDir dir;
    spill::SpillStore store(dir.path(), "mytool");
    std::vector<Event> events{numbered_event(1), numbered_event(2)};
    std::string error;
    auto written = store.write(events, std::vector<std::string>{"spy"}, error);
    ASSERT_EQ(written.size(), 1u) << error;
    const std::string whole = read_file(dir.path() / written[0].name);
    write_file(dir.path() / "telemetry-spill-1-1-0.json", whole.substr(0, whole.size() / 2));
    write_file(dir.path() / ".telemetry-spill-2-999999-0.json.tmp", whole);  // a live-looking writer's temp
    auto sinks = make_sinks({"spy"});
    Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
    FlushReport report = collector.flush();
    EXPECT_EQ(report.corrupt_files, 1u) << report.summary();
    EXPECT_TRUE(fs::exists(dir.path() / "corrupt" / "telemetry-spill-1-1-0.json"));
    EXPECT_EQ(sinks.logs[0]->events().size(), 2u) << "the whole file is sent once; the temp copy never";
    EXPECT_EQ(collector.counters().corrupt_files, 1u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

}  // namespace
}  // namespace overt::testing
