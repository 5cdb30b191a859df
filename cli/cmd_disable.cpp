// SPDX-License-Identifier: MIT
// overt disable: the user withdraws consent; persisted, and the tool's pending local data
// (buffered events on disk, spill files, corrupt/) is erased at once.
#include "cmd_support.hpp"

#include <overt/consent.hpp>

#include <iostream>
#include <memory>

namespace overt::cli {
namespace {

int run_disable(const GlobalOptions& global, const ToolOptions& tool) {
    const Config config = load_command_config(global, tool);
    if (config.force_enabled) {
        std::cout << "Telemetry of " << config.tool_name << " is enforced by its configuration (force_enabled in "
                  << config_origin(config) << ") and cannot be disabled. Nothing was changed.\n";
        return kExitFailed;
    }
    ConsentStore store(config.tool_name);
    store.save(Consent::denied);
    std::cout << "Telemetry disabled for " << config.tool_name << ".\n"
              << "Consent saved in " << store.path() << "\n";
    return erase_local_data(config, command_data_dir(config)) ? kExitOk : kExitFailed;
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
