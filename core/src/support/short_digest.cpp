// SPDX-License-Identifier: MIT
#include "support/short_digest.hpp"

#include <nettle/sha2.h>

#include <algorithm>
#include <cstdint>

namespace overt::support {

std::string sha256_prefix_hex(std::string_view text, size_t hex_digits) {
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, text.size(), reinterpret_cast<const uint8_t*>(text.data()));
    sha256_digest(&ctx, sizeof digest, digest);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < std::min<size_t>(hex_digits / 2, SHA256_DIGEST_SIZE); ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 0xf];
    }
    return out;
}

}  // namespace overt::support
