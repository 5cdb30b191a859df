// SPDX-License-Identifier: MIT
// overt disable: the shared `telemetry disable` for --tool: withdraws consent and erases the
// tool's pending local data at once.
#include "cmd_support.hpp"

#include <overt/telemetry_commands.hpp>

#include <iostream>
#include <memory>

namespace overt::cli {
namespace {

int run_disable(const GlobalOptions& global, const ToolOptions& tool) {
    const Config config = load_command_config(global, tool);
    return telemetry_disable(config, std::cout, command_options(config));
}

const CommandRegistration disable_command{
    "disable", [](CLI::App& app, GlobalOptions& global, std::function<int()>& run) {
        auto tool = std::make_shared<ToolOptions>();
        app.description("Withdraw consent and erase the tool's unsent local telemetry data at once");
        add_tool_option(app, *tool);
        run = [&global, tool] { return run_command(global, [&] { return run_disable(global, *tool); }); };
    }};

}  // namespace
}  // namespace overt::cli
