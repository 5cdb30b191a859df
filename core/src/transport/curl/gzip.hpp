// SPDX-License-Identifier: MIT
// gzip (RFC 1952) compression of request bodies, with zlib.
#pragma once

#include <string>
#include <string_view>

namespace overt::transport {

// Returns the gzip member for `data`. Throws std::runtime_error only if zlib itself fails.
std::string gzip_compress(std::string_view data);

// Inverse of gzip_compress (any gzip member); throws std::runtime_error on malformed input.
// For tests and capture servers.
std::string gzip_decompress(std::string_view data);

}  // namespace overt::transport
