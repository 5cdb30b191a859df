// SPDX-License-Identifier: MIT
// The few protobuf wire-format primitives OTLP needs (varint, fixed64, length-delimited), for
// a two-pass encoder: sizes are computed first, so each embedded message's length prefix is
// known before its content and everything is written once, in place, into one buffer.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace overt::otlp {

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2 };

// 7 bits a byte. Both passes ask for several per attribute and nearly all are lengths below
// 128: that case first (the general formula was the profile's top line).
constexpr size_t varint_size(uint64_t value) {
    return value < 0x80 ? 1 : (static_cast<size_t>(std::bit_width(value)) + 6) / 7;
}

constexpr size_t tag_size(uint32_t field) { return varint_size(uint64_t{field} << 3); }

// A length-delimited field (bytes, string or embedded message) of `content_size` bytes.
constexpr size_t length_delimited_size(uint32_t field, size_t content_size) {
    return tag_size(field) + varint_size(content_size) + content_size;
}

constexpr size_t varint_field_size(uint32_t field, uint64_t value) { return tag_size(field) + varint_size(value); }
constexpr size_t fixed64_field_size(uint32_t field) { return tag_size(field) + 8; }

// Writers at a cursor into memory the caller sized with the functions above, each returning
// the cursor after what it wrote. The cursor is passed by value, not kept in an object: a
// char store may alias any object, so a member cursor was reloaded after every byte (it was
// the top cost of the encoder's profile); a local one stays in a register.
namespace pb {

inline char* varint(char* at, uint64_t value) noexcept {
    while (value >= 0x80) {
        *at++ = static_cast<char>((value & 0x7f) | 0x80);
        value >>= 7;
    }
    *at++ = static_cast<char>(value);
    return at;
}

inline char* tag(char* at, uint32_t field, WireType type) noexcept { return varint(at, (uint64_t{field} << 3) | type); }

// Copies `bytes` (which may be an empty view with a null data()). Attribute keys and values
// are mostly a few bytes: two overlapping fixed-size copies inline instead of a memcpy call.
inline char* raw(char* at, std::string_view bytes) noexcept {
    const size_t n = bytes.size();
    const char* from = bytes.data();
    if (n >= 8 && n <= 16) {
        std::memcpy(at, from, 8);
        std::memcpy(at + n - 8, from + n - 8, 8);
    } else if (n >= 4 && n < 8) {
        std::memcpy(at, from, 4);
        std::memcpy(at + n - 4, from + n - 4, 4);
    } else if (n > 16) {
        std::memcpy(at, from, n);
    } else {
        for (size_t i = 0; i < n; ++i) at[i] = from[i];
    }
    return at + n;
}

// The tag and length of a length-delimited field whose `content_size` bytes follow.
inline char* length_prefix(char* at, uint32_t field, size_t content_size) noexcept {
    return varint(tag(at, field, kLengthDelimited), content_size);
}

inline char* varint_field(char* at, uint32_t field, uint64_t value) noexcept {
    return varint(tag(at, field, kVarint), value);
}
inline char* int64_field(char* at, uint32_t field, int64_t value) noexcept {
    return varint_field(at, field, static_cast<uint64_t>(value));
}
inline char* fixed64_field(char* at, uint32_t field, uint64_t value) noexcept {
    at = tag(at, field, kFixed64);
    if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(at, &value, 8);  // the wire is little-endian: one store
        return at + 8;
    } else {
        for (int i = 0; i < 8; ++i) *at++ = static_cast<char>((value >> (8 * i)) & 0xff);
        return at;
    }
}
inline char* bytes_field(char* at, uint32_t field, std::string_view bytes) noexcept {
    return raw(length_prefix(at, field, bytes.size()), bytes);
}

}  // namespace pb

}  // namespace overt::otlp
