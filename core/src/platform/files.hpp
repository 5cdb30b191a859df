// SPDX-License-Identifier: MIT
// File operations whose checks differ by platform. Internal to libovert.
#pragma once

#include <cstddef>
#include <string>

namespace overt::platform {

// Up to max_bytes of path if it is a regular file (no link), owned by the current user and
// readable by nobody else (POSIX: no group/other bits; Windows: owned by the user). "" otherwise.
std::string read_private_file(const std::string& path, size_t max_bytes);

}  // namespace overt::platform
