// SPDX-License-Identifier: MIT
#include "transport/transport_module.hpp"

#include "platform/shared_library.hpp"
#include "platform/system.hpp"
#include "support/libovert_dir.hpp"
#include "support/trusted_file.hpp"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <utility>
#include <vector>

#ifndef OVERT_VERSION
#define OVERT_VERSION "0.0.0"
#endif
#ifndef OVERT_TRANSPORT_MODULE_FILE
#define OVERT_TRANSPORT_MODULE_FILE "libovert-transport.so.0"
#endif
#ifndef OVERT_TRANSPORT_INSTALL_DIR
#define OVERT_TRANSPORT_INSTALL_DIR "/usr/local/lib/overt"
#endif

namespace overt::transport {
namespace {

// The file and the library are kept for good, as the plugin host does: glibc knows a loaded
// module by its /proc/self/fd/N name, and a later load of another file at that number would
// get it; HttpService objects from the module may live until exit.
struct KeptModule {
    support::TrustedFile file;
    boost::dll::shared_library library;
};

void keep_loaded(std::unique_ptr<KeptModule> module) {
    static std::mutex mutex;
    static auto& kept = *new std::vector<std::unique_ptr<KeptModule>>;
    std::lock_guard lock(mutex);
    kept.push_back(std::move(module));
}

LoadedTransportModule refused(const std::string& path, const std::string& reason) {
    LoadedTransportModule result;
    result.path = path;
    result.error = "module " + path + ": " + reason;
    return result;
}

}  // namespace

std::string find_transport_module(std::string& why) {
    if (const char* configured = platform::trusted_getenv("OVERT_TRANSPORT_MODULE"); configured && *configured)
        return configured;
    std::vector<std::string> candidates;
    if (std::string dir = support::libovert_dir(); !dir.empty())
        candidates.push_back(dir + "/overt/" + OVERT_TRANSPORT_MODULE_FILE);
    candidates.push_back(std::string(OVERT_TRANSPORT_INSTALL_DIR) + "/" + OVERT_TRANSPORT_MODULE_FILE);
    for (const auto& candidate : candidates) {
        std::error_code ec;
        if (std::filesystem::exists(candidate, ec)) return candidate;
    }
    why = std::string(OVERT_TRANSPORT_MODULE_FILE) + " not found (looked for";
    for (const auto& candidate : candidates) why += " " + candidate;
    why += ")";
    return {};
}

LoadedTransportModule load_transport_module(const std::string& path) {
    const std::filesystem::path p(path);
    overt_transport_module_v1_fn entry = nullptr;
    try {
        auto kept = std::make_unique<KeptModule>(
            KeptModule{support::open_trusted(p.parent_path().string(), p.filename().string()), {}});
        platform::load_checked_library(kept->library, kept->file);
        if (kept->library.has(kTransportModuleEntryPoint))
            entry = kept->library.get<std::remove_pointer_t<overt_transport_module_v1_fn>>(kTransportModuleEntryPoint);
        keep_loaded(std::move(kept));
    } catch (const support::Refusal& refusal) {
        return refused(path, refusal.what());
    }
    if (!entry) return refused(path, std::string("no ") + kTransportModuleEntryPoint + " entry point");
    const TransportModuleV1* module = entry();
    if (!module || !module->version || !module->make_http_service)
        return refused(path, "its entry point returned no usable module");
    if (std::strcmp(module->version, OVERT_VERSION) != 0)
        return refused(path, std::string("built for overt ") + module->version + ", this libovert is " + OVERT_VERSION);
    LoadedTransportModule result;
    result.module = module;
    result.path = path;
    return result;
}

const LoadedTransportModule& transport_module() {
    static std::once_flag once;
    // Never destroyed, like the module: a collector closing during static destruction may
    // still post.
    static LoadedTransportModule& loaded = *new LoadedTransportModule;
    std::call_once(once, [] {
        std::string why;
        const std::string path = find_transport_module(why);
        if (path.empty()) {
            loaded.error = why;
            return;
        }
        loaded = load_transport_module(path);
    });
    return loaded;
}

}  // namespace overt::transport
