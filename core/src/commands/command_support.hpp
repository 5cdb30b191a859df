// SPDX-License-Identifier: MIT
// What the telemetry commands share (internal to libovert; the overt command uses it too).
#pragma once

#include <overt/config.hpp>
#include <overt/consent.hpp>
#include <overt/sink.hpp>
#include <overt/telemetry_commands.hpp>

#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace overt::commands {

// "<tool> telemetry" unless the options name it.
std::string command_name(const Config& config, const std::string& given);

// The config the tool's collector would deliver with under this decision (local-only: the
// default file backend only).
Config effective_config(const Config& config, const ConsentDecision& decision);

// The data dir the collector of this config uses: with consent, created 0700 if missing, as the
// collector does; without, only one that already exists. "" if there is none.
std::string command_data_dir(const Config& config);

// Erases the tool's unsent local data and says so on `out`; false if some file stayed. Waits
// first (at most flush_timeout_ms, at most 2 s) for the tool's running senders; call it after withdrawing.
bool erase_local_data(const Config& config, const std::string& data_dir, std::ostream& out);

// Where the config came from, for messages: "FILE" or "defaults for tool NAME".
std::string config_origin(const Config& config);

// Loads each effective backend through the plugin host (with the HTTP transport). A backend
// that fails to load is reported in `problems`, never thrown.
std::vector<std::shared_ptr<Sink>> load_sinks(const Config& config, const std::string& data_dir,
                                              std::vector<std::string>& problems);

}  // namespace overt::commands
