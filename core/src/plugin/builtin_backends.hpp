// SPDX-License-Identifier: MIT
// Backends compiled into libovert (OVERT_BUILTIN_BACKENDS) rather than loaded from a plugin
// directory. They come first in the search order: a directory's plugin file with a built-in's
// name is shadowed, never loaded. Internal to libovert; light, as every libovert's generated
// table includes it (load_builtin is in plugin_library.hpp).
#pragma once

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

// The table generated for this libovert (builtin_table.cpp.in), in the order OVERT_BUILTIN_BACKENDS names them.
std::span<const BuiltinBackend> builtin_backends() noexcept;

// This libovert is an archive linked into the program: no overt-sender of its own beside it.
bool libovert_linked_statically() noexcept;

bool is_builtin(const std::string& name) noexcept;

}  // namespace overt::plugin
