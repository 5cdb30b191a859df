// SPDX-License-Identifier: MIT
// overt plugins: lists the backends built into libovert, the plugins found on the search path
// and the files refused.
#include "commands.hpp"

#include <overt/backend.h>
#include <overt/plugins.hpp>

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace overt::cli {
namespace {

std::vector<std::string> capability_names(uint64_t caps) {
    std::vector<std::string> names;
    if (caps & OVERT_CAP_NETWORK) names.emplace_back("network");
    if (caps & OVERT_CAP_LOCAL) names.emplace_back("local");
    if (caps & OVERT_CAP_GZIP) names.emplace_back("gzip");
    if (caps & OVERT_CAP_NO_EVENT_JSON) names.emplace_back("no-event-json");
    return names;
}

std::string abi_text(const PluginInfo& p) { return std::to_string(p.abi_major) + "." + std::to_string(p.abi_minor); }

void print_json(const std::vector<std::string>& dirs, const Discovery& found) {
    nlohmann::json out;
    out["search_path"] = dirs;
    out["plugins"] = nlohmann::json::array();
    for (const auto& p : found.plugins) {
        out["plugins"].push_back({{"name", p.name},
                                  {"version", p.version},
                                  {"vendor", p.vendor},
                                  {"description", p.description},
                                  {"abi", abi_text(p)},
                                  {"capabilities", capability_names(p.capabilities)},
                                  {"source", p.builtin ? "built-in" : "directory"},
                                  {"path", p.path}});
    }
    out["refused"] = nlohmann::json::array();
    for (const auto& r : found.refused) out["refused"].push_back({{"path", r.path}, {"reason", r.reason}});
    out["shadowed"] = nlohmann::json::array();
    for (const auto& s : found.shadowed)
        out["shadowed"].push_back({{"name", s.name}, {"path", s.path}, {"shadowed_by", s.shadowed_by}});
    std::cout << out.dump(2) << "\n";
}

void print_text(const std::vector<std::string>& dirs, const Discovery& found) {
    std::cout << "Search path:\n";
    for (const auto& dir : dirs) std::cout << "  " << dir << "\n";
    std::cout << "\nPlugins:" << (found.plugins.empty() ? " none\n" : "\n");
    for (const auto& p : found.plugins) {
        std::cout << "  " << p.name << " " << p.version << (p.vendor.empty() ? "" : " (" + p.vendor + ")")
                  << ", ABI " << abi_text(p) << "\n"
                  << "    " << p.path << "\n";
        if (!p.description.empty()) std::cout << "    " << p.description << "\n";
    }
    if (!found.refused.empty()) {
        std::cout << "\nRefused:\n";
        for (const auto& r : found.refused) std::cout << "  " << r.path << ": " << r.reason << "\n";
    }
    if (!found.shadowed.empty()) {
        std::cout << "\nShadowed (an earlier directory has the same name):\n";
        for (const auto& s : found.shadowed) std::cout << "  " << s.path << " (by " << s.shadowed_by << ")\n";
    }
}

struct PluginsOptions {
    std::vector<std::string> dirs;
    bool json = false;
};

const CommandRegistration plugins_command{
    "plugins", [](CLI::App& app, GlobalOptions&, std::function<int()>& run) {
        auto options = std::make_shared<PluginsOptions>();
        app.description("List backend plugins, where they were found, and files refused with the reason");
        app.add_option("-d,--dir", options->dirs, "Search only these directories (repeatable)");
        app.add_flag("--json", options->json, "Print JSON instead of text");
        run = [options] {
            // The config's plugin_dirs join in once the overt.yaml loader is linked in.
            const std::vector<std::string> dirs = options->dirs.empty() ? plugin_search_path() : options->dirs;
            const Discovery found = discover_plugins(dirs);
            if (options->json) {
                print_json(dirs, found);
            } else {
                print_text(dirs, found);
            }
            return 0;  // refusals are reported, not an error of this command
        };
    }};

}  // namespace
}  // namespace overt::cli
