// SPDX-License-Identifier: MIT
// overt status: the shared `telemetry status` (overt/telemetry_commands.hpp) for --tool.
#include "cmd_support.hpp"

#include <overt/telemetry_commands.hpp>

#include <iostream>
#include <memory>

namespace overt::cli {
namespace {

int run_status(const GlobalOptions& global, const ToolOptions& tool) {
    const Config config = load_command_config(global, tool);
    return telemetry_status(config, std::cout, command_options(config));
}

const CommandRegistration status_command{
    "status", [](CLI::App& app, GlobalOptions& global, std::function<int()>& run) {
        auto tool = std::make_shared<ToolOptions>();
        app.description("Show whether telemetry is on for a tool and why, its machine ID, data dir, backends and "
                        "counters (sends nothing)");
        add_tool_option(app, *tool);
        run = [&global, tool] { return run_command(global, [&] { return run_status(global, *tool); }); };
    }};

}  // namespace
}  // namespace overt::cli
