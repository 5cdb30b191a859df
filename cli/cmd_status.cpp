// SPDX-License-Identifier: MIT
// overt status: the shared `telemetry status` (overt/telemetry_commands.hpp) for --tool.
#include "cmd_support.hpp"

#include <overt/telemetry_commands.hpp>

#include <iostream>
#include <memory>

namespace overt::cli {
namespace {

int run_status(const GlobalOptions& global, const ToolOptions& tool, bool json) {
    const Config config = load_command_config(global, tool);
    return json ? telemetry_status_json(config, std::cout, command_options(config))
                : telemetry_status(config, std::cout, command_options(config));
}

const CommandRegistration status_command{
    "status", [](CLI::App& app, GlobalOptions& global, std::function<int()>& run) {
        auto tool = std::make_shared<ToolOptions>();
        app.description("Show whether telemetry is on for a tool and why, its machine ID, data dir, backends and "
                        "counters (sends nothing)");
        add_tool_option(app, *tool);
        auto json = std::make_shared<bool>(false);
        app.add_flag("--json", *json, "As a JSON object with stable keys (docs/status-json.md), for scripts");
        run = [&global, tool, json] {
            return run_command(global, [&] { return run_status(global, *tool, *json); });
        };
    }};

}  // namespace
}  // namespace overt::cli
