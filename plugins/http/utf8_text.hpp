// SPDX-License-Identifier: MIT
// UTF-8 checks shared by the network backends: which bytes of server text or config may be
// shown or kept as they are. Header-only, so each plugin stays a self-contained shared object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace overt::net {

// Length of the valid UTF-8 sequence of a printable non-ASCII character at text[at] (2 to 4
// bytes), or 0 for anything else: a stray or truncated byte, an overlong form, a surrogate,
// a code point past U+10FFFF or a C1 control.
inline size_t printable_utf8_length(std::string_view text, size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    size_t length = 0;
    uint32_t code_point = 0;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2, code_point = lead & 0x1fu;
    else if (lead >= 0xe0 && lead <= 0xef) length = 3, code_point = lead & 0x0fu;
    else if (lead >= 0xf0 && lead <= 0xf4) length = 4, code_point = lead & 0x07u;
    else return 0;
    if (text.size() - at < length) return 0;
    for (size_t i = 1; i < length; ++i) {
        const auto next = static_cast<unsigned char>(text[at + i]);
        if ((next & 0xc0u) != 0x80u) return 0;
        code_point = (code_point << 6) | (next & 0x3fu);
    }
    static constexpr uint32_t kSmallestOf[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kSmallestOf[length] || code_point > 0x10ffff) return 0;  // overlong or too big
    if (code_point >= 0xd800 && code_point <= 0xdfff) return 0;                // surrogate
    if (code_point < 0xa0) return 0;                                           // C1 control
    return length;
}

}  // namespace overt::net
