// SPDX-License-Identifier: MIT
// What plugin files are called: libovert-<name>.so on POSIX (macOS would be
// libovert-<name>.dylib), overt-<name>.dll on Windows. Internal to libovert.
#pragma once

#include <string>
#include <string_view>

namespace overt::platform {

// Between the folders of OVERT_PLUGIN_PATH, as in PATH: ':' on POSIX, ';' on Windows (where
// ':' follows every drive letter).
#ifdef _WIN32
inline constexpr char kPathListSeparator = ';';
#else
inline constexpr char kPathListSeparator = ':';
#endif

std::string_view plugin_file_prefix();  // "libovert-"; "overt-"
std::string_view plugin_file_suffix();  // ".so"; ".dll"

inline std::string plugin_file_name(const std::string& name) {
    return std::string(plugin_file_prefix()) + name + std::string(plugin_file_suffix());
}

}  // namespace overt::platform
