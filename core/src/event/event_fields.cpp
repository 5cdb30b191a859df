// SPDX-License-Identifier: MIT
// The compact fields of an Event: the inline id, the interned type, the extended fields.
#include <overt/event.hpp>

#include "support/logger.hpp"

#include <atomic>
#include <cstring>
#include <deque>
#include <mutex>
#include <ostream>
#include <unordered_map>

namespace overt {

EventId& EventId::operator=(std::string_view text) {
    if (!assign(text))
        throw std::length_error("event id of " + std::to_string(text.size()) + " bytes does not fit in " +
                                std::to_string(kCapacity) + " (or holds a NUL)");
    return *this;
}

bool EventId::assign(std::string_view text) noexcept {
    if (!fits(text)) return false;
    std::memcpy(chars_, text.data(), text.size());
    std::memset(chars_ + text.size(), 0, kCapacity - text.size());
    return true;
}

size_t EventId::size() const noexcept {
    // A generated id fills all 36 bytes, and no id holds a NUL: no scan needed.
    if (chars_[kCapacity - 1] != '\0') return kCapacity;
    const void* end = std::memchr(chars_, '\0', kCapacity);
    return end ? static_cast<size_t>(static_cast<const char*>(end) - chars_) : kCapacity;
}

std::ostream& operator<<(std::ostream& out, const EventId& id) { return out << id.view(); }
std::ostream& operator<<(std::ostream& out, const EventType& type) { return out << type.view(); }

namespace {

constexpr std::string_view kBuiltinTypes[] = {
    event_type::command_invocation, event_type::command_error,  event_type::feature_used,
    event_type::update_check,       event_type::update_applied, event_type::deletion_request,
};
constexpr std::string_view kEmptyType;

// Entries are never removed: events anywhere in the process point at them.
struct CustomTypes {
    std::mutex mutex;
    std::deque<std::string> texts;             // a deque: elements stay where they are
    std::deque<std::string_view> entries;      // views of `texts`, what events point at
    std::unordered_map<std::string_view, const std::string_view*> by_text;
    bool refusal_logged = false;
};

CustomTypes& custom_types() {
    // Never destroyed, so events in static objects still read their type during exit.
    static CustomTypes* types = new CustomTypes;
    return *types;
}

}  // namespace

const std::string_view* EventType::intern(std::string_view text) noexcept {
    if (text.empty()) return &kEmptyType;
    for (const std::string_view& builtin : kBuiltinTypes)
        if (builtin == text) return &builtin;
    CustomTypes& types = custom_types();
    try {
        std::lock_guard lock(types.mutex);
        if (auto found = types.by_text.find(text); found != types.by_text.end()) return found->second;
        if (types.entries.size() >= kMaxCustomTypes) {
            if (!types.refusal_logged) {
                types.refusal_logged = true;
                detail::logger()->warn("overt: more than {} distinct custom event types; events of new types are "
                                       "dropped (counted as failed records)",
                                       kMaxCustomTypes);
            }
            return nullptr;
        }
        const std::string& stored = types.texts.emplace_back(text);
        const std::string_view* entry = &types.entries.emplace_back(stored);
        try {
            types.by_text.emplace(*entry, entry);
        } catch (...) {
            types.entries.pop_back();
            types.texts.pop_back();
            throw;
        }
        return entry;
    } catch (...) {  // out of memory: refused like a type past the cap
        return nullptr;
    }
}

EventType& EventType::operator=(std::string_view text) {
    if (text.empty()) {
        entry_ = nullptr;
        return *this;
    }
    const std::string_view* entry = intern(text);
    if (!entry)
        throw EventTypeLimitError("event type \"" + std::string(text) + "\" refused: more than " +
                                  std::to_string(kMaxCustomTypes) + " distinct custom event types");
    entry_ = entry;
    return *this;
}

const std::vector<std::string>& Event::no_args() noexcept {
    static const std::vector<std::string> kNone;
    return kNone;
}

const std::string& Event::no_error() noexcept {
    static const std::string kNone;
    return kNone;
}

static_assert(sizeof(void*) != 8 || sizeof(Event) <= 136, "Event grew: it is what a tool's buffer holds per event");

}  // namespace overt
