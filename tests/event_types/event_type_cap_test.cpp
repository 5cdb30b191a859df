// SPDX-License-Identifier: MIT
// The process-wide cap on custom event types. A program of its own: it fills the set, which
// would refuse the custom types of any test run after it in the same process.
#include <overt/collector.hpp>
#include <overt/event.hpp>

#include "spill/spill_format.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace overt {
namespace {

// Threads race to intern more types than the cap: exactly kMaxCustomTypes are taken, the rest
// refused, and built-in types still work once it is full.
TEST(EventTypeCap, NewTypesPastTheCapAreRefusedAndTheRestStillWork) {
    constexpr int kThreads = 4;
    constexpr size_t kPerThread = EventType::kMaxCustomTypes;  // 4x the cap in all
    std::atomic<size_t> interned{0};
    std::atomic<size_t> refused{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (size_t i = 0; i < kPerThread; ++i) {
                const std::string text = "capped." + std::to_string(t) + "." + std::to_string(i);
                if (EventType::intern(text)) interned++;
                else refused++;
            }
        });
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(interned.load(), EventType::kMaxCustomTypes);
    EXPECT_EQ(refused.load(), kThreads * kPerThread - EventType::kMaxCustomTypes);

    EXPECT_THROW(EventType("capped.one_more"), EventTypeLimitError);
    EventType type;
    EXPECT_THROW(type = "capped.one_more", EventTypeLimitError);
    EXPECT_TRUE(type.empty()) << "a refused type leaves the old one";
    EXPECT_EQ(EventType(event_type::feature_used), "feature.used") << "built-in types are never refused";
    // A type already interned is still found.
    size_t found = 0;
    for (int t = 0; t < kThreads; ++t)
        for (size_t i = 0; i < kPerThread; ++i)
            if (EventType::intern("capped." + std::to_string(t) + "." + std::to_string(i))) ++found;
    EXPECT_EQ(found, EventType::kMaxCustomTypes);
}

// Past the cap, track() counts a failed record rather than throwing or buffering an event
// without a type; track_command() (a built-in type) goes on.
TEST(EventTypeCap, TrackPastTheCapCountsAFailedRecord) {
    for (size_t i = 0; i <= EventType::kMaxCustomTypes; ++i) EventType::intern("fill." + std::to_string(i));
    Config config;
    config.tool_name = "captool";
    CollectorOptions options;
    options.consent_granted = true;
    Collector collector(std::move(config), {}, std::move(options));  // no sink, no data dir: all stays buffered
    collector.track("never.seen.before", "name");
    collector.track_command("build", 1, 0);
    const Counters counters = collector.counters();
    EXPECT_EQ(counters.dropped.count(std::string(drop_reason::record_failed)) ? counters.dropped.at(std::string(drop_reason::record_failed)) : 0u, 1u);
    EXPECT_EQ(counters.buffered, 1u);
    collector.drop();
}

// Read from a spill file past the cap, an event of a new type is not read (and counted as
// undecodable, as any event the process cannot hold); its neighbours are.
TEST(EventTypeCap, SpilledEventOfANewTypePastTheCapIsUndecodable) {
    for (size_t i = 0; i <= EventType::kMaxCustomTypes; ++i) EventType::intern("fill." + std::to_string(i));
    const std::string text = R"([{"timestamp":"2026-03-30T10:00:00Z","type":"brand.new","name":"a"},)"
                             R"({"timestamp":"2026-03-30T10:00:00Z","type":"feature.used","name":"b"}])";
    spill::SpillContent content;
    std::string error;
    ASSERT_TRUE(spill::decode(text, content, error)) << error;
    EXPECT_EQ(content.undecodable_events, 1u);
    EXPECT_NE(content.undecodable_reason.find("brand.new"), std::string::npos) << content.undecodable_reason;
    ASSERT_EQ(content.events.size(), 1u);
    EXPECT_EQ(content.events[0].name, "b");
}

}  // namespace
}  // namespace overt
