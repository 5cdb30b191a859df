// SPDX-License-Identifier: MIT
#include "support/short_digest.hpp"

#include "platform/sha256.hpp"

namespace overt::support {

std::string sha256_prefix_hex(std::string_view text, size_t hex_digits) {
    return platform::hex_prefix(platform::sha256(text), hex_digits / 2);
}

}  // namespace overt::support
