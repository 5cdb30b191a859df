// SPDX-License-Identifier: MIT
// overt doctor: the shared `telemetry doctor` for --tool (pass/warn/fail per check; no event sent).
#include "cmd_support.hpp"

#include <overt/telemetry_commands.hpp>


namespace overt::cli {
namespace {

const CommandRegistration doctor_command{
    "doctor", [](CLI::App& app, GlobalOptions& global, std::function<int()>& run) {
        app.description("Check telemetry state, data dir, backend plugins and endpoint connectivity (sends no event)");
        mount_read_only_command(app, global, run, telemetry_doctor, telemetry_doctor_json);
    }};

}  // namespace
}  // namespace overt::cli
