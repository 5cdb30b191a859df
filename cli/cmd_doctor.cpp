// SPDX-License-Identifier: MIT
// overt doctor: the shared `telemetry doctor` for --tool (pass/warn/fail per check; no event sent).
#include "cmd_support.hpp"

#include <overt/telemetry_commands.hpp>

#include <iostream>
#include <memory>

namespace overt::cli {
namespace {

int run_doctor(const GlobalOptions& global, const ToolOptions& tool) {
    const Config config = load_command_config(global, tool);
    return telemetry_doctor(config, std::cout, command_options(config));
}

const CommandRegistration doctor_command{
    "doctor", [](CLI::App& app, GlobalOptions& global, std::function<int()>& run) {
        auto tool = std::make_shared<ToolOptions>();
        app.description("Check telemetry state, data dir, backend plugins and endpoint connectivity (sends no event)");
        add_tool_option(app, *tool);
        run = [&global, tool] { return run_command(global, [&] { return run_doctor(global, *tool); }); };
    }};

}  // namespace
}  // namespace overt::cli
