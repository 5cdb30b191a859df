// SPDX-License-Identifier: MIT
// overt status: the shared `telemetry status` (overt/telemetry_commands.hpp) for --tool.
#include "cmd_support.hpp"

#include <overt/telemetry_commands.hpp>


namespace overt::cli {
namespace {

const CommandRegistration status_command{
    "status", [](CLI::App& app, GlobalOptions& global, std::function<int()>& run) {
        app.description("Show whether telemetry is on for a tool and why, its machine ID, data dir, backends and "
                        "counters (sends nothing)");
        mount_read_only_command(app, global, run, telemetry_status, telemetry_status_json);
    }};

}  // namespace
}  // namespace overt::cli
