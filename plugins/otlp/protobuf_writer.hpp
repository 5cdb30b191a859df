// SPDX-License-Identifier: MIT
// The few protobuf wire-format primitives OTLP needs (varint, fixed64, length-delimited), for
// a two-pass encoder: sizes are computed first, so each embedded message's length prefix is
// known before its content and everything is written once, in place, into one buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace overt::otlp {

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2 };

constexpr size_t varint_size(uint64_t value) {
    size_t size = 1;
    while (value >= 0x80) {
        value >>= 7;
        ++size;
    }
    return size;
}

constexpr size_t tag_size(uint32_t field) { return varint_size(uint64_t{field} << 3); }

// A length-delimited field (bytes, string or embedded message) of `content_size` bytes.
constexpr size_t length_delimited_size(uint32_t field, size_t content_size) {
    return tag_size(field) + varint_size(content_size) + content_size;
}

constexpr size_t varint_field_size(uint32_t field, uint64_t value) { return tag_size(field) + varint_size(value); }
constexpr size_t fixed64_field_size(uint32_t field) { return tag_size(field) + 8; }

// Writes at a cursor into memory the caller sized with the functions above.
class ProtobufWriter {
   public:
    explicit ProtobufWriter(char* cursor) noexcept : cursor_(cursor) {}

    void varint_field(uint32_t field, uint64_t value) noexcept {
        tag(field, kVarint);
        varint(value);
    }
    void int64_field(uint32_t field, int64_t value) noexcept { varint_field(field, static_cast<uint64_t>(value)); }
    void fixed64_field(uint32_t field, uint64_t value) noexcept {
        tag(field, kFixed64);
        for (int i = 0; i < 8; ++i) *cursor_++ = static_cast<char>((value >> (8 * i)) & 0xff);
    }
    void bytes_field(uint32_t field, std::string_view bytes) noexcept {
        length_prefix(field, bytes.size());
        raw(bytes);
    }
    // The tag and length of a length-delimited field whose `content_size` bytes follow.
    void length_prefix(uint32_t field, size_t content_size) noexcept {
        tag(field, kLengthDelimited);
        varint(content_size);
    }
    void raw(std::string_view bytes) noexcept {
        if (bytes.empty()) return;  // data() may be null: not for memcpy
        std::memcpy(cursor_, bytes.data(), bytes.size());
        cursor_ += bytes.size();
    }

    char* cursor() const noexcept { return cursor_; }

   private:
    void tag(uint32_t field, WireType type) noexcept { varint((uint64_t{field} << 3) | type); }
    void varint(uint64_t value) noexcept {
        while (value >= 0x80) {
            *cursor_++ = static_cast<char>((value & 0x7f) | 0x80);
            value >>= 7;
        }
        *cursor_++ = static_cast<char>(value);
    }

    char* cursor_;
};

}  // namespace overt::otlp
