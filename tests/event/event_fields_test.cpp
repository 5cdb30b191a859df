// SPDX-License-Identifier: MIT
// The compact Event fields: the inline id, the interned type, the deep-copied extended fields.
#include <overt/event.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace overt {
namespace {

TEST(EventId, HoldsUpTo36BytesAndRefusesWhatDoesNotFit) {
    EventId id;
    EXPECT_TRUE(id.empty());
    EXPECT_EQ(id.view(), "");
    const std::string uuid = new_event_id();
    ASSERT_EQ(uuid.size(), EventId::kCapacity);
    id = uuid;
    EXPECT_EQ(id, uuid);
    EXPECT_EQ(id.size(), 36u);
    id = "short";
    EXPECT_EQ(id.view(), "short") << "a shorter id leaves nothing of the longer one behind";
    EXPECT_EQ(id.size(), 5u);

    const std::string too_long(EventId::kCapacity + 1, 'x');
    EXPECT_FALSE(EventId::fits(too_long));
    EXPECT_FALSE(id.assign(too_long));
    EXPECT_EQ(id, "short") << "a refused id leaves the old one";
    EXPECT_THROW(id = too_long, std::length_error);
    EXPECT_FALSE(id.assign(std::string_view("a\0b", 3))) << "a NUL would end the id early";
    EXPECT_EQ(id, "short");
}

TEST(EventId, GeneratedIdsAreLowercaseUuidV4) {
    std::set<std::string> seen;
    std::vector<std::set<char>> digits_at(36);  // the random digits every position took
    for (int i = 0; i < 1000; ++i) {
        const EventId id = generate_event_id();
        const std::string_view text = id.view();
        ASSERT_EQ(text.size(), 36u);
        EXPECT_EQ(text[8], '-');
        EXPECT_EQ(text[13], '-');
        EXPECT_EQ(text[14], '4');
        EXPECT_EQ(text[18], '-');
        EXPECT_NE(std::string_view("89ab").find(text[19]), std::string_view::npos);
        EXPECT_EQ(text[23], '-');
        for (char c : text) EXPECT_TRUE(c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << text;
        seen.insert(id.str());
        for (size_t at = 0; at < text.size(); ++at) digits_at[at].insert(text[at]);
    }
    EXPECT_EQ(seen.size(), 1000u);
    // Every random position shows all 16 digits (each one misses with odds under 1e-26): a
    // digit stuck or dropped in the formatting shows here.
    for (size_t at = 0; at < digits_at.size(); ++at) {
        if (at == 8 || at == 13 || at == 14 || at == 18 || at == 23) continue;
        EXPECT_EQ(digits_at[at].size(), at == 19 ? 4u : 16u) << "position " << at;
    }
}

TEST(EventType, BuiltInTypesAreInternedOnce) {
    EventType a(event_type::command_invocation);
    EventType b(std::string("command.invocation"));  // another buffer, the same entry
    EXPECT_EQ(a, b);
    EXPECT_EQ(a.view().data(), b.view().data());
    EXPECT_EQ(EventType(event_type::deletion_request), "data.deletion_request");
    EventType empty;
    EXPECT_TRUE(empty.empty());
    EXPECT_EQ(EventType(""), empty);
}

TEST(EventType, CustomTypesAreInternedOncePerText) {
    std::string text = "custom.interned_once";
    EventType a(text);
    text[0] = 'X';  // the caller's buffer is not what the type points at
    EventType b(std::string("custom.interned_once"));
    EXPECT_EQ(a, "custom.interned_once");
    EXPECT_EQ(a.view().data(), b.view().data());
    EXPECT_NE(a, EventType("custom.interned_twice"));
}

Event event_with_extended() {
    Event event;
    event.event_id = generate_event_id();
    event.type = event_type::command_invocation;
    event.name = "build";
    event.set_args({"--flag", "value"});
    event.set_error("it failed");
    return event;
}

TEST(EventExtended, AbsentUntilSetAndReleasedWhenEmptied) {
    Event event;
    EXPECT_EQ(event.extended.get(), nullptr);
    EXPECT_TRUE(event.args().empty());
    EXPECT_TRUE(event.error().empty());
    event.set_args({});
    event.set_error("");
    EXPECT_EQ(event.extended.get(), nullptr) << "nothing to hold: no allocation";
    event.set_error("e");
    ASSERT_NE(event.extended.get(), nullptr);
    event.set_args({"a"});
    event.set_error("");
    EXPECT_NE(event.extended.get(), nullptr) << "the args are still there";
    event.set_args({});
    EXPECT_EQ(event.extended.get(), nullptr);
}

TEST(EventExtended, CopyIsDeep) {
    const Event original = event_with_extended();
    Event copy = original;
    ASSERT_NE(copy.extended.get(), nullptr);
    EXPECT_NE(copy.extended.get(), original.extended.get());
    EXPECT_EQ(copy.args(), original.args());
    EXPECT_EQ(copy.error(), "it failed");
    copy.set_args({"changed"});
    copy.set_error("changed");
    EXPECT_EQ(original.args(), (std::vector<std::string>{"--flag", "value"}));
    EXPECT_EQ(original.error(), "it failed");
    EXPECT_EQ(to_json(Event(original)), to_json(original));

    Event assigned;
    assigned = original;
    EXPECT_NE(assigned.extended.get(), original.extended.get());
    EXPECT_EQ(to_json(assigned), to_json(original));
    assigned = Event{};  // copying an event without extended fields drops them
    EXPECT_EQ(assigned.extended.get(), nullptr);
}

TEST(EventExtended, MoveTransfersThePointer) {
    Event source = event_with_extended();
    const EventExtended* fields = source.extended.get();
    Event moved(std::move(source));
    EXPECT_EQ(moved.extended.get(), fields);
    EXPECT_EQ(moved.error(), "it failed");
    Event target;
    target = std::move(moved);
    EXPECT_EQ(target.extended.get(), fields);
    EXPECT_EQ(target.args(), (std::vector<std::string>{"--flag", "value"}));
}

TEST(EventExtended, SelfAssignmentKeepsTheFields) {
    Event event = event_with_extended();
    const std::string json = to_json(event);
    Event& alias = event;  // through a reference, so the compiler does not flag it
    event = alias;
    EXPECT_EQ(to_json(event), json);
    event.extended = alias.extended;
    EXPECT_EQ(event.error(), "it failed");
    event = std::move(alias);
    EXPECT_EQ(event.args().size(), 2u) << "self-move leaves the event valid";
}

TEST(EventLayout, FitsTheBufferBudget) {
    if constexpr (sizeof(void*) == 8) {
        EXPECT_LE(sizeof(Event), 136u);
    }
}

}  // namespace
}  // namespace overt
