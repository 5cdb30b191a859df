#include "datadog_tags.hpp"

#include <cstddef>
#include <cstdint>

namespace overt::datadog {

namespace {

constexpr size_t kMaxTagCharacters = 200;

// Length of the valid UTF-8 sequence of a non-control character at text[at] (2 to 4 bytes), or 0.
size_t utf8_character_length(std::string_view text, size_t at) {
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
    if (code_point < kSmallestOf[length] || code_point > 0x10ffff) return 0;
    if ((code_point >= 0xd800 && code_point <= 0xdfff) || code_point < 0xa0) return 0;
    return length;
}

bool is_allowed_ascii(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == ':' || c == '.' ||
           c == '/';
}

}  // namespace

TagCheck check_tag(std::string_view tag) {
    TagCheck out;
    if (tag.empty()) {
        out.error = "is empty";
        return out;
    }
    if (tag.find(',') != std::string_view::npos) {
        out.error = "contains a comma, which Datadog reads as the start of another tag";
        return out;
    }
    size_t characters = 0;
    bool starts_with_letter = false;
    for (size_t at = 0; at < tag.size(); ++characters) {
        char c = tag[at];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        size_t length = static_cast<unsigned char>(c) >= 0x80 ? utf8_character_length(tag, at) : 0;
        if (characters == 0) starts_with_letter = (c >= 'a' && c <= 'z') || length > 0;
        if (length > 0) {
            out.tag.append(tag.substr(at, length));
            at += length;
        } else {
            out.tag += is_allowed_ascii(c) ? c : '_';
            ++at;
        }
    }
    if (!starts_with_letter) out.error = "must start with a letter";
    else if (out.tag.back() == ':') out.error = "must not end with a colon";
    else if (characters > kMaxTagCharacters)
        out.error = "has " + std::to_string(characters) + " characters, more than Datadog's " +
                    std::to_string(kMaxTagCharacters);
    return out;
}

}  // namespace overt::datadog
