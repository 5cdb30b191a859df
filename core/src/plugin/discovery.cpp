// SPDX-License-Identifier: MIT
// Plugin search path and discovery (overt/plugins.hpp).
#include "plugin/builtin_backends.hpp"
#include "plugin/plugin_library.hpp"
#include "platform/plugin_files.hpp"
#include "platform/system.hpp"
#include "support/libovert_dir.hpp"
#include "support/trusted_file.hpp"

#include <overt/plugins.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <system_error>

namespace overt {

namespace {

// The plugin name inside "libovert-<name>.so" ("overt-<name>.dll" on Windows), or "" when the
// file is not named like a plugin.
std::string name_from_file(std::string_view file) {
    const std::string_view prefix = platform::plugin_file_prefix(), suffix = platform::plugin_file_suffix();
    if (file.size() <= prefix.size() + suffix.size() || !file.starts_with(prefix) || !file.ends_with(suffix))
        return {};
    return std::string(file.substr(prefix.size(), file.size() - prefix.size() - suffix.size()));
}

std::string join(const std::string& dir, const std::string& file) {
    return dir + (dir.empty() || dir.back() == '/' ? "" : "/") + file;
}

}  // namespace

std::string default_plugin_dir() {
    std::error_code ec;
    auto usable = [&ec](std::filesystem::path dir, std::string& out) {
        dir = dir.lexically_normal();
        if (!std::filesystem::is_directory(dir, ec)) return false;
        out = dir.string();
        if (out.size() > 1 && out.back() == '/') out.pop_back();
        return true;
    };
    std::string found;
    // Beside the libovert this process loaded (<libdir>/overt/plugins, in a build tree as in an
    // install): a tool built anywhere finds the plugins of the overt it runs with.
    if (const std::string lib = support::libovert_dir(); !lib.empty() && usable(std::filesystem::path(lib) / "overt" / "plugins", found))
        return found;
    // Relative to the program (the overt command of an install whose libovert is elsewhere).
    if (const std::string program = platform::program_path(); !program.empty() &&
        usable(std::filesystem::path(program).parent_path() / OVERT_PLUGIN_DIR_FROM_BIN, found))
        return found;
    return OVERT_DEFAULT_PLUGIN_DIR;
}

std::vector<std::string> plugin_search_path(const std::vector<std::string>& config_dirs) {
    std::vector<std::string> dirs;
    auto add = [&](std::string dir) {
        if (!dir.empty() && std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(std::move(dir));
    };
    for (const auto& dir : config_dirs) add(dir);
    // trusted_getenv (secure_getenv): a setuid tool ignores it (the trust checks would refuse such files anyway).
    if (const char* env = platform::trusted_getenv("OVERT_PLUGIN_PATH")) {
        std::string_view rest = env;
        while (!rest.empty()) {
            size_t separator = rest.find(platform::kPathListSeparator);
            add(std::string(rest.substr(0, separator)));
            if (separator == std::string_view::npos) break;
            rest.remove_prefix(separator + 1);
        }
    }
    add(default_plugin_dir());
    return dirs;
}

Discovery discover_plugins(const std::vector<std::string>& dirs) {
    Discovery found;
    std::map<std::string, std::string> first_path;  // name -> path that owns it
    // Built-ins own their names before any directory: a file of the same name is shadowed.
    for (const plugin::BuiltinBackend& builtin : plugin::builtin_backends()) {
        first_path.emplace(builtin.name, plugin::kBuiltinPath);
        try {
            found.plugins.push_back(plugin::load_builtin(builtin.name).info);
        } catch (const std::exception& refusal) {
            found.refused.push_back({std::string(plugin::kBuiltinPath) + " " + builtin.name, refusal.what()});
        }
    }
    for (const auto& dir : dirs) {
        std::error_code ec;
        std::vector<std::string> names;
        for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            std::string name = name_from_file(it->path().filename().string());
            if (!name.empty()) names.push_back(std::move(name));
        }
        std::sort(names.begin(), names.end());
        for (const auto& name : names) {
            const std::string path = join(dir, plugin::plugin_file_name(name));
            if (auto owner = first_path.find(name); owner != first_path.end()) {
                found.shadowed.push_back({name, path, owner->second});
                continue;
            }
            first_path.emplace(name, path);
            try {
                PluginInfo info = plugin::load_plugin(dir, name).info;
                info.path = path;
                found.plugins.push_back(std::move(info));
            } catch (const std::exception& refusal) {
                found.refused.push_back({path, refusal.what()});
            }
        }
    }
    return found;
}

}  // namespace overt
