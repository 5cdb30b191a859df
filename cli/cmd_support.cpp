// SPDX-License-Identifier: MIT
// Shared plumbing of the telemetry commands; see cmd_support.hpp.
#include "cmd_support.hpp"

#include "support/mask_secrets.hpp"

// The CLI ships with libovert of the same version, so it may use libovert's internal
// transport to give network backends an HTTP service (the public PluginHost has none).
#include "delivery/sink_loading.hpp"
#include "plugin/plugin_host_factory.hpp"
#include "transport/http_service.hpp"

#include <overt/collector.hpp>
#include <overt/consent.hpp>
#include <overt/data_dir.hpp>
#include <overt/plugins.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace overt::cli {

void add_tool_option(CLI::App& app, ToolOptions& options) {
    app.add_option("-t,--tool", options.tool,
                   std::string("Tool whose telemetry to manage when no overt.yaml names it (default ") +
                       kDefaultToolName + ")");
}

Config load_command_config(const GlobalOptions& global, const ToolOptions& tool) {
    std::string path = global.config_path;
    if (path.empty() && std::filesystem::is_regular_file("overt.yaml")) path = "overt.yaml";
    if (path.empty()) {
        Config defaults;
        defaults.tool_name = tool.tool.empty() ? kDefaultToolName : tool.tool;
        return defaults;
    }
    if (!std::filesystem::exists(path)) throw ConfigError(path, 0, "--config", "file not found");
    Config config = load_config(path);
    if (!tool.tool.empty() && tool.tool != config.tool_name)
        throw ConfigError(path, 0, "tool.name",
                          "is \"" + config.tool_name + "\" but --tool says \"" + tool.tool + "\"");
    return config;
}

Config load_delivering_config(const GlobalOptions& global, const ToolOptions& tool) {
    Config config = load_command_config(global, tool);
    config.exit_delivery = ExitDelivery::in_process;
    return config;
}

int run_command(const GlobalOptions& global, const std::function<int()>& body) {
    // The logger reads OVERT_LOG_LEVEL when libovert first logs; an explicit setting wins.
    if (global.verbose) ::setenv("OVERT_LOG_LEVEL", "debug", 0);
    try {
        return body();
    } catch (const ConfigError& e) {
        std::cerr << "overt: config error: " << e.what() << "\n";
        return kExitUsage;
    } catch (const UsageError& e) {
        std::cerr << "overt: " << e.what() << "\n";
        return kExitUsage;
    } catch (const std::exception& e) {
        // Any library error may quote a URL it was given.
        std::cerr << "overt: " << support::mask_secrets(e.what()) << "\n";
        return kExitFailed;
    }
}

std::string command_data_dir(const Config& config) {
    // Nothing is written for a tool without consent: its data dir is looked at, never made.
    const bool collecting = decide_consent(config, ConsentStore(config.tool_name).load()).collect;
    return collecting ? resolve_data_dir(config) : existing_data_dir(config);
}

std::string config_origin(const Config& config) {
    return config.source_path.empty() ? "defaults for tool " + config.tool_name : config.source_path;
}


std::vector<std::shared_ptr<Sink>> load_sinks(const Config& config, const std::string& data_dir,
                                              std::vector<std::string>& problems) {
    // Sinks keep pointers into their plugin host's registry, so the host lives as long as the
    // last sink: each sink's deleter holds a reference to it.
    auto host = std::make_shared<PluginHost>(
        plugin::make_plugin_host(plugin_search_path(config.plugin_dirs), transport::make_http_service()));
    std::vector<std::shared_ptr<Sink>> sinks;
    for (const auto& backend : delivery::configured_backends(config, data_dir)) {
        try {
            Sink* sink = host->create_sink(backend).release();
            sinks.emplace_back(sink, [host](Sink* owned) { delete owned; });
        } catch (const std::exception& e) {
            problems.push_back(e.what());
        }
    }
    return sinks;
}

bool erase_local_data(const Config& config, const std::string& data_dir) {
    if (data_dir.empty()) {
        std::cout << "No local data dir is usable, so there is no local data to erase.\n";
        return true;
    }
    CollectorOptions local;
    local.data_dir = data_dir;
    Collector collector(config, {}, local);
    const size_t files = collector.spill_files_waiting();
    const size_t events = files ? collector.pending_events().size() : 0;
    collector.drop();
    if (const size_t left = collector.spill_files_waiting()) {
        std::cout << "Could not erase " << left << " spill file(s) in " << data_dir << "; remove them by hand.\n";
        return false;
    }
    std::cout << "Local data erased: " << events << " unsent event(s) in " << files << " spill file(s) removed from "
              << data_dir << "\n";
    return true;
}

}  // namespace overt::cli
