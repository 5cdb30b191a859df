// SPDX-License-Identifier: MIT
// A short, stable name for a string (a tool name) where it must appear in a file name.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace overt::support {

// The first `hex_digits` (even, ≤ 64) lowercase hex digits of sha256(text).
std::string sha256_prefix_hex(std::string_view text, size_t hex_digits);

}  // namespace overt::support
