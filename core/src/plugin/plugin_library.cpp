// SPDX-License-Identifier: MIT
#include "plugin/plugin_library.hpp"

#include "platform/shared_library.hpp"
#include "plugin/builtin_backends.hpp"
#include "support/trusted_file.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <map>
#include <mutex>
#include <utility>

namespace overt::plugin {

namespace {

struct LibraryEntry {
    // Held and never released: plugins stay loaded for the lifetime of the process.
    std::unique_ptr<boost::dll::shared_library> library;
    // The checked file stays open as long as the library is loaded: on Linux the library was
    // loaded as /proc/self/fd/N, and the loader matches later loads by that name first, so N
    // must never name another file; on Windows the open handle keeps the file from changing.
    std::unique_ptr<support::TrustedFile> file;
    std::unique_ptr<LoadedPlugin> plugin;
    std::string refusal;  // the descriptor was refused (the library stays loaded regardless)
};

struct Registry {
    std::mutex mutex;
    std::map<support::FileIdentity, LibraryEntry> entries;
};

Registry& registry() {
    // Deliberately never destroyed: destroying it would dlclose libraries whose code may
    // still run in static destructors.
    static Registry* instance = new Registry;
    return *instance;
}

std::string text_or_empty(const char* s) { return s ? std::string(s) : std::string(); }

constexpr size_t kRequiredDescriptorSize = offsetof(overt_backend_descriptor, destroy) + sizeof(void (*)(void*));
constexpr size_t kDescribeEnd = offsetof(overt_backend_descriptor, describe) + sizeof(void*);
constexpr size_t kValidateEnd = offsetof(overt_backend_descriptor, validate) + sizeof(void*);
constexpr uint32_t kMaxDescriptorSize = 64 * 1024;

}  // namespace

std::unique_ptr<LoadedPlugin> check_descriptor(const overt_backend_descriptor* d, const std::string& path) {
    if (!d) throw support::Refusal("entry point returned no descriptor");
    if (d->struct_size < kRequiredDescriptorSize || d->struct_size > kMaxDescriptorSize)
        throw support::Refusal("descriptor struct_size " + std::to_string(d->struct_size) + " is not a plausible size");
    if (d->abi_major != OVERT_ABI_MAJOR) {
        throw support::Refusal("plugin ABI " + std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor) +
                      " is incompatible: this host speaks ABI " + std::to_string(OVERT_ABI_MAJOR) + ".x");
    }
    if (d->abi_minor > OVERT_ABI_MINOR) {
        throw support::Refusal("plugin needs ABI " + std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor) +
                      ", newer than this host's " + std::to_string(OVERT_ABI_MAJOR) + "." +
                      std::to_string(OVERT_ABI_MINOR));
    }
    std::string missing;
    if (!d->create) missing += " create";
    if (!d->send) missing += " send";
    if (!d->flush) missing += " flush";
    if (!d->destroy) missing += " destroy";
    if (!missing.empty()) throw support::Refusal("required function(s) missing from the descriptor:" + missing);
    if (!d->name || !*d->name) throw support::Refusal("descriptor has no name");

    auto plugin = std::make_unique<LoadedPlugin>();
    plugin->descriptor = d;
    plugin->has_describe = d->struct_size >= kDescribeEnd && d->describe != nullptr;
    plugin->has_validate = d->struct_size >= kValidateEnd && d->validate != nullptr;
    PluginInfo& info = plugin->info;
    info.name = d->name;
    info.version = text_or_empty(d->version);
    info.vendor = text_or_empty(d->vendor);
    info.description = text_or_empty(d->description);
    info.abi_major = d->abi_major;
    info.abi_minor = d->abi_minor;
    info.capabilities = d->capabilities;
    info.path = path;
    info.config_schema = text_or_empty(d->config_schema);
    if (!info.config_schema.empty()) {
        try {
            plugin->config_schema = std::make_unique<schema::JsonSchema>(schema::JsonSchema::parse(info.config_schema));
        } catch (const std::exception& e) {
            throw support::Refusal(std::string("its config_schema is unusable: ") + e.what());
        }
    }
    return plugin;
}

