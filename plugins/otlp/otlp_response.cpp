// SPDX-License-Identifier: MIT
#include "otlp_response.hpp"

#include "utf8_text.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace overt::otlp {

namespace {

using Json = nlohmann::json;

uint64_t read_varint(std::string_view data, size_t& at) {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (at >= data.size()) throw std::runtime_error("truncated varint");
        const auto byte = static_cast<unsigned char>(data[at++]);
        value |= uint64_t{byte & 0x7fu} << shift;
        if (!(byte & 0x80u)) return value;
    }
    throw std::runtime_error("varint too long");
}

struct Field {
    uint32_t number = 0;
    uint32_t wire_type = 0;
    uint64_t varint = 0;
    std::string_view bytes;
};

// Calls on_field for every field of a protobuf message; throws on a malformed one.
template <class OnField>
void for_each_field(std::string_view message, OnField on_field) {
    size_t at = 0;
    while (at < message.size()) {
        const uint64_t tag = read_varint(message, at);
        Field field;
        field.number = static_cast<uint32_t>(tag >> 3);
        field.wire_type = static_cast<uint32_t>(tag & 7);
        if (field.number == 0) throw std::runtime_error("field number 0");
        switch (field.wire_type) {
            case 0: field.varint = read_varint(message, at); break;
            case 1:
            case 5: {
                const size_t width = field.wire_type == 1 ? 8 : 4;
                if (message.size() - at < width) throw std::runtime_error("truncated fixed field");
                at += width;
                break;
            }
            case 2: {
                const uint64_t size = read_varint(message, at);
                if (size > message.size() - at) throw std::runtime_error("truncated length-delimited field");
                field.bytes = message.substr(at, size);
                at += size;
                break;
            }
            default: throw std::runtime_error("unsupported wire type");
        }
        on_field(field);
    }
}

bool looks_like_json(std::string_view body) {
    const size_t first = body.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && body[first] == '{';
}

// An int64 as protobuf JSON carries it: a number, or a decimal string.
int64_t json_int64(const Json& value) {
    if (value.is_number_integer()) return value.get<int64_t>();
    if (value.is_string()) return std::stoll(value.get<std::string>());
    throw std::runtime_error("not an integer");
}

const Json* json_member(const Json& object, const char* camel_case, const char* snake_case) {
    if (!object.is_object()) return nullptr;
    if (auto it = object.find(camel_case); it != object.end()) return &*it;
    if (auto it = object.find(snake_case); it != object.end()) return &*it;
    return nullptr;
}

}  // namespace

std::string printable(std::string_view text, size_t max_chars) {
    static constexpr char kHex[] = "0123456789abcdef";
    static constexpr std::string_view kCut = "...";
    std::string out;
    out.reserve(text.size() < max_chars ? text.size() : max_chars);
    size_t at = 0;
    while (at < text.size()) {
        const auto byte = static_cast<unsigned char>(text[at]);
        const bool plain = byte >= 0x20 && byte < 0x7f;
        const size_t length = plain ? 1 : byte >= 0x80 ? net::printable_utf8_length(text, at) : 0;
        const size_t written = length > 0 ? length : 4;  // a byte with no glyph becomes \xNN
        // Room is kept for the cut marker unless this is the last piece.
        const size_t room_needed = written + (at + (length > 0 ? length : 1) < text.size() ? kCut.size() : 0);
        if (out.size() + room_needed > max_chars) {
            out += kCut;
            return out;
        }
        if (length > 0) {
            out.append(text.substr(at, length));
            at += length;
        } else {
            out += "\\x";
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0f];
            ++at;
        }
    }
    return out;
}

std::optional<PartialSuccess> decode_partial_success(std::string_view body) {
    PartialSuccess found;
    bool present = false;
    try {
        if (looks_like_json(body)) {
            const Json parsed = Json::parse(body);
            const Json* partial = json_member(parsed, "partialSuccess", "partial_success");
            if (!partial || !partial->is_object()) return std::nullopt;
            if (const Json* rejected = json_member(*partial, "rejectedLogRecords", "rejected_log_records"))
                found.rejected_log_records = json_int64(*rejected), present = true;
            if (const Json* message = json_member(*partial, "errorMessage", "error_message");
                message && message->is_string())
                found.error_message = message->get<std::string>(), present = true;
        } else {
            // ExportLogsServiceResponse.partial_success = 1; ExportLogsPartialSuccess:
            // rejected_log_records = 1 (int64), error_message = 2 (string).
            for_each_field(body, [&](const Field& response_field) {
                if (response_field.number != 1 || response_field.wire_type != 2) return;
                for_each_field(response_field.bytes, [&](const Field& field) {
                    if (field.number == 1 && field.wire_type == 0)
                        found.rejected_log_records = static_cast<int64_t>(field.varint), present = true;
                    if (field.number == 2 && field.wire_type == 2)
                        found.error_message = std::string(field.bytes), present = true;
                });
            });
        }
    } catch (const std::exception&) {
        return std::nullopt;  // a 200 with a body we cannot read still delivered the records
    }
    if (!present || (found.rejected_log_records == 0 && found.error_message.empty())) return std::nullopt;
    return found;
}

std::string describe_error_body(std::string_view body) {
    bool has_code = false;
    int64_t code = 0;
    std::optional<std::string> message;
    try {
        if (looks_like_json(body)) {
            const Json parsed = Json::parse(body);
            if (auto it = parsed.find("code"); it != parsed.end() && it->is_number_integer())
                code = it->get<int64_t>(), has_code = true;
            if (auto it = parsed.find("message"); it != parsed.end() && it->is_string()) message = it->get<std::string>();
        } else {
            // google.rpc.Status: code = 1 (int32), message = 2 (string), details = 3. Any other
            // field means the body is something else (a proxy's text page, say).
            bool other_field = false;
            for_each_field(body, [&](const Field& field) {
                if (field.number == 1 && field.wire_type == 0)
                    code = static_cast<int32_t>(field.varint), has_code = true;
                else if (field.number == 2 && field.wire_type == 2) message = std::string(field.bytes);
                else if (field.number != 3 || field.wire_type != 2) other_field = true;
            });
            if (other_field) has_code = false, message.reset();
        }
    } catch (const std::exception&) {
        has_code = false, message.reset();
    }
    if (!has_code && !message) return printable(body);
    std::string out = "code " + std::to_string(code);
    constexpr size_t kShownChars = 200;  // what the host shows of an answer body
    if (message && !message->empty()) out += ": " + printable(*message, kShownChars - out.size() - 2);
    return out;
}

}  // namespace overt::otlp
