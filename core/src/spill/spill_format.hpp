// SPDX-License-Identifier: MIT
// The spill file format:
//   {"overt_spill":1,"tool":"<tool>","pending":["<sink id>",...],"events":[<event>...]}
// where each event is what to_json() writes and `pending` lists the sinks that still owe
// delivery. The seed's legacy form, a bare JSON array of events, is read as owed to all sinks.
#pragma once

#include <overt/event.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace overt::spill {

inline constexpr int kFormatVersion = 1;
inline constexpr size_t kMaxFileBytes = size_t{1} << 20;  // chunking threshold, as in the seed

struct SpillContent {
    std::string tool;
    std::vector<std::string> pending;  // empty with legacy = owed to every sink
    bool legacy = false;
    std::vector<Event> events;
    // Events of a sound file that did not decode: left out of `events`, counted, the first
    // one's reason kept.
    size_t undecodable_events = 0;
    std::string undecodable_reason;
};

// One file's text; events in order.
std::string encode(std::string_view tool, std::span<const std::string> pending, std::span<const Event> events);

struct Chunk {
    std::string text;
    size_t event_count = 0;
};
// Splits into files of at most kMaxFileBytes; a single event larger than that gets its own.
std::vector<Chunk> encode_chunks(std::string_view tool, std::span<const std::string> pending,
                                 std::span<const Event> events);

// False with a message naming what is wrong (bad JSON with its position, wrong shape,
// unknown version, a field of the wrong type, no event that decodes). An event that does not
// decode beside others that do does not lose them: it is counted in undecodable_events.
bool decode(std::string_view text, SpillContent& out, std::string& error);

}  // namespace overt::spill
