// SPDX-License-Identifier: MIT
// Header-only: mounts `<tool> telemetry status | enable [--local-only] | disable | reset |
// doctor` into a CLI11 app in one call. Needs CLI11 (2.x) on the tool's include path; libovert
// itself does not depend on it.
//
//     CLI::App app{"mytool"};
//     auto telemetry = overt::Collector::open_or_disabled("overt.yaml", "mytool");
//     overt::cli::add_telemetry_commands(app, *telemetry);
//     CLI11_PARSE(app, argc, argv);   // a failed telemetry command exits with its code
#pragma once

#include <overt/collector.hpp>
#include <overt/telemetry_commands.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <iostream>
#include <memory>
#include <string>

namespace overt::cli {

// Adds the `telemetry` subcommand group to `app` and returns it. `config` is called when one of
// its commands runs. Output goes to std::cout. A command that fails throws
// CLI::RuntimeError(exit code) from parse(), which CLI11_PARSE / app.exit() turn into that exit
// code without printing anything more; `exit_code`, if given, receives every command's code.
inline CLI::App* add_telemetry_commands(CLI::App& app, std::function<Config()> config,
                                        TelemetryCommandOptions options = {}, int* exit_code = nullptr) {
    CLI::App* group = app.add_subcommand("telemetry", "Manage anonymous usage telemetry");
    group->require_subcommand(1);
    auto shared = std::make_shared<TelemetryCommandOptions>(std::move(options));
    auto get_config = std::make_shared<std::function<Config()>>(std::move(config));
    auto finish = [exit_code](int code) {
        if (exit_code) *exit_code = code;
        if (code != kTelemetryExitOk) throw CLI::RuntimeError(code);
    };
    auto add = [&](const char* name, const char* help, std::function<int(const Config&)> run) {
        CLI::App* command = group->add_subcommand(name, help);
        command->callback([get_config, run, finish] { finish(run((*get_config)())); });
        return command;
    };
    // A read-only command with a --json form for scripts.
    auto add_with_json = [&](const char* name, const char* help, const char* json_help,
                             int (*text_form)(const Config&, std::ostream&, const TelemetryCommandOptions&),
                             int (*json_form)(const Config&, std::ostream&, const TelemetryCommandOptions&)) {
        auto json = std::make_shared<bool>(false);
        CLI::App* command = add(name, help, [shared, json, text_form, json_form](const Config& c) {
            return (*json ? json_form : text_form)(c, std::cout, *shared);
        });
        command->add_flag("--json", *json, json_help);
    };
    add_with_json("status", "Show whether telemetry is on, the machine ID and the backend",
                  "As a JSON object with stable keys, for scripts", telemetry_status, telemetry_status_json);
    auto local_only = std::make_shared<bool>(false);
    CLI::App* enable = add("enable", "Allow anonymous usage telemetry", [shared, local_only](const Config& c) {
        return telemetry_enable(c, std::cout, *local_only, *shared);
    });
    enable->add_flag("--local-only", *local_only, "Keep events on this machine only; nothing is sent");
    add("disable", "Stop telemetry and discard pending events",
        [shared](const Config& c) { return telemetry_disable(c, std::cout, *shared); });
    add("reset", "Erase local telemetry data, ask for deletion of what was sent, and disable",
        [shared](const Config& c) { return telemetry_reset(c, std::cout, *shared); });
    add_with_json("doctor", "Check telemetry state, data dir, backends and endpoint connectivity (sends no event)",
                  "As a JSON object, for scripts", telemetry_doctor, telemetry_doctor_json);
    return group;
}

// The same for a tool that opened its collector first: its config, and disable/reset also
// stop it recording in this process. `collector` must outlive app.parse().
inline CLI::App* add_telemetry_commands(CLI::App& app, Collector& collector, TelemetryCommandOptions options = {},
                                        int* exit_code = nullptr) {
    options.collector = &collector;
    return add_telemetry_commands(app, [&collector] { return collector.config(); }, std::move(options), exit_code);
}

}  // namespace overt::cli
