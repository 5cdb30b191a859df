// SPDX-License-Identifier: MIT
// overt.yaml -> Config. Every problem is a ConfigError naming file, line and key.
#include <overt/config.hpp>

#include "config/bounded_yaml.hpp"
#include "config/env_expand.hpp"
#include "config/yaml_scalar.hpp"
#include "support/mask_secrets.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <new>
#include <optional>
#include <set>

namespace overt {
namespace {

namespace fs = std::filesystem;

std::string describe(const std::string& file, int line, const std::string& key, const std::string& problem) {
    std::string text = file;
    if (line > 0) text += ":" + std::to_string(line);
    text += ": ";
    if (!key.empty()) text += key + ": ";
    return text + problem;
}

using config::is_quoted;
using config::line_of;
using config::plain_scalar;

class Parser {
   public:
    Parser(std::string source, fs::path base_dir) : source_(std::move(source)), base_dir_(std::move(base_dir)) {}

    // Whatever goes wrong, even running out of memory, is a ConfigError naming the file.
    Config parse(const std::string& text) {
        try {
            return parse_document(config::load_bounded_yaml(text, source_));
        } catch (const ConfigError&) {
            throw;
        } catch (const YAML::Exception& problem) {
            throw ConfigError(source_, problem.mark.is_null() ? 0 : problem.mark.line + 1, "",
                              "not valid YAML: " + problem.msg);
        } catch (const std::bad_alloc&) {
            throw ConfigError(source_, 0, "", "ran out of memory while reading the config");
        } catch (const std::exception& problem) {
            throw ConfigError(source_, 0, "", std::string("cannot read the config: ") + problem.what());
        }
    }

   private:
    Config parse_document(const YAML::Node& root) const {
        Config config;
        config.source_path = source_;
        if (!root.IsDefined() || root.IsNull()) fail(root, "", "the file is empty; at least tool.name is required");
        if (!root.IsMap()) fail(root, "", "the top level must be a map of settings");

        bool have_tool = false;
        for_each_entry(root, "", [&](const std::string& name, const std::string& key, const YAML::Node& value) {
            if (name == "tool") {
                have_tool = true;
                parse_tool(value, key, config);
            } else if (name == "enabled") {
                config.enabled = boolean(value, key);
            } else if (name == "force_enabled") {
                config.force_enabled = boolean(value, key);
            } else if (name == "extended_collection") {
                config.extended_collection = boolean(value, key);
            } else if (name == "delivery_mode") {
                const std::string mode = string(value, key);
                if (mode == "at_least_once") config.delivery_mode = DeliveryMode::at_least_once;
                else if (mode == "at_most_once") config.delivery_mode = DeliveryMode::at_most_once;
                else fail(value, key, "'" + mode + "' is not a delivery mode (at_least_once or at_most_once)");
            } else if (name == "plugin_dirs") {
                if (!value.IsSequence()) fail(value, key, "expected a list of directories");
                for (size_t i = 0; i < value.size(); ++i) {
                    const std::string item_key = key + "[" + std::to_string(i) + "]";
                    const std::string dir = string(value[i], item_key);
                    if (dir.empty()) fail(value[i], item_key, "empty directory name");
                    config.plugin_dirs.push_back(resolve_path(dir));
                }
            } else if (name == "buffer") {
                for_each_entry(value, key, [&](const std::string& field, const std::string& field_key, const YAML::Node& node) {
                    if (field == "max_events") config.buffer_max_events = static_cast<size_t>(positive(node, field_key));
                    else unknown(node, field_key, "max_events");
                });
            } else if (name == "spill") {
                for_each_entry(value, key, [&](const std::string& field, const std::string& field_key, const YAML::Node& node) {
                    if (field == "max_files") config.spill_max_files = static_cast<size_t>(positive(node, field_key));
                    else if (field == "max_bytes") config.spill_max_bytes = static_cast<uint64_t>(positive(node, field_key));
                    else unknown(node, field_key, "max_files, max_bytes");
                });
            } else if (name == "exit_delivery") {
                const std::string mode = string(value, key);
                if (mode == "background") config.exit_delivery = ExitDelivery::background;
                else if (mode == "inline") config.exit_delivery = ExitDelivery::in_process;
                else fail(value, key, "'" + mode + "' is not an exit delivery (inline or background)");
            } else if (name == "exit_budget_ms") {
                config.exit_budget_ms = integer(value, key);
                if (config.exit_budget_ms < 0) fail(value, key, "must be 0 or more milliseconds");
            } else if (name == "flush_timeout_ms") {
                config.flush_timeout_ms = positive(value, key);
            } else if (name == "data_dir") {
                const std::string dir = string(value, key);
                config.data_dir = dir.empty() ? dir : resolve_path(dir);
            } else if (name == "metadata") {
                parse_metadata(value, key, config);
            } else if (name == "deletion") {
                for_each_entry(value, key, [&](const std::string& field, const std::string& field_key, const YAML::Node& node) {
                    if (field == "email") config.deletion_email = deletion_email(node, field_key);
                    else if (field == "endpoint") config.deletion_endpoint = deletion_endpoint(node, field_key);
                    else unknown(node, field_key, "email, endpoint");
                });
            } else if (name == "backends") {
                parse_backends(value, key, config);
            } else {
                unknown(value, key,
                        "tool, enabled, force_enabled, extended_collection, delivery_mode, plugin_dirs, buffer, "
                        "spill, exit_budget_ms, exit_delivery, flush_timeout_ms, data_dir, metadata, deletion, backends");
            }
        });
        if (!have_tool) fail(root, "tool.name", "required: the tool's name (tool: {name: mytool})");
        return config;
    }

