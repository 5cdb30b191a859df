// The few protobuf wire-format primitives OTLP needs (varint, fixed64, length-delimited).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace overt::otlp {

class ProtobufWriter {
   public:
    enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2 };

    void varint_field(uint32_t field, uint64_t value) {
        tag(field, kVarint);
        varint(value);
    }
    void int64_field(uint32_t field, int64_t value) { varint_field(field, static_cast<uint64_t>(value)); }
    void fixed64_field(uint32_t field, uint64_t value) {
        tag(field, kFixed64);
        for (int i = 0; i < 8; ++i) out_ += static_cast<char>((value >> (8 * i)) & 0xff);
    }
    void bytes_field(uint32_t field, std::string_view bytes) {
        tag(field, kLengthDelimited);
        varint(bytes.size());
        out_.append(bytes);
    }
    // Embedded messages are written into their own writer first, then spliced in.
    void message_field(uint32_t field, const ProtobufWriter& message) { bytes_field(field, message.out_); }

    const std::string& bytes() const { return out_; }
    std::string take() { return std::move(out_); }

   private:
    void tag(uint32_t field, WireType type) { varint((uint64_t{field} << 3) | type); }
    void varint(uint64_t value) {
        while (value >= 0x80) {
            out_ += static_cast<char>((value & 0x7f) | 0x80);
            value >>= 7;
        }
        out_ += static_cast<char>(value);
    }

    std::string out_;
};

}  // namespace overt::otlp
