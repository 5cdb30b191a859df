// SPDX-License-Identifier: MIT
// overt doctor: the shared `telemetry doctor` for --tool (pass/warn/fail per check; no event sent).
#include "cmd_support.hpp"

#include <overt/telemetry_commands.hpp>

#include <iostream>
#include <memory>

namespace overt::cli {
namespace {

int run_doctor(const GlobalOptions& global, const ToolOptions& tool, bool json) {
    const Config config = load_command_config(global, tool);
    return json ? telemetry_doctor_json(config, std::cout, command_options(config))
                : telemetry_doctor(config, std::cout, command_options(config));
}

const CommandRegistration doctor_command{
    "doctor", [](CLI::App& app, GlobalOptions& global, std::function<int()>& run) {
        auto tool = std::make_shared<ToolOptions>();
        app.description("Check telemetry state, data dir, backend plugins and endpoint connectivity (sends no event)");
        add_tool_option(app, *tool);
        auto json = std::make_shared<bool>(false);
        app.add_flag("--json", *json, "As a JSON object (docs/status-json.md), for scripts");
        run = [&global, tool, json] {
            return run_command(global, [&] { return run_doctor(global, *tool, *json); });
        };
    }};

}  // namespace
}  // namespace overt::cli
