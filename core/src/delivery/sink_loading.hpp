// SPDX-License-Identifier: MIT
// The backends a config asks for, as a SinkSet: loaded through the plugin host (in overt-sender,
// or in-process when the tool asks for exit_delivery: inline), or only named (deferred) in a
// tool's process, which never loads plugin code by default.
#pragma once

#include "delivery/sink_set.hpp"

#include <overt/config.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace overt::delivery {

// <data_dir>/telemetry.ndjson: the file the default file backend writes (and reset removes).
std::string default_file_backend_path(const std::string& data_dir);

// config.backends, or the file backend writing default_file_backend_path() when none is
// configured (nothing without a data dir). What a collector of this config delivers to; the
// CLI shows the same list.
std::vector<BackendConfig> configured_backends(const Config& config, const std::string& data_dir);

// Ids and plugin names only; no plugin is loaded.
SinkSet deferred_sinks(const Config& config, const std::string& data_dir);

// Loads every backend. One that fails to load never breaks the caller: it is added as
// unavailable, its events kept on disk, the reason logged and in its info. A library load +
// create(), a describe() or a destroy() that takes longer than `call_limit` is abandoned.
SinkSet load_sinks(const Config& config, const std::string& data_dir, std::chrono::milliseconds call_limit);

}  // namespace overt::delivery
