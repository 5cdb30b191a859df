// SPDX-License-Identifier: MIT
// libFuzzer: the spill reader (spill::decode) on arbitrary bytes. What decodes must encode
// and decode again to the same events.
#include "spill/spill_format.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    overt::spill::SpillContent content;
    std::string error;
    if (!overt::spill::decode(text, content, error)) {
        if (error.empty()) __builtin_trap();  // a refusal must say why
        return 0;
    }
    const std::string again = overt::spill::encode(content.tool, content.pending, content.events);
    overt::spill::SpillContent round_trip;
    if (!overt::spill::decode(again, round_trip, error)) __builtin_trap();
    if (round_trip.events.size() != content.events.size()) __builtin_trap();
    for (size_t i = 0; i < content.events.size(); ++i)
        if (round_trip.events[i].event_id != content.events[i].event_id) __builtin_trap();
    return 0;
}
