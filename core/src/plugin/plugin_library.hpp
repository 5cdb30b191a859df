// SPDX-License-Identifier: MIT
// Loading a plugin library once per file and checking its descriptor. Internal to libovert.
#pragma once

#include "schema/json_schema.hpp"

#include <overt/backend.h>
#include <overt/plugins.hpp>

#include <memory>
#include <string>

namespace overt::plugin {

// A plugin whose library is loaded (for the rest of the process) and whose descriptor passed
// the checks. Lives as long as the process.
struct LoadedPlugin {
    PluginInfo info;
    const overt_backend_descriptor* descriptor = nullptr;
    std::unique_ptr<schema::JsonSchema> config_schema;  // null when the plugin declares none
    bool has_describe = false;
    bool has_validate = false;  // ABI 1.1's validate entry is there
};

// Checks the descriptor fields that do not depend on the file name (ABI, required functions,
// name, config schema) and reads its info. Pure: touches nothing but `descriptor`. Throws Refusal.
std::unique_ptr<LoadedPlugin> check_descriptor(const overt_backend_descriptor* descriptor, const std::string& path);

// "libovert-<name>.so"
std::string plugin_file_name(const std::string& name);

// Trust-checks <dir>/libovert-<name>.so, compares the optional sha256 pin, loads it (once per
// file) and checks its descriptor against this host's ABI and `name`. Throws Refusal.
const LoadedPlugin& load_plugin(const std::string& dir, const std::string& name, const std::string& sha256_pin = {});

// The built-in backend `name` (builtin_backends.hpp): its entry called once, its descriptor
// checked as a plugin file's is, and against `name`. Throws Refusal when there is none or it is refused.
const LoadedPlugin& load_builtin(const std::string& name);

}  // namespace overt::plugin
