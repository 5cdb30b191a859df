// SPDX-License-Identifier: MIT
// Shared plumbing of the telemetry commands; see cmd_support.hpp.
#include "cmd_support.hpp"

#include "support/mask_secrets.hpp"

// The CLI ships with libovert of the same version, so it may use libovert's internal
// command support (plugin host with the HTTP transport, data dir, erasure).
#include "commands/command_support.hpp"

#include <overt/collector.hpp>
#include <overt/consent.hpp>
#include <overt/data_dir.hpp>
#include <overt/plugins.hpp>
#include <overt/telemetry_commands.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace overt::cli {

void add_tool_option(CLI::App& app, ToolOptions& options) {
    app.add_option("-t,--tool", options.tool,
                   "Tool whose telemetry to manage (required when no overt.yaml names one; default: $OVERT_TOOL)");
}

namespace {

// A tool that never used overt on this machine: no consent file, no data dir. A typo in
// --tool would otherwise quietly act on a tool that does not exist.
void warn_if_unknown(const Config& config) {
    if (!config.source_path.empty()) return;
    ConsentStore store(config.tool_name);
    std::error_code ec;
    if (std::filesystem::exists(store.path(), ec) || !existing_data_dir(config).empty()) return;
    std::cerr << "overt: warning: no tool named \"" << config.tool_name
              << "\" has used overt on this machine (no consent file, no data dir); check the name.\n";
}

}  // namespace

Config load_command_config(const GlobalOptions& global, const ToolOptions& tool) {
    std::string path = global.config_path;
    if (path.empty() && std::filesystem::is_regular_file("overt.yaml")) path = "overt.yaml";
    std::string tool_name = tool.tool;
    // $OVERT_TOOL only stands in for --tool where no overt.yaml names the tool.
    if (tool_name.empty() && path.empty())
        if (const char* env = std::getenv("OVERT_TOOL")) tool_name = env;
    if (path.empty()) {
        if (tool_name.empty())
            throw UsageError("no tool given: use --tool NAME (or set OVERT_TOOL), or -c FILE with an overt.yaml "
                             "naming the tool");
        Config defaults;
        defaults.tool_name = tool_name;
        warn_if_unknown(defaults);
        return defaults;
    }
    if (!std::filesystem::exists(path)) throw ConfigError(path, 0, "--config", "file not found");
    Config config = load_config(path);
    if (!tool_name.empty() && tool_name != config.tool_name)
        throw ConfigError(path, 0, "tool.name",
                          "is \"" + config.tool_name + "\" but --tool says \"" + tool_name + "\"");
    return config;
}

Config load_delivering_config(const GlobalOptions& global, const ToolOptions& tool) {
    Config config = load_command_config(global, tool);
    config.exit_delivery = ExitDelivery::in_process;
    return config;
}

int run_command(const GlobalOptions& global, const std::function<int()>& body) {
    // The logger reads OVERT_LOG_LEVEL when libovert first logs; an explicit setting wins.
    // putenv, not setenv: the one both the C library and the Windows CRT have (it keeps the string).
    static char verbose_level[] = "OVERT_LOG_LEVEL=debug";
    if (global.verbose && !std::getenv("OVERT_LOG_LEVEL")) ::putenv(verbose_level);
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

std::string command_data_dir(const Config& config) { return commands::command_data_dir(config); }

std::string config_origin(const Config& config) { return commands::config_origin(config); }

std::vector<std::shared_ptr<Sink>> load_sinks(const Config& config, const std::string& data_dir,
                                              std::vector<std::string>& problems) {
    return commands::load_sinks(config, data_dir, problems);
}

bool erase_local_data(const Config& config, const std::string& data_dir) {
    return commands::erase_local_data(config, data_dir, std::cout);
}

TelemetryCommandOptions command_options(const Config& config) {
    TelemetryCommandOptions options;
    options.command = "overt --tool " + config.tool_name;
    options.errors = &std::cerr;
    return options;
}

void mount_read_only_command(CLI::App& app, GlobalOptions& global, std::function<int()>& run, SharedCommand text_form,
                             SharedCommand json_form) {
    auto tool = std::make_shared<ToolOptions>();
    add_tool_option(app, *tool);
    auto json = std::make_shared<bool>(false);
    app.add_flag("--json", *json, "As a JSON object with stable keys (docs/status-json.md), for scripts");
    run = [&global, tool, json, text_form, json_form] {
        return run_command(global, [&] {
            const Config config = load_command_config(global, *tool);
            return (*json ? json_form : text_form)(config, std::cout, command_options(config));
        });
    };
}

}  // namespace overt::cli
