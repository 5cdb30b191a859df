// SPDX-License-Identifier: MIT
// overt enable [--local-only]: the shared `telemetry enable` for --tool.
#include "cmd_support.hpp"

#include <overt/telemetry_commands.hpp>

#include <iostream>
#include <memory>

namespace overt::cli {
namespace {

struct EnableOptions {
    ToolOptions tool;
    bool local_only = false;
};

int run_enable(const GlobalOptions& global, const EnableOptions& options) {
    const Config config = load_command_config(global, options.tool);
    return telemetry_enable(config, std::cout, options.local_only, command_options(config));
}

const CommandRegistration enable_command{
    "enable", [](CLI::App& app, GlobalOptions& global, std::function<int()>& run) {
        auto options = std::make_shared<EnableOptions>();
        app.description("Grant consent: let a tool record and send anonymous usage telemetry");
        add_tool_option(app, options->tool);
        app.add_flag("--local-only", options->local_only,
                     "Record into the file backend in the data dir only; nothing is sent");
        run = [&global, options] { return run_command(global, [&] { return run_enable(global, *options); }); };
    }};

}  // namespace
}  // namespace overt::cli
