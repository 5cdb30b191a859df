// SPDX-License-Identifier: MIT
// The telemetry event: the seed's fields and JSON names, plus event_id. Kept small (it is
// what a tool's buffer holds): the id inline, the type interned, the rare fields behind a pointer.
#pragma once

#include <overt/export.hpp>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace overt {

namespace event_type {
inline constexpr std::string_view command_invocation = "command.invocation";
inline constexpr std::string_view command_error = "command.error";
inline constexpr std::string_view feature_used = "feature.used";
inline constexpr std::string_view update_check = "update.check";
inline constexpr std::string_view update_applied = "update.applied";
inline constexpr std::string_view deletion_request = "data.deletion_request";
}  // namespace event_type

// Sorted by key, unique keys.
using Metadata = std::vector<std::pair<std::string, std::string>>;

// Fields that are the same for every event a process records. Shared, not copied, so the
// hot path does not allocate them per event; events read back from spill files keep the
// origin of the process that wrote them.
struct Origin {
    std::string machine_id;
    std::string tool_name;
    std::string version;
    std::string os;
    std::string arch;
    std::string runtime_version;  // JSON key "go_version" (seed name): the tool's toolchain
    std::string os_version;
};

// An event id held inline (no heap): up to 36 bytes, what a UUID takes; a shorter id ends at
// the first NUL. An id that does not fit (longer, or holding a NUL) is refused, never cut.
class OVERT_API EventId {
   public:
    static constexpr size_t kCapacity = 36;

    EventId() noexcept = default;
    // Throws std::length_error for an id that does not fit.
    explicit EventId(std::string_view text) { *this = text; }
    EventId& operator=(std::string_view text);

    static bool fits(std::string_view text) noexcept {
        return text.size() <= kCapacity && text.find('\0') == std::string_view::npos;
    }
    // False, and the id left as it was, for an id that does not fit.
    bool assign(std::string_view text) noexcept;

    std::string_view view() const noexcept { return {chars_, size()}; }
    std::string str() const { return std::string(view()); }
    size_t size() const noexcept;
    bool empty() const noexcept { return chars_[0] == '\0'; }

    friend bool operator==(const EventId&, const EventId&) noexcept = default;
    friend bool operator==(const EventId& id, std::string_view text) noexcept { return id.view() == text; }

   private:
    char chars_[kCapacity] = {};
};

// An event type interned for the life of the process: one pointer per event, no heap. The six
// built-in types are interned from the start; other types go into a process-wide set of at
// most kMaxCustomTypes, past which a new type is refused (so a tool cannot grow it unbounded).
class OVERT_API EventType {
   public:
    static constexpr size_t kMaxCustomTypes = 256;

    EventType() noexcept = default;
    // Throws EventTypeLimitError past kMaxCustomTypes distinct custom types.
    explicit EventType(std::string_view text) { *this = text; }
    EventType& operator=(std::string_view text);

    // Null past the cap instead of throwing.
    static const std::string_view* intern(std::string_view text) noexcept;

    std::string_view view() const noexcept { return entry_ ? *entry_ : std::string_view(); }
    std::string str() const { return std::string(view()); }
    size_t size() const noexcept { return view().size(); }
    bool empty() const noexcept { return view().empty(); }

    // Interned: one entry per distinct text, so the pointers compare as the texts do.
    friend bool operator==(const EventType&, const EventType&) noexcept = default;
    friend bool operator==(const EventType& type, std::string_view text) noexcept { return type.view() == text; }

   private:
    const std::string_view* entry_ = nullptr;  // null: the empty type
};

// For test output and logs: the text.
OVERT_API std::ostream& operator<<(std::ostream& out, const EventId& id);
OVERT_API std::ostream& operator<<(std::ostream& out, const EventType& type);

class OVERT_API EventTypeLimitError : public std::length_error {
   public:
    using std::length_error::length_error;
};

// The extended-collection fields, rarely set: an Event holds them behind one pointer.
struct EventExtended {
    std::vector<std::string> args;
    std::string error;
};

// An owning pointer that copies what it points to, so an Event copies as a value.
class OVERT_API EventExtendedPtr {
   public:
    EventExtendedPtr() noexcept = default;
    EventExtendedPtr(const EventExtendedPtr& other)
        : fields_(other.fields_ ? std::make_unique<EventExtended>(*other.fields_) : nullptr) {}
    EventExtendedPtr(EventExtendedPtr&&) noexcept = default;
    EventExtendedPtr& operator=(const EventExtendedPtr& other) {
        if (this != &other) fields_ = other.fields_ ? std::make_unique<EventExtended>(*other.fields_) : nullptr;
        return *this;
    }
    EventExtendedPtr& operator=(EventExtendedPtr&&) noexcept = default;

    const EventExtended* get() const noexcept { return fields_.get(); }
    EventExtended& get_or_create() {
        if (!fields_) fields_ = std::make_unique<EventExtended>();
        return *fields_;
    }
    void reset() noexcept { fields_.reset(); }

   private:
    std::unique_ptr<EventExtended> fields_;
};

// 136 bytes on 64-bit targets: fields ordered so none needs padding.
struct Event {
    EventId event_id;                 // UUID v4
    int32_t exit_code = 0;
    int64_t timestamp_unix_nano = 0;  // UTC
    EventType type;
    std::string name;
    std::shared_ptr<const Origin> origin;
    int64_t duration_ms = 0;
    EventExtendedPtr extended;                  // args and error: extended collection only
    std::shared_ptr<const Metadata> metadata;  // may be null (= empty)

    const std::vector<std::string>& args() const noexcept {
        return extended.get() ? extended.get()->args : no_args();
    }
    const std::string& error() const noexcept { return extended.get() ? extended.get()->error : no_error(); }
    void set_args(std::vector<std::string> args) {
        if (!args.empty() || extended.get()) extended.get_or_create().args = std::move(args);
        release_empty_extended();
    }
    void set_error(std::string error) {
        if (!error.empty() || extended.get()) extended.get_or_create().error = std::move(error);
        release_empty_extended();
    }

   private:
    OVERT_API static const std::vector<std::string>& no_args() noexcept;
    OVERT_API static const std::string& no_error() noexcept;
    void release_empty_extended() noexcept {
        if (extended.get() && extended.get()->args.empty() && extended.get()->error.empty()) extended.reset();
    }
};

// RFC 3339, UTC 'Z', nanoseconds with trailing zeros trimmed (Go's time.RFC3339Nano).
OVERT_API std::string format_timestamp(int64_t unix_nano);
// Appends what format_timestamp returns to `out`, with no string of its own (the plugin host
// formats one per event for plugins that skip the event JSON).
OVERT_API void append_timestamp(std::string& out, int64_t unix_nano);
// Parses what format_timestamp writes (and any RFC 3339 offset); false on malformed input.
OVERT_API bool parse_timestamp(std::string_view text, int64_t& unix_nano);

// Compact JSON in the seed's field order with event_id last; Go's escaping of <, >, &,
// U+2028 and U+2029; omitempty fields omitted.
OVERT_API std::string to_json(const Event& event);
OVERT_API void append_json(std::string& out, const Event& event);

// A new random UUID v4 (lowercase, 36 chars).
OVERT_API std::string new_event_id();
// The same, written straight into the inline id (no string allocated).
OVERT_API EventId generate_event_id();

}  // namespace overt