namespace {

const LoadedPlugin& load_locked(LibraryEntry& entry, support::TrustedFile& file, const std::string& path) {
    if (entry.plugin) return *entry.plugin;
    if (!entry.refusal.empty()) throw support::Refusal(entry.refusal);

    // Say plainly what is wrong with a file that is no shared library before the loader does.
    if (std::string problem = platform::not_a_shared_library(file); !problem.empty())
        throw support::Refusal("cannot load: " + problem);

    auto library = std::make_unique<boost::dll::shared_library>();
    try {
        platform::load_checked_library(*library, file);
    } catch (const support::Refusal& refusal) {
        throw support::Refusal(std::string("cannot load: ") + refusal.what());
    }
    entry.library = std::move(library);
    entry.file = std::make_unique<support::TrustedFile>(std::move(file));
    try {
        if (!entry.library->has(OVERT_BACKEND_ENTRY_SYMBOL))
            throw support::Refusal("no entry point " OVERT_BACKEND_ENTRY_SYMBOL " (not an overt plugin?)");
        auto& entry_fn = entry.library->get<const overt_backend_descriptor*()>(OVERT_BACKEND_ENTRY_SYMBOL);
        const overt_backend_descriptor* descriptor = nullptr;
        try {
            descriptor = entry_fn();
        } catch (...) {
            throw support::Refusal("entry point threw an exception");
        }
        entry.plugin = check_descriptor(descriptor, path);
        return *entry.plugin;
    } catch (const support::Refusal& refusal) {
        entry.refusal = refusal.what();
        throw;
    } catch (const std::exception& e) {
        entry.refusal = std::string("cannot read the entry point: ") + e.what();
        throw support::Refusal(entry.refusal);
    }
}

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

}  // namespace

bool is_builtin(const std::string& name) noexcept {
    for (const BuiltinBackend& builtin : builtin_backends())
        if (name == builtin.name) return true;
    return false;
}

const LoadedPlugin& load_builtin(const std::string& name) {
    struct BuiltinEntry {
        std::unique_ptr<LoadedPlugin> plugin;
        std::string refusal;
    };
    // Never destroyed, like the library registry: sinks hold its descriptors to the end.
    static auto* loaded = new std::map<std::string, BuiltinEntry>;
    static std::mutex mutex;
    const auto builtin = std::find_if(builtin_backends().begin(), builtin_backends().end(),
                                      [&](const BuiltinBackend& b) { return name == b.name; });
    if (builtin == builtin_backends().end()) throw support::Refusal("no built-in backend \"" + name + "\"");

    std::lock_guard lock(mutex);
    BuiltinEntry& entry = (*loaded)[name];
    if (entry.plugin) return *entry.plugin;
    if (!entry.refusal.empty()) throw support::Refusal(entry.refusal);
    // The same checks as a plugin file's descriptor: a built-in is plugin code compiled in.
    try {
        const overt_backend_descriptor* descriptor = nullptr;
        try {
            descriptor = builtin->entry();
        } catch (...) {
            throw support::Refusal("entry point threw an exception");
        }
        auto plugin = check_descriptor(descriptor, kBuiltinPath);
        if (plugin->info.name != name)
            throw support::Refusal("descriptor name \"" + plugin->info.name + "\" does not match the built-in's (\"" +
                                   name + "\")");
        plugin->info.builtin = true;
        entry.plugin = std::move(plugin);
        return *entry.plugin;
    } catch (const support::Refusal& refusal) {
        entry.refusal = refusal.what();
        throw;
    }
}

std::string plugin_file_name(const std::string& name) { return platform::plugin_file_name(name); }

const LoadedPlugin& load_plugin(const std::string& dir, const std::string& name, const std::string& sha256_pin) {
    const std::string file_name = plugin_file_name(name);
    support::TrustedFile file = support::open_trusted(dir, file_name);
    if (!sha256_pin.empty()) {
        const std::string actual = support::sha256_hex(file);
        if (actual != lowercase(sha256_pin))
            throw support::Refusal("sha256 mismatch: pinned " + sha256_pin + ", file has " + actual);
    }
    const std::string path = dir + (dir.empty() || dir.back() == '/' ? "" : "/") + file_name;

    Registry& reg = registry();
    std::lock_guard lock(reg.mutex);
    LibraryEntry& entry = reg.entries[file.identity()];
    const LoadedPlugin& plugin = load_locked(entry, file, path);
    if (plugin.info.name != name) {
        throw support::Refusal("descriptor name \"" + plugin.info.name + "\" does not match the file name (expected \"" + name +
                      "\")");
    }
    return plugin;
}

}  // namespace overt::plugin
