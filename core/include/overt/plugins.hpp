// SPDX-License-Identifier: MIT
// The plugin host: finds backend plugins (libovert-<name>.so), checks that they can be
// trusted before loading them, and turns a configured backend into an overt::Sink.
//
// Search order: the backends built into libovert (OVERT_BUILTIN_BACKENDS), then config
// `plugin_dirs`, then OVERT_PLUGIN_PATH (colon-separated), then the install's plugin dir (found
// beside the loaded libovert, else relative to the running executable, else the configured
// prefix). The first that has a plugin name wins; later copies are "shadowed", never loaded, so
// a file in a plugin dir cannot stand in for a built-in.
// Libraries are loaded once per file with RTLD_NOW|RTLD_LOCAL and never unloaded.
#pragma once

#include <overt/export.hpp>

#include <overt/config.hpp>
#include <overt/sink.hpp>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace overt {

// What a loadable plugin says about itself.
struct PluginInfo {
    std::string name;
    std::string version;
    std::string vendor;
    std::string description;
    uint32_t abi_major = 0;
    uint32_t abi_minor = 0;
    uint64_t capabilities = 0;  // OVERT_CAP_* from overt/backend.h
    std::string path;           // "(built-in)" for a built-in backend
    std::string config_schema;  // JSON Schema text ("" when the plugin declares none)
    bool builtin = false;       // compiled into libovert (OVERT_BUILTIN_BACKENDS), not a file
};

// A file that looks like a plugin but was not accepted, and why.
struct RefusedPlugin {
    std::string path;
    std::string reason;
};

// A plugin file ignored because a directory earlier in the search path has the same name.
struct ShadowedPlugin {
    std::string name;
    std::string path;
    std::string shadowed_by;
};

struct Discovery {
    std::vector<PluginInfo> plugins;   // in search order
    std::vector<RefusedPlugin> refused;
    std::vector<ShadowedPlugin> shadowed;
};

// What is wrong with a plugin config block (JSON text) by the plugin's JSON Schema (draft-07,
// the validator libovert loads plugins with): one "/endpoint: must be a string" line per problem,
// empty when the block validates. Text that is not JSON, or a schema libovert cannot use, is a
// problem of its own. For the conformance kit (ConformanceOptions::schema_check). Thread-safe.
OVERT_API std::vector<std::string> config_schema_problems(std::string_view schema_json, std::string_view config_json);

// overt.yaml's JSON Schema for editors (yaml-language-server and the like): every number,
// boolean or enum may also be a ${VAR} reference, as overt expands those before it checks; with
// `plugins` (from discover_plugins), a backend block naming one of them is checked against that
// plugin's own schema, so a misspelt key is shown. Plugins without a schema keep the open block.
OVERT_API std::string editor_config_schema(const std::vector<PluginInfo>& plugins = {});

// The directories searched, in order: `config_dirs`, then OVERT_PLUGIN_PATH, then the default.
OVERT_API std::vector<std::string> plugin_search_path(const std::vector<std::string>& config_dirs = {});

// The install's plugin dir: overt/plugins beside the loaded libovert (found with dladdr, on
// Windows GetModuleHandleEx) if it exists, else <exe dir>/OVERT_PLUGIN_DIR_FROM_BIN if it
// exists, else OVERT_DEFAULT_PLUGIN_DIR (the compiled-in prefix).
OVERT_API std::string default_plugin_dir();

// Lists the built-in backends, then every libovert-*.so (overt-*.dll on Windows) in `dirs`.
// Loads the ones that pass the trust checks (which runs their static constructors) to read
// their descriptors. Missing directories are skipped.
OVERT_API Discovery discover_plugins(const std::vector<std::string>& dirs);

// A backend could not be created. what() names the backend, the plugin, its file (when one
// was found) and the reason.
class OVERT_API PluginError : public std::runtime_error {
   public:
    PluginError(std::string backend_id, std::string plugin, std::string path, const std::string& reason);
    const std::string& backend_id() const noexcept { return backend_id_; }
    const std::string& plugin() const noexcept { return plugin_; }
    const std::string& path() const noexcept { return path_; }

   private:
    std::string backend_id_;
    std::string plugin_;
    std::string path_;
};

// A plugin's own verdict on a backend's settings, asked without creating anything: its
// validate entry (plugin ABI 1.1) runs the checks create() would.
struct SettingsCheck {
    enum class Verdict {
        accepted,
        refused,      // `problem` says why, as create() would have
        not_offered,  // an ABI 1.0 plugin: its settings are checked only when it is created
    };
    Verdict verdict = Verdict::not_offered;
    std::string problem;
    std::vector<std::string> warnings;  // what the plugin logged at WARN or above meanwhile
};

namespace detail {
struct PluginHostAccess;
}

// Thread safety: create_sink() and check_settings() may be called from several threads at
// once (a plugin file is loaded once per process, under a lock); moving a host is not.
class OVERT_API PluginHost {
   public:
    // A host without an HTTP service: plugins that call http_post get a transport error.
    // (libovert's collector builds its host with the libcurl service.)
    explicit PluginHost(std::vector<std::string> search_dirs);
    ~PluginHost();
    PluginHost(PluginHost&&) noexcept;
    PluginHost& operator=(PluginHost&&) noexcept;

    const std::vector<std::string>& search_dirs() const noexcept;

    // Finds and loads the plugin, checks its sha256 pin, validates settings_json against the
    // plugin's config schema and creates an instance. Throws PluginError.
    std::unique_ptr<Sink> create_sink(const BackendConfig& backend);

    // Finds and loads the plugin as create_sink does, checks settings_json against its schema,
    // then asks the plugin (bounded in time like create). Throws PluginError when the plugin
    // cannot be found or loaded, or does not answer in time.
    SettingsCheck check_settings(const BackendConfig& backend);

   private:
    class Impl;
    OVERT_LOCAL explicit PluginHost(std::unique_ptr<Impl> impl);
    friend struct detail::PluginHostAccess;  // libovert's own code (a host with its HTTP service)
    std::unique_ptr<Impl> impl_;
};

}  // namespace overt
