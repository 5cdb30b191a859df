// SPDX-License-Identifier: MIT
// Backends compiled into libovert (OVERT_BUILTIN_BACKENDS) rather than loaded from a plugin
// directory. They come first in the search order: a directory's plugin file with a built-in's
// name is shadowed, never loaded. Internal to libovert.
#pragma once

#include "plugin/plugin_library.hpp"

#include <overt/backend.h>

#include <span>
#include <string>

namespace overt::plugin {

struct BuiltinBackend {
    const char* name;
    overt_backend_entry_fn entry;
};

// What PluginInfo::path and the messages say instead of a file.
inline constexpr const char* kBuiltinPath = "(built-in)";

// The table generated for this libovert (builtin_table.cpp.in), in name order of the build option.
std::span<const BuiltinBackend> builtin_backends() noexcept;

// This libovert is an archive linked into the program: no overt-sender of its own beside it.
bool libovert_linked_statically() noexcept;

bool is_builtin(const std::string& name) noexcept;

// The built-in backend `name`: its entry called once, its descriptor checked as a plugin
// file's is (and against `name`). Throws Refusal when there is none or it is refused.
const LoadedPlugin& load_builtin(const std::string& name);

}  // namespace overt::plugin
