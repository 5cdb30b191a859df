// SPDX-License-Identifier: MIT
// The telemetry event: the seed's fields and JSON names, plus event_id.
#pragma once

#include <overt/export.hpp>

#include <cstdint>
#include <memory>
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

struct Event {
    std::string event_id;           // UUID v4
    int64_t timestamp_unix_nano = 0;  // UTC
    std::string type;
    std::string name;
    std::shared_ptr<const Origin> origin;
    int64_t duration_ms = 0;
    int32_t exit_code = 0;
    std::vector<std::string> args;  // extended collection only
    std::string error;              // extended collection only
    std::shared_ptr<const Metadata> metadata;  // may be null (= empty)
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

}  // namespace overt
