// SPDX-License-Identifier: MIT
// What the telemetry commands (status, enable, disable, track, flush, delete-my-data, inspect)
// share: choosing the config, naming the tool, and turning errors into exit codes.
#pragma once

#include "commands.hpp"

#include <overt/config.hpp>
#include <overt/sink.hpp>
#include <overt/telemetry_commands.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace overt::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// Options of every telemetry command besides the global ones.
struct ToolOptions {
    std::string tool;  // --tool NAME
};

// Adds --tool to a subcommand.
void add_tool_option(CLI::App& app, ToolOptions& options);

// --config FILE if given, else ./overt.yaml if it exists, else defaults for --tool (or
// $OVERT_TOOL; UsageError when neither names one; a warning on stderr for a tool that never
// used overt here). Throws ConfigError for an unusable file, and for a --tool that contradicts
// the file's tool.name.
Config load_command_config(const GlobalOptions& global, const ToolOptions& tool);

// The same, for a command whose job is to deliver and report what happened (flush, track):
// the backends load and run in this process, as with exit_delivery: inline.
Config load_delivering_config(const GlobalOptions& global, const ToolOptions& tool);

// Runs a command body: ConfigError and usage errors -> message + exit 2, any other exception
// -> message + exit 1. Applies --verbose (logger "overt" at debug) before anything logs.
int run_command(const GlobalOptions& global, const std::function<int()>& body);

// Raised by command bodies for bad arguments (exit 2).
class UsageError : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

// The data dir the collector of this config uses: with consent, created 0700 if missing, as the
// collector does; without, only one that already exists (nothing is written before consent).
// "" if there is none.
std::string command_data_dir(const Config& config);

// Erases the tool's unsent local data (spill files, corrupt/) and says so on stdout, naming the
// dir; false if some spill file could not be removed.
bool erase_local_data(const Config& config, const std::string& data_dir);

// Where the config came from, for messages: "FILE" or "defaults for tool NAME".
std::string config_origin(const Config& config);


// Loads each effective backend through the plugin host (with the HTTP transport, so network
// backends can send). A backend that fails to load is reported in `problems`, never thrown.
std::vector<std::shared_ptr<Sink>> load_sinks(const Config& config, const std::string& data_dir,
                                              std::vector<std::string>& problems);

// The options of the shared telemetry commands as the overt command runs them ("overt --tool X").
TelemetryCommandOptions command_options(const Config& config);

// A read-only shared telemetry command (status, doctor) as `overt <command> --tool T [--json]`:
// adds --tool and --json to `app` and sets `run` to print the text or the JSON form.
using SharedCommand = int (*)(const Config&, std::ostream&, const TelemetryCommandOptions&);
void mount_read_only_command(CLI::App& app, GlobalOptions& global, std::function<int()>& run, SharedCommand text_form,
                             SharedCommand json_form);

}  // namespace overt::cli
