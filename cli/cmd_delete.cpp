// SPDX-License-Identifier: MIT
// overt delete-my-data (also `overt reset`): the shared `telemetry reset` for --tool: erases
// the tool's local data, asks the receiver to delete this machine's data (only if the tool ever
// collected here), and disables telemetry.
#include "cmd_support.hpp"

#include <overt/telemetry_commands.hpp>

#include <iostream>
#include <memory>

namespace overt::cli {
namespace {

struct DeleteOptions {
    ToolOptions tool;
    bool open_mail = false;
};

int run_delete(const GlobalOptions& global, const DeleteOptions& options) {
    const Config config = load_command_config(global, options.tool);
    TelemetryCommandOptions shared = command_options(config);
    shared.open_mail = options.open_mail;
    return telemetry_reset(config, std::cout, shared);
}

void setup(CLI::App& app, GlobalOptions& global, std::function<int()>& run) {
    auto options = std::make_shared<DeleteOptions>();
    app.description("Erase a tool's local telemetry data, ask its receiver to delete this machine's data, and "
                    "disable telemetry");
    add_tool_option(app, options->tool);
    app.add_flag("--open-mail", options->open_mail,
                 "With a deletion e-mail address configured, open the prepared e-mail (xdg-open)");
    run = [&global, options] { return run_command(global, [&] { return run_delete(global, *options); }); };
}

const CommandRegistration delete_command{"delete-my-data", setup};
const CommandRegistration reset_command{"reset", setup};

}  // namespace
}  // namespace overt::cli
