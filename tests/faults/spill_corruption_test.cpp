// SPDX-License-Identifier: MIT
// Spill files truncated at every length, with flipped bytes, or replaced by garbage: the
// collector never crashes, moves what it cannot read to corrupt/, delivers every intact file.
#include "fault_support.hpp"

#include <random>

namespace overt::testing {
namespace {

using namespace std::chrono_literals;

Event make_event(int n) {
    Event event;
    event.event_id = new_event_id();
    event.timestamp_unix_nano = 1'774'864'800'000'000'000 + n;
    event.type = "command.invocation";
    event.name = "build";
    event.origin = std::make_shared<const Origin>(make_origin("m", "mytool", "1.0"));
    event.metadata = std::make_shared<const Metadata>(Metadata{{"k", "v\u00e9"}});
    return event;
}

std::string one_spill_file(const fs::path& dir, int events, std::set<std::string>& ids) {
    std::vector<Event> batch;
    for (int i = 0; i < events; ++i) {
        batch.push_back(make_event(i));
        ids.insert(batch.back().event_id.str());
    }
    std::string error;
    auto written = spill::SpillStore(dir, "mytool").write(batch, std::vector<std::string>{"spy"}, error);
    if (written.size() != 1) throw std::runtime_error("spill write failed: " + error);
    return written[0].name;
}

// Writes one good file and one damaged by `damage`, flushes, checks the outcome.
void expect_survives(const std::function<void(std::string&)>& damage, const std::string& what) {
    TempDir dir;
    std::set<std::string> good_ids, damaged_ids;
    one_spill_file(dir.path(), 3, good_ids);
    const std::string damaged_name = one_spill_file(dir.path(), 3, damaged_ids);
    std::string text = read_file(dir.path() / damaged_name);
    damage(text);
    write_file(dir.path() / damaged_name, text);

    auto sinks = make_sinks({"spy"});
    Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
    FlushReport report = collector.flush(Clock::now() + 5s);
    const auto delivered = ids_of(sinks.logs[0]->events());
    for (const auto& id : good_ids) EXPECT_TRUE(delivered.count(id)) << what << ": intact file's event lost";
    spill::SpillContent left;
    std::string error;
    if (report.corrupt_files == 0 && fs::exists(dir.path() / damaged_name)) {
        // Still valid, but the flip renamed the tool: it belongs to another tool and is left alone.
        ASSERT_TRUE(spill::SpillStore(dir.path(), "mytool").peek(damaged_name, left, error)) << what << ": " << error;
        EXPECT_NE(left.tool, "mytool") << what;
        EXPECT_EQ(delivered.size(), good_ids.size()) << what;
        return;
    }
    if (report.corrupt_files == 0) {
        // The damage left valid JSON (e.g. a flipped letter inside a string): the file counts as sent.
        EXPECT_EQ(delivered.size(), good_ids.size() + damaged_ids.size()) << what;
    } else {
        EXPECT_EQ(report.corrupt_files, 1u) << what;
        EXPECT_TRUE(fs::exists(dir.path() / spill::kCorruptDirName / damaged_name)) << what << ": kept aside, not deleted";
    }
    EXPECT_TRUE(spill_files(dir.path()).empty()) << what;
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(SpillCorruption, TruncatedAtEveryLength) {
    TempDir probe;
    std::set<std::string> ids;
    const size_t length = read_file(probe.path() / one_spill_file(probe.path(), 3, ids)).size();
    for (size_t keep = 0; keep < length; keep += std::max<size_t>(1, length / 97))
        expect_survives([keep](std::string& text) { text.resize(keep); }, "truncated to " + std::to_string(keep));
}

TEST(SpillCorruption, RandomByteFlipsAndGarbage) {
    std::mt19937 rng(20261125);
    for (int round = 0; round < 60; ++round) {
        expect_survives(
            [&rng, round](std::string& text) {
                std::uniform_int_distribution<size_t> at(0, text.size() - 1);
                std::uniform_int_distribution<int> byte(0, 255);
                for (int flips = 0; flips < 1 + round % 4; ++flips) text[at(rng)] = static_cast<char>(byte(rng));
            },
            "byte flips, round " + std::to_string(round));
    }
    expect_survives([](std::string& text) { text.assign(4096, '\0'); }, "zeros");
    expect_survives([](std::string& text) { text = "[" + std::string(100000, '[') ; }, "deep nesting");
    expect_survives([](std::string& text) { text = R"({"overt_spill":1,"tool":"mytool","pending":["spy"],"events":[{"timestamp":"x"}]})"; },
                    "bad timestamp");
    expect_survives([](std::string& text) { text = R"({"overt_spill":1,"tool":"mytool","pending":[7],"events":[]})"; },
                    "pending of the wrong type");
}

}  // namespace
}  // namespace overt::testing
