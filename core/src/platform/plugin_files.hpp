// SPDX-License-Identifier: MIT
// What plugin files are called: libovert-<name>.so on POSIX (macOS would be
// libovert-<name>.dylib), overt-<name>.dll on Windows. Internal to libovert.
#pragma once

#include <string>
#include <string_view>

namespace overt::platform {

std::string_view plugin_file_prefix();  // "libovert-"; "overt-"
std::string_view plugin_file_suffix();  // ".so"; ".dll"

inline std::string plugin_file_name(const std::string& name) {
    return std::string(plugin_file_prefix()) + name + std::string(plugin_file_suffix());
}

}  // namespace overt::platform