    [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& problem) const {
        throw ConfigError(source_, line_of(node), key, problem);
    }

    [[noreturn]] void unknown(const YAML::Node& node, const std::string& key, const std::string& known) const {
        fail(node, key, "unknown key (known here: " + known + ")");
    }

    // Calls visit(name, full key, value) for each entry; rejects duplicates and non-string keys.
    template <typename Visit>
    void for_each_entry(const YAML::Node& map, const std::string& prefix, Visit visit) const {
        if (!map.IsMap()) fail(map, prefix, "expected a map");
        std::set<std::string> seen;
        for (const auto& entry : map) {
            if (!entry.first.IsScalar()) fail(entry.first, prefix, "keys must be plain names");
            const std::string name = entry.first.Scalar();
            const std::string key = prefix.empty() ? name : prefix + "." + name;
            if (!seen.insert(name).second) fail(entry.first, key, "duplicate key");
            visit(name, key, entry.second);
        }
    }

    std::string expand(const YAML::Node& node, const std::string& key) const {
        std::string out;
        config::ExpandError error;
        if (!config::expand_env(node.Scalar(), config::process_env, out, error)) fail(node, key, error.problem);
        return out;
    }

    std::string string(const YAML::Node& node, const std::string& key) const {
        if (node.IsNull()) return {};
        if (!node.IsScalar()) fail(node, key, "expected a text value");
        return expand(node, key);
    }

    // A quoted value is text in YAML, and the schema (`overt config validate`) says so: the
    // loader refuses it too rather than accept a file the validator rejects.
    void not_quoted(const YAML::Node& node, const std::string& key, const char* kind) const {
        if (is_quoted(node))
            fail(node, key, "expected " + std::string(kind) + ", got the quoted text '" + node.Scalar() +
                                "' (write it without quotes)");
    }

    bool boolean(const YAML::Node& node, const std::string& key) const {
        if (!node.IsScalar()) fail(node, key, "expected true or false");
        not_quoted(node, key, "true or false");
        const std::string text = expand(node, key);
        if (text == "true" || text == "True" || text == "TRUE") return true;
        if (text == "false" || text == "False" || text == "FALSE") return false;
        fail(node, key, "expected true or false, got '" + text + "'");
    }

    int64_t integer(const YAML::Node& node, const std::string& key) const {
        if (!node.IsScalar()) fail(node, key, "expected a whole number");
        not_quoted(node, key, "a whole number");
        const std::string text = expand(node, key);
        int64_t value = 0;
        const char* begin = text.data() + (text.size() > 1 && text[0] == '+' ? 1 : 0);
        auto [end, status] = std::from_chars(begin, text.data() + text.size(), value);
        if (status == std::errc::result_out_of_range) fail(node, key, "'" + text + "' is too large");
        if (status != std::errc() || end != text.data() + text.size() || text.empty())
            fail(node, key, "expected a whole number, got '" + text + "'");
        return value;
    }

