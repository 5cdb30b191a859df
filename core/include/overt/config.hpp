// SPDX-License-Identifier: MIT
// overt.yaml: the tool author's configuration. (The user's consent lives elsewhere: see
// consent.hpp.) Loading reports the file, line and key of anything wrong.
#pragma once

#include <overt/export.hpp>

#include <overt/event.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace overt {

enum class DeliveryMode { at_least_once, at_most_once };

// How close() delivers what is left. in_process: sends within exit_budget_ms, spills the rest.
// background: spills at once and a detached helper process sends (the tool exits in a few ms,
// whatever the endpoint does); without a data dir it falls back to in_process.
enum class ExitDelivery { in_process, background };

struct BackendConfig {
    std::string plugin;          // plugin name: libovert-<plugin>.so
    std::string id;              // unique per config; defaults to the plugin name
    std::string settings_json;   // the block minus plugin/id/sha256, as a JSON object
    std::string sha256;          // optional pin of the plugin file (lowercase hex)
    int line = 0;                // where the block starts in the file (1-based), 0 if none
};

struct Config {
    std::string source_path;                 // the file it was read from; "" for defaults
    std::string tool_name;                   // tool.name (required in a file)
    std::string tool_version;                // tool.version
    bool enabled = true;                     // the tool author's switch
    bool force_enabled = false;              // the seed's ForceEnabled: no consent needed
    bool extended_collection = false;        // args and error text may be recorded
    DeliveryMode delivery_mode = DeliveryMode::at_least_once;
    std::vector<std::string> plugin_dirs;    // searched before OVERT_PLUGIN_PATH and the default
    size_t buffer_max_events = 1000;
    size_t spill_max_files = 10;
    uint64_t spill_max_bytes = 10ull << 20;
    int64_t exit_budget_ms = 200;            // close() never holds the process longer
    int64_t flush_timeout_ms = 5000;         // an explicit flush()'s deadline
    std::string data_dir;                    // "" = resolved per tool (privacy/data_dir)
    Metadata metadata;                       // added to every event
    std::string deletion_email;              // deletion requests by e-mail (mailto)
    std::string deletion_endpoint;           // deletion requests by HTTP POST
    std::vector<BackendConfig> backends;     // empty = the file backend into the data dir
    // exit_delivery: background (the default: overt-sender loads the plugins and delivers) | inline
    ExitDelivery exit_delivery = ExitDelivery::background;
};

// Raised for a config that cannot be used. what() reads "FILE:LINE: KEY: problem".
class OVERT_API ConfigError : public std::runtime_error {
   public:
    ConfigError(std::string file, int line, std::string key, const std::string& problem);
    const std::string& file() const noexcept { return file_; }
    int line() const noexcept { return line_; }
    const std::string& key() const noexcept { return key_; }

   private:
    std::string file_;
    int line_;
    std::string key_;
};

// Reads and checks an overt.yaml; ${VAR} and ${VAR:-default} are expanded from the environment.
OVERT_API Config load_config(const std::string& path);
OVERT_API Config parse_config(const std::string& yaml_text, const std::string& source_name);

// Strings for the delivery mode, as in the seed ("at_least_once", "at_most_once").
OVERT_API std::string_view to_string(DeliveryMode mode);

// --- Validation (`overt config validate`) ---

// One problem in a config file. to_string() reads "FILE:LINE: KEY: problem" (no LINE when 0,
// no KEY when empty), like ConfigError.
struct OVERT_API ConfigProblem {
    std::string file;
    int line = 0;
    std::string key;   // e.g. "backends[1].endpoint"
    std::string problem;
    std::string to_string() const;
};

// The JSON Schema (draft-07) of overt.yaml, compiled into libovert from config/overt.schema.json.
OVERT_API std::string_view config_schema();

// Every problem found in a config file: the schema (all violations, each mapped to the line of
// the offending key), the loader's own checks (ConfigError), and with check_plugins each
// backend's plugin found on the search path, its block checked against the plugin's own
// schema and then by the plugin itself (what its create() would refuse, creating nothing).
// Empty when the file is fine. Never throws.
OVERT_API std::vector<ConfigProblem> validate_config_file(const std::string& path, bool check_plugins = true);

// The same, with warnings beside the problems: what a plugin logged while checking its
// settings, and plugins (ABI 1.0) that cannot check them before use. Warnings do not make a
// file invalid.
struct ConfigValidation {
    std::vector<ConfigProblem> problems;
    std::vector<ConfigProblem> warnings;
};
OVERT_API ConfigValidation validate_config(const std::string& path, bool check_plugins = true);

}  // namespace overt
