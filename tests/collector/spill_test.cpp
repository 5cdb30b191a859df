// SPDX-License-Identifier: MIT
// The spill store: format, chunking, caps (seed item 15), corrupt files, temp files.
#include "test_support.hpp"

#include "spill/spill_format.hpp"
#include "spill/spill_store.hpp"

#include <nlohmann/json.hpp>

#include <fstream>

namespace overt::testing {
namespace {

Event sample_event(std::string name, size_t padding = 0) {
    Event event;
    event.event_id = new_event_id();
    event.timestamp_unix_nano = 1'774'864'800'123'456'789;
    event.type = "command.invocation";
    event.name = std::move(name);
    event.origin = std::make_shared<const Origin>(make_origin("m", "mytool", "1.0"));
    event.duration_ms = 7;
    event.set_args({"--x", std::string(padding, 'p')});
    event.metadata = std::make_shared<const Metadata>(Metadata{{"k", "v<&>"}});
    return event;
}

TEST(SpillFormat, RoundTripsEventsAndPendingSinks) {
    std::vector<Event> events{sample_event("a"), sample_event("b")};
    std::vector<std::string> pending{"file", "otlp"};
    std::string text = spill::encode("mytool", pending, events);
    spill::SpillContent content;
    std::string error;
    ASSERT_TRUE(spill::decode(text, content, error)) << error;
    EXPECT_FALSE(content.legacy);
    EXPECT_EQ(content.tool, "mytool");
    EXPECT_EQ(content.pending, pending);
    ASSERT_EQ(content.events.size(), 2u);
    for (size_t i = 0; i < 2; ++i) EXPECT_EQ(to_json(content.events[i]), to_json(events[i]));
    EXPECT_EQ(content.events[0].origin.get(), content.events[1].origin.get()) << "origins are shared";
}

TEST(SpillFormat, ChunksAtOneMebibyteAndLosesNothing) {
    std::vector<Event> events;
    for (int i = 0; i < 30; ++i) events.push_back(sample_event(std::to_string(i), 100'000));
    auto chunks = spill::encode_chunks("mytool", std::vector<std::string>{"file"}, events);
    ASSERT_GT(chunks.size(), 1u);
    std::vector<std::string> names;
    for (const auto& chunk : chunks) {
        EXPECT_LE(chunk.text.size(), spill::kMaxFileBytes);
        spill::SpillContent content;
        std::string error;
        ASSERT_TRUE(spill::decode(chunk.text, content, error)) << error;
        EXPECT_EQ(content.events.size(), chunk.event_count);
        for (const auto& event : content.events) names.push_back(event.name);
    }
    ASSERT_EQ(names.size(), 30u);
    for (int i = 0; i < 30; ++i) EXPECT_EQ(names[static_cast<size_t>(i)], std::to_string(i));
}

TEST(SpillFormat, OversizeEventGetsAFileOfItsOwn) {
    std::vector<Event> events{sample_event("big", spill::kMaxFileBytes + 10), sample_event("small")};
    auto chunks = spill::encode_chunks("mytool", std::vector<std::string>{}, events);
    ASSERT_EQ(chunks.size(), 2u);
    EXPECT_EQ(chunks[0].event_count, 1u);
}

TEST(SpillFormat, BadInputIsRejectedWithAReason) {
    struct Case {
        const char* text;
        const char* expected;
    };
    for (const Case& c : {Case{"{\"overt_spill\":1,\"events\":[", "invalid JSON"},
                          Case{"{\"overt_spill\":2,\"pending\":[],\"events\":[]}", "unknown spill format version 2"},
                          Case{"{\"pending\":[],\"events\":[]}", "overt_spill"},
                          Case{"{\"overt_spill\":1,\"pending\":\"x\",\"events\":[]}", "pending"},
                          Case{"[{\"timestamp\":\"yesterday\"}]", "timestamp"},
                          Case{"[{\"timestamp\":\"2026-03-30T10:00:00Z\",\"duration_ms\":\"5\"}]", "duration_ms"},
                          Case{"[{\"timestamp\":\"2026-03-30T10:00:00Z\",\"metadata\":{\"a\":1}}]", "metadata"},
                          Case{"42", "neither"}}) {
        spill::SpillContent content;
        std::string error;
        EXPECT_FALSE(spill::decode(c.text, content, error)) << c.text;
        EXPECT_NE(error.find(c.expected), std::string::npos) << c.text << " -> " << error;
    }
}

TEST(SpillStore, CorruptTruncatedAndUnknownFilesAreMovedAsideAndCounted) {
    TempDir dir;
    std::vector<Event> events{sample_event("ok")};
    std::string good = spill::encode("mytool", std::vector<std::string>{"spy"}, events);
    write_file(dir.path() / "telemetry-spill-1-1-0.json", "not json at all");
    write_file(dir.path() / "telemetry-spill-2-1-0.json", good.substr(0, good.size() / 2));  // truncated
    write_file(dir.path() / "telemetry-spill-3-1-0.json", R"({"overt_spill":9,"pending":[],"events":[]})");
    write_file(dir.path() / "telemetry-spill-4-1-0.json", R"({"some":"object"})");
    write_file(dir.path() / "telemetry-spill-5-1-0.json", good);
    auto sinks = make_sinks({"spy"});
    Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
    FlushReport report = collector.flush();
    EXPECT_EQ(report.corrupt_files, 4u);
    EXPECT_EQ(collector.counters().corrupt_files, 4u);
    ASSERT_EQ(sinks.logs[0]->events().size(), 1u);
    EXPECT_EQ(sinks.logs[0]->events()[0].name, "ok");
    EXPECT_TRUE(spill_files(dir.path()).empty());
    for (const char* name : {"telemetry-spill-1-1-0.json", "telemetry-spill-2-1-0.json",
                             "telemetry-spill-3-1-0.json", "telemetry-spill-4-1-0.json"})
        EXPECT_TRUE(fs::exists(dir.path() / "corrupt" / name)) << name;
    EXPECT_FALSE(report.ok());
    EXPECT_EQ(read_persisted_counters(dir.str()).corrupt_files, 4u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

// A hostile file: far larger than spill.max_bytes. It is moved aside unread (no 300 MB read),
// and the flush goes on with the rest.
TEST(SpillStore, AFileLargerThanTheSpillCapIsMovedAsideUnread) {
    TempDir dir;
    const fs::path huge = dir.path() / "telemetry-spill-1-1-0.json";
    {
        std::ofstream out(huge);
        out << "[";
        const std::string event = R"({"timestamp":"2026-03-30T10:00:00Z","type":"feature.used","name":"x"})";
        for (int i = 0; i < 40000; ++i) out << (i ? "," : "") << event;
        out << "]";
    }
    ASSERT_GT(fs::file_size(huge), 2u << 20);
    std::vector<Event> events{sample_event("ok")};
    write_file(dir.path() / "telemetry-spill-2-1-0.json", spill::encode("mytool", std::vector<std::string>{"spy"}, events));
    Config config = test_config();
    config.spill_max_bytes = 1u << 20;
    auto sinks = make_sinks({"spy"});
    Collector collector(config, std::move(sinks.owned), granted(dir.str()));
    FlushReport report = collector.flush();
    EXPECT_EQ(report.corrupt_files, 1u);
    EXPECT_TRUE(fs::exists(dir.path() / "corrupt" / "telemetry-spill-1-1-0.json")) << "kept, never deleted";
    ASSERT_EQ(sinks.logs[0]->events().size(), 1u);
    EXPECT_EQ(sinks.logs[0]->events()[0].name, "ok");
    EXPECT_COUNTERS_ADD_UP(collector);
}

// One malformed event does not send its four good neighbours to corrupt/.
TEST(SpillStore, GoodEventsAreSalvagedFromAFileWithAMalformedOne) {
    TempDir dir;
    std::vector<Event> events{sample_event("a"), sample_event("b"), sample_event("c"), sample_event("d")};
    std::string text = spill::encode("mytool", std::vector<std::string>{"spy"}, events);
    // A fifth event whose duration is a string.
    const std::string bad = R"({"timestamp":"2026-03-30T10:00:00Z","type":"x","name":"bad","duration_ms":"5"})";
    text.insert(text.size() - 2, "," + bad);
    write_file(dir.path() / "telemetry-spill-1-1-0.json", text);
    auto sinks = make_sinks({"spy"});
    Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
    FlushReport report = collector.flush();
    EXPECT_EQ(report.corrupt_files, 0u);
    ASSERT_EQ(sinks.logs[0]->events().size(), 4u) << report.summary();
    EXPECT_EQ(report.events_sent, 4u);
    EXPECT_EQ(report.events_dropped, 1u);
    Counters counters = collector.counters();
    EXPECT_EQ(counters.dropped[std::string(drop_reason::corrupt)], 1u);
    EXPECT_EQ(counters.tracked, 5u) << "the bad event enters the books to leave them";
    EXPECT_TRUE(spill_files(dir.path()).empty());
    EXPECT_COUNTERS_ADD_UP(collector);
}

// An id is kept byte for byte (an uppercase or short one too) or its event is not read: ids
// longer than EventId::kCapacity, or holding a NUL, cannot be held inline.
TEST(SpillFormat, AnEventIdThatDoesNotFitMakesItsEventUndecodable) {
    const std::string too_long(EventId::kCapacity + 1, 'a');
    const std::string text = R"({"overt_spill":1,"tool":"mytool","pending":[],"events":[)"
                             R"({"timestamp":"2026-03-30T10:00:00Z","type":"x","name":"long","event_id":")" +
                             too_long + R"("},)"
                             R"({"timestamp":"2026-03-30T10:00:00Z","type":"x","name":"nul","event_id":"ab\u0000cd"},)"
                             R"({"timestamp":"2026-03-30T10:00:00Z","type":"x","name":"upper","event_id":"0A1B2C3D-0000-4000-8000-00000000000F"},)"
                             R"({"timestamp":"2026-03-30T10:00:00Z","type":"x","name":"short","event_id":"id-1"}]})";
    spill::SpillContent content;
    std::string error;
    ASSERT_TRUE(spill::decode(text, content, error)) << error;
    EXPECT_EQ(content.undecodable_events, 2u);
    EXPECT_NE(content.undecodable_reason.find("event 0: field \"event_id\" does not fit"), std::string::npos)
        << content.undecodable_reason;
    ASSERT_EQ(content.events.size(), 2u);
    EXPECT_EQ(content.events[0].event_id, "0A1B2C3D-0000-4000-8000-00000000000F");
    EXPECT_EQ(content.events[1].event_id, "id-1");
    const std::string rewritten = spill::encode("mytool", std::vector<std::string>{}, content.events);
    EXPECT_NE(rewritten.find(R"("event_id":"0A1B2C3D-0000-4000-8000-00000000000F")"), std::string::npos) << rewritten;
    EXPECT_NE(rewritten.find(R"("event_id":"id-1"})"), std::string::npos) << rewritten;

    // Only unstorable ids: nothing to salvage, so the file is corrupt.
    const std::string only_bad = R"([{"timestamp":"2026-03-30T10:00:00Z","event_id":")" + too_long + R"("}])";
    EXPECT_FALSE(spill::decode(only_bad, content, error));
    EXPECT_NE(error.find("event_id"), std::string::npos) << error;
}

// Read back by a collector, the event with the unstorable id is counted dropped (corrupt), never
// sent under a new or cut id, and its neighbours go out.
TEST(SpillStore, AnEventWhoseIdDoesNotFitIsCountedAndItsNeighboursSent) {
    TempDir dir;
    std::vector<Event> events{sample_event("a"), sample_event("b")};
    std::string text = spill::encode("mytool", std::vector<std::string>{"spy"}, events);
    const std::string bad = R"({"timestamp":"2026-03-30T10:00:00Z","type":"x","name":"bad","event_id":")" +
                            std::string(100, 'f') + R"("})";
    text.insert(text.size() - 2, "," + bad);
    write_file(dir.path() / "telemetry-spill-1-1-0.json", text);
    auto sinks = make_sinks({"spy"});
    Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
    FlushReport report = collector.flush();
    ASSERT_EQ(sinks.logs[0]->events().size(), 2u) << report.summary();
    EXPECT_EQ(sinks.logs[0]->events()[0].event_id, events[0].event_id);
    EXPECT_EQ(report.events_dropped, 1u);
    EXPECT_EQ(collector.counters().dropped[std::string(drop_reason::corrupt)], 1u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

// Undelivered, the salvaged file is rewritten without the bad event, so it is not counted twice.
TEST(SpillStore, ASalvagedFileThatStaysIsRewrittenWithoutTheBadEvent) {
    TempDir dir;
    std::vector<Event> events{sample_event("a"), sample_event("b")};
    std::string text = spill::encode("mytool", std::vector<std::string>{"down"}, events);
    text.insert(text.size() - 2, R"(,{"timestamp":"not a time"})");
    write_file(dir.path() / "telemetry-spill-1-1-0.json", text);
    for (int run = 0; run < 2; ++run) {
        auto sinks = make_sinks({"down"});
        sinks.logs[0]->fallback = fatal_result("down");
        Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
        collector.flush();
        EXPECT_EQ(collector.counters().dropped[std::string(drop_reason::corrupt)], run == 0 ? 1u : 0u);
        EXPECT_EQ(collector.counters().spilled, 2u);
        EXPECT_COUNTERS_ADD_UP(collector);
    }
}

// The data dir is opened once and checked; a link swapped in for it afterwards is never
// followed, and a data dir that is itself a link is refused.
TEST(SpillStore, ADataDirSwappedForALinkIsNeverWrittenThrough) {
    TempDir root;
    const fs::path data = root.path() / "data", moved = root.path() / "data.moved", elsewhere = root.path() / "elsewhere";
    fs::create_directories(data);
    fs::permissions(data, fs::perms::owner_all, fs::perm_options::replace);
    fs::create_directories(elsewhere);
    spill::SpillStore store(data, "mytool");
    std::vector<Event> events{sample_event("a")};
    std::string error;
    ASSERT_EQ(store.write(events, std::vector<std::string>{"spy"}, error).size(), 1u) << error;
    fs::rename(data, moved);
    fs::create_directory_symlink(elsewhere, data);
    ASSERT_EQ(store.write(events, std::vector<std::string>{"spy"}, error).size(), 1u) << error;
    EXPECT_TRUE(spill_files(elsewhere).empty()) << "a spill followed the swapped-in link";
    EXPECT_EQ(spill_files(moved).size(), 2u) << "both spills are in the directory checked at open";

    spill::SpillStore through_link(data, "mytool");
    EXPECT_TRUE(through_link.write(events, std::vector<std::string>{"spy"}, error).empty());
    EXPECT_NE(error.find("cannot open data dir"), std::string::npos) << error;
    EXPECT_TRUE(spill_files(elsewhere).empty());
    EXPECT_TRUE(through_link.list().empty());
}

// A data dir others may write to is refused: they could swap files under the tool.
TEST(SpillStore, ADataDirWritableByOthersIsRefused) {
    TempDir root;
    const fs::path data = root.path() / "shared";
    fs::create_directories(data);
    fs::permissions(data, fs::perms::all, fs::perm_options::replace);
    spill::SpillStore store(data, "mytool");
    std::vector<Event> events{sample_event("a")};
    std::string error;
    EXPECT_TRUE(store.write(events, std::vector<std::string>{"spy"}, error).empty());
    EXPECT_NE(error.find("is not private to this user"), std::string::npos) << error;
    EXPECT_TRUE(spill_files(data).empty());
}

TEST(SpillStore, AnotherToolsFilesAreLeftAlone) {
    TempDir dir;
    std::vector<Event> events{sample_event("theirs")};
    write_file(dir.path() / "telemetry-spill-1-1-0.json", spill::encode("othertool", std::vector<std::string>{}, events));
    auto sinks = make_sinks({"spy"});
    Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
    collector.flush();
    EXPECT_EQ(sinks.logs[0]->calls(), 0u);
    EXPECT_EQ(spill_files(dir.path()).size(), 1u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

// Two tools given one data_dir: caps, erasure and counts see only the tool's own files.
TEST(SpillStore, ToolsSharingADataDirNeverPruneEraseOrCountEachOthersFiles) {
    TempDir dir;
    auto spill_as = [&](const std::string& tool, int files) {
        Config config = test_config(1);  // every event its own spill file
        config.tool_name = tool;
        config.spill_max_files = 100;
        config.exit_budget_ms = 0;  // close() sends nothing: the files stay
        Collector collector(config, {}, granted(dir.str()));
        for (int i = 0; i < files; ++i) collector.track(event_type::feature_used, tool + std::to_string(i));
        EXPECT_COUNTERS_ADD_UP(collector);
    };
    spill_as("tool-b", 3);
    // A file written before tool keys were in the names, saying whose it is inside.
    std::vector<Event> legacy{sample_event("b-legacy")};
    write_file(dir.path() / "telemetry-spill-1-1-0.json", spill::encode("tool-b", std::vector<std::string>{}, legacy));
    spill_as("tool-a", 2);
    ASSERT_EQ(spill_files(dir.path()).size(), 6u);

    Config a = test_config(1);
    a.tool_name = "tool-a";
    a.spill_max_files = 1;  // tool A's cap: one file of its own
    a.exit_budget_ms = 0;
    Collector tool_a(a, {}, granted(dir.str()));
    EXPECT_EQ(tool_a.spill_files_waiting(), 2u) << "tool A counts only its own files";
    EXPECT_EQ(tool_a.pending_events().size(), 2u);
    tool_a.track(event_type::feature_used, "a-more");  // spills and applies A's cap
    EXPECT_EQ(tool_a.spill_files_waiting(), 1u);
    EXPECT_EQ(spill_files(dir.path()).size(), 5u) << "A's cap pruned B's files";
    tool_a.drop();
    EXPECT_EQ(tool_a.spill_files_waiting(), 0u);
    EXPECT_EQ(spill_files(dir.path()).size(), 4u) << "A's erasure removed B's files";

    Config b = test_config();
    b.tool_name = "tool-b";
    b.exit_budget_ms = 0;
    Collector tool_b(b, {}, granted(dir.str()));
    EXPECT_EQ(tool_b.spill_files_waiting(), 4u);
    EXPECT_EQ(tool_b.pending_events().size(), 4u) << "B's events are all still there";
    EXPECT_COUNTERS_ADD_UP(tool_a);
}

TEST(SpillStore, PruneKeepsAtMostTheCapOfFiles) {  // seed 15
    TempDir dir;
    for (char c = 'a'; c <= 'o'; ++c) write_file(dir.path() / (std::string("telemetry-spill-") + c + ".json"), "[]");
    Config config = test_config(1);
    config.spill_max_files = 10;
    Collector collector(config, {}, granted(dir.str()));
    collector.track(event_type::feature_used, "x");
    auto files = spill_files(dir.path());
    EXPECT_EQ(files.size(), 10u);
    EXPECT_FALSE(fs::exists(dir.path() / "telemetry-spill-a.json")) << "the oldest go first";
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(SpillStore, CapsDropTheOldestEventsAndCountThem) {
    TempDir dir;
    Config config = test_config(2);
    config.spill_max_files = 2;
    Collector collector(config, {}, granted(dir.str()));
    for (int i = 0; i < 8; ++i) collector.track(event_type::feature_used, std::to_string(i));  // 4 spills
    EXPECT_EQ(spill_files(dir.path()).size(), 2u);
    Counters counters = collector.counters();
    EXPECT_EQ(counters.dropped[std::string(drop_reason::spill_cap)], 4u);
    EXPECT_EQ(counters.spilled, 4u);
    auto pending = collector.pending_events();
    ASSERT_EQ(pending.size(), 4u);
    EXPECT_EQ(pending.front().name, "4") << "the newest survive";
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(SpillStore, ByteCapAlsoApplies) {
    TempDir dir;
    Config config = test_config(1);
    config.spill_max_bytes = 1500;  // about two single-event files
    Collector collector(config, {}, granted(dir.str()));
    for (int i = 0; i < 6; ++i) collector.track(event_type::feature_used, std::to_string(i));
    uint64_t total = 0;
    for (const auto& name : spill_files(dir.path())) total += fs::file_size(dir.path() / name);
    EXPECT_LE(total, 1500u);
    EXPECT_GT(collector.counters().dropped[std::string(drop_reason::spill_cap)], 0u);
    EXPECT_COUNTERS_ADD_UP(collector);
}

TEST(SpillStore, TempFilesAreNeverReadAndStaleOnesAreRemoved) {
    TempDir dir;
    // A temp file of a writer that no longer exists (pid 999999999 cannot be alive).
    auto temp = dir.path() / ".telemetry-spill-1-999999999-0.json.tmp";
    write_file(temp, "[{\"timestamp\":\"2026-03-30T10:00:00Z\",\"name\":\"half");
    auto sinks = make_sinks({"spy"});
    Collector collector(test_config(), std::move(sinks.owned), granted(dir.str()));
    FlushReport report = collector.flush();
    EXPECT_EQ(sinks.logs[0]->calls(), 0u);
    EXPECT_EQ(report.corrupt_files, 0u);
    EXPECT_FALSE(fs::exists(temp));
}

TEST(SpillStore, ClaimIsExclusiveAndNoticesReplacement) {
    TempDir dir;
    spill::SpillStore store(dir.path(), "mytool");
    std::vector<Event> events{sample_event("a")};
    std::string error;
    auto written = store.write(events, std::vector<std::string>{"x"}, error);
    ASSERT_EQ(written.size(), 1u) << error;
    auto first = store.claim(written[0].name);
    ASSERT_TRUE(first);
    EXPECT_FALSE(store.claim(written[0].name)) << "a second claim must fail while the first holds it";
    store.remove(*first);
    EXPECT_FALSE(store.claim(written[0].name));
}

}  // namespace
}  // namespace overt::testing