    int64_t positive(const YAML::Node& node, const std::string& key) const {
        const int64_t value = integer(node, key);
        if (value <= 0) fail(node, key, "must be greater than 0, got " + std::to_string(value));
        return value;
    }

    // Relative paths are relative to the config file's directory; "~/" is the home directory.
    std::string resolve_path(const std::string& path) const {
        if (path == "~" || path.rfind("~/", 0) == 0) {
            const char* home = std::getenv("HOME");
            if (home && *home) return (fs::path(home) / path.substr(std::min<size_t>(2, path.size()))).lexically_normal().string();
        }
        fs::path value(path);
        if (value.is_absolute() || base_dir_.empty()) return value.lexically_normal().string();
        return (base_dir_ / value).lexically_normal().string();
    }

    void parse_tool(const YAML::Node& value, const std::string& key, Config& config) const {
        bool have_name = false;
        for_each_entry(value, key, [&](const std::string& field, const std::string& field_key, const YAML::Node& node) {
            if (field == "name") {
                config.tool_name = string(node, field_key);
                if (config.tool_name.empty()) fail(node, field_key, "must not be empty");
                have_name = true;
            } else if (field == "version") {
                config.tool_version = string(node, field_key);
            } else {
                unknown(node, field_key, "name, version");
            }
        });
        if (!have_name) fail(value, key + ".name", "required: the tool's name");
    }

    void parse_metadata(const YAML::Node& value, const std::string& key, Config& config) const {
        if (value.IsNull()) return;
        // Every entry goes into every event.
        if (value.IsMap() && value.size() > config::kMaxMetadataEntries)
            fail(value, key, std::to_string(value.size()) + " entries, more than the limit of " +
                                 std::to_string(config::kMaxMetadataEntries));
        for_each_entry(value, key, [&](const std::string& name, const std::string& entry_key, const YAML::Node& node) {
            if (!node.IsScalar() && !node.IsNull()) fail(node, entry_key, "metadata values must be text");
            config.metadata.emplace_back(name, string(node, entry_key));
        });
        std::sort(config.metadata.begin(), config.metadata.end());
    }

    // A plain address: the mailto link is built from it, so no query, fragment or controls.
    std::string deletion_email(const YAML::Node& node, const std::string& key) const {
        const std::string email = string(node, key);
        const bool plain = email.find('@') != std::string::npos &&
                           std::none_of(email.begin(), email.end(), [](unsigned char c) {
                               return c <= ' ' || c == 0x7f || std::strchr("?&#%<>\"", c);
                           });
        if (!email.empty() && !plain) fail(node, key, "'" + email + "' is not a plain e-mail address");
        return email;
    }

    std::string deletion_endpoint(const YAML::Node& node, const std::string& key) const {
        const std::string endpoint = string(node, key);
        if (!endpoint.empty() && endpoint.rfind("https://", 0) != 0 && endpoint.rfind("http://", 0) != 0)
            fail(node, key, "'" + endpoint + "' must be an http:// or https:// URL");
        return endpoint;
    }

    nlohmann::json to_json(const YAML::Node& node, const std::string& key) const {
        switch (node.Type()) {
            case YAML::NodeType::Null:
            case YAML::NodeType::Undefined:
                return nullptr;
            case YAML::NodeType::Sequence: {
                nlohmann::json list = nlohmann::json::array();
                for (size_t i = 0; i < node.size(); ++i) list.push_back(to_json(node[i], key + "[" + std::to_string(i) + "]"));
                return list;
            }
            case YAML::NodeType::Map: {
                nlohmann::json object = nlohmann::json::object();
                for_each_entry(node, key, [&](const std::string& name, const std::string& entry_key, const YAML::Node& value) {
                    object[name] = to_json(value, entry_key);
                });
                return object;
            }
            case YAML::NodeType::Scalar:
                break;
        }
        const std::string text = expand(node, key);
        if (is_quoted(node)) return text;
        return plain_scalar(text);
    }

