// SPDX-License-Identifier: MIT
#include "platform/sha256.hpp"

#include "support/trusted_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace overt::platform {

Sha256::Digest sha256(std::string_view text) {
    Sha256 hash;
    hash.update(text.data(), text.size());
    return hash.finish();
}

std::string hex_prefix(const Sha256::Digest& digest, size_t bytes) {
    static constexpr char kHexDigits[] = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < bytes && i < digest.size(); ++i) {
        out += kHexDigits[digest[i] >> 4];
        out += kHexDigits[digest[i] & 0xf];
    }
    return out;
}

}  // namespace overt::platform

namespace overt::support {

std::string sha256_hex_of_path(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Refusal(std::string("cannot open: ") + std::strerror(errno));
    platform::Sha256 hash;
    char buffer[64 * 1024];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) hash.update(buffer, static_cast<size_t>(in.gcount()));
    if (in.bad()) throw Refusal("cannot read");
    return platform::hex_prefix(hash.finish());
}

}  // namespace overt::support
