// SPDX-License-Identifier: MIT
// SHA-256 from the system's own implementation: Nettle on POSIX, CNG (BCrypt) on Windows.
// Internal to libovert.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace overt::platform {

class Sha256 {
   public:
    using Digest = std::array<uint8_t, 32>;
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(const void* data, size_t size);
    Digest finish();  // once

   private:
    struct State;
    std::unique_ptr<State> state_;
};

Sha256::Digest sha256(std::string_view text);

// Lowercase hex of the first `bytes` bytes of a digest.
std::string hex_prefix(const Sha256::Digest& digest, size_t bytes = 32);

}  // namespace overt::platform