    void parse_backends(const YAML::Node& value, const std::string& key, Config& config) const {
        if (value.IsNull()) return;
        if (!value.IsSequence()) fail(value, key, "expected a list of backends (- plugin: NAME ...)");
        // Each backend loads a plugin and gets its own queue.
        if (value.size() > config::kMaxBackends)
            fail(value, key, std::to_string(value.size()) + " backends, more than the limit of " +
                                 std::to_string(config::kMaxBackends));
        std::set<std::string> ids;
        for (size_t i = 0; i < value.size(); ++i) {
            const YAML::Node block = value[i];
            const std::string block_key = key + "[" + std::to_string(i) + "]";
            if (!block.IsMap()) fail(block, block_key, "expected a map with at least 'plugin'");
            BackendConfig backend;
            backend.line = line_of(block);
            nlohmann::json settings = nlohmann::json::object();
            std::optional<YAML::Node> id_node;  // a default YAML::Node counts as defined (null)
            for_each_entry(block, block_key, [&](const std::string& name, const std::string& entry_key, const YAML::Node& node) {
                if (name == "plugin") {
                    backend.plugin = string(node, entry_key);
                    const bool ok = !backend.plugin.empty() &&
                                    std::all_of(backend.plugin.begin(), backend.plugin.end(), [](unsigned char c) {
                                        return std::isalnum(c) || c == '_' || c == '-' || c == '.';
                                    }) &&
                                    backend.plugin.front() != '.';
                    if (!ok) fail(node, entry_key, "'" + backend.plugin + "' is not a plugin name (letters, digits, _ - .)");
                } else if (name == "id") {
                    backend.id = string(node, entry_key);
                    if (backend.id.empty()) fail(node, entry_key, "must not be empty");
                    id_node = node;
                } else if (name == "sha256") {
                    backend.sha256 = string(node, entry_key);
                    std::transform(backend.sha256.begin(), backend.sha256.end(), backend.sha256.begin(),
                                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                    if (backend.sha256.size() != 64 ||
                        !std::all_of(backend.sha256.begin(), backend.sha256.end(), [](unsigned char c) { return std::isxdigit(c); }))
                        fail(node, entry_key, "expected 64 hexadecimal characters");
                } else {
                    settings[name] = to_json(node, entry_key);
                }
            });
            if (backend.plugin.empty()) fail(block, block_key + ".plugin", "required: which plugin this backend uses");
            if (backend.id.empty()) backend.id = backend.plugin;
            if (!ids.insert(backend.id).second) {
                const bool explicit_id = id_node.has_value();
                fail(explicit_id ? *id_node : block, block_key + (explicit_id ? ".id" : ".plugin"),
                     "duplicate backend id '" + backend.id + "' (give each backend its own 'id')");
            }
            try {
                backend.settings_json = settings.dump();
            } catch (const nlohmann::json::type_error&) {
                // YAML hands bytes through unchecked; JSON (and every plugin) needs UTF-8.
                fail(block, block_key, "contains text that is not valid UTF-8");
            }
            config.backends.push_back(std::move(backend));
        }
    }

    std::string source_;
    fs::path base_dir_;
};

}  // namespace

ConfigError::ConfigError(std::string file, int line, std::string key, const std::string& problem)
    : std::runtime_error(support::mask_secrets(describe(file, line, key, problem))), file_(std::move(file)), line_(line), key_(std::move(key)) {}

Config parse_config(const std::string& yaml_text, const std::string& source_name) {
    return Parser(source_name, fs::path(source_name).parent_path()).parse(yaml_text);
}

Config load_config(const std::string& path) {
    std::string text;
    try {
        text = config::read_config_text(path);
    } catch (const std::bad_alloc&) {
        throw ConfigError(path, 0, "", "ran out of memory while reading the config");
    }
    std::error_code error;
    fs::path absolute = fs::absolute(path, error);
    if (error) absolute = path;
    return Parser(path, absolute.parent_path()).parse(text);
}

std::string_view to_string(DeliveryMode mode) {
    return mode == DeliveryMode::at_most_once ? "at_most_once" : "at_least_once";
}

}  // namespace overt
