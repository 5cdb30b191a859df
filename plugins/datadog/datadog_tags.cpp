// SPDX-License-Identifier: MIT
#include "datadog_tags.hpp"

#include "utf8_text.hpp"

#include <cstddef>
#include <cstdint>

namespace overt::datadog {

namespace {

constexpr size_t kMaxTagCharacters = 200;

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
        size_t length = static_cast<unsigned char>(c) >= 0x80 ? net::printable_utf8_length(tag, at) : 0;
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
