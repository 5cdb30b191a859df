// SPDX-License-Identifier: MIT
// `overt config validate`: the schema, the loader and the plugins' own schemas, with every
// problem mapped back to the line of the offending key.
#include <overt/config.hpp>
#include <overt/plugins.hpp>

#include "config/bounded_yaml.hpp"
#include "config/env_expand.hpp"
#include "config/yaml_scalar.hpp"
#include "platform/plugin_files.hpp"
#include "support/mask_secrets.hpp"
#include "support/trusted_file.hpp"
#include "schema/json_schema.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>


namespace overt {
namespace {

// Where a JSON Pointer into the converted document came from.
struct Location {
    int line = 0;
    std::string key;  // the loader's spelling: "backends[1].headers.Authorization"
};
using Locations = std::map<std::string, Location>;

std::string escape_pointer(const std::string& name) {
    std::string out;
    for (char c : name) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

std::string unescape_pointer(const std::string& token) {
    std::string out;
    for (size_t i = 0; i < token.size(); ++i) {
        if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
            out += token[i + 1] == '0' ? '~' : '/';
            ++i;
        } else {
            out += token[i];
        }
    }
    return out;
}

// The YAML document as JSON with the loader's typing and ${VAR} expansion (a reference that
// cannot be expanded stays as written: the loader reports it), recording each value's line.
nlohmann::json convert(const YAML::Node& node, const std::string& pointer, const std::string& key, Locations& where) {
    switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            return nullptr;
        case YAML::NodeType::Sequence: {
            nlohmann::json list = nlohmann::json::array();
            for (size_t i = 0; i < node.size(); ++i) {
                const std::string item_pointer = pointer + "/" + std::to_string(i);
                const std::string item_key = key + "[" + std::to_string(i) + "]";
                where[item_pointer] = {config::line_of(node[i]), item_key};
                list.push_back(convert(node[i], item_pointer, item_key, where));
            }
            return list;
        }
        case YAML::NodeType::Map: {
            nlohmann::json object = nlohmann::json::object();
            for (const auto& entry : node) {
                const std::string name = entry.first.IsScalar() ? entry.first.Scalar() : "?";
                const std::string entry_pointer = pointer + "/" + escape_pointer(name);
                const std::string entry_key = key.empty() ? name : key + "." + name;
                where[entry_pointer] = {config::line_of(entry.first), entry_key};
                object[name] = convert(entry.second, entry_pointer, entry_key, where);
            }
            return object;
        }
        case YAML::NodeType::Scalar:
            break;
    }
    std::string text;
    config::ExpandError ignored;
    if (!config::expand_env(node.Scalar(), config::process_env, text, ignored)) text = node.Scalar();
    if (config::is_quoted(node)) return text;
    return config::plain_scalar(text);
}

// The location of a pointer, or of its nearest recorded parent with the rest appended (a
// missing required key is reported at its parent's line).
Location locate(const Locations& where, const std::string& pointer) {
    if (auto found = where.find(pointer); found != where.end()) return found->second;
    const size_t slash = pointer.rfind('/');
    if (slash == std::string::npos) return {1, ""};
    Location parent = locate(where, pointer.substr(0, slash));
    const std::string last = unescape_pointer(pointer.substr(slash + 1));
    parent.key = parent.key.empty() ? last : parent.key + "." + last;
    return parent;
}

void add(std::vector<ConfigProblem>& problems, ConfigProblem problem) {
    // Schema and plugin errors may quote a value: what a ${VAR} held must not be shown.
    problem.problem = support::mask_secrets(problem.problem);
    const bool seen = std::any_of(problems.begin(), problems.end(), [&](const ConfigProblem& known) {
        return known.line == problem.line && known.key == problem.key;
    });
    if (!seen) problems.push_back(std::move(problem));
}

void check_schema(const std::string& path, const nlohmann::json& document, const Locations& where,
                  std::vector<ConfigProblem>& problems) {
    static const schema::JsonSchema kSchema = schema::JsonSchema::parse(config_schema());
    for (const auto& error : kSchema.validate(document)) {
        const Location at = locate(where, error.path);
        add(problems, {path, at.line, at.key, error.message});
    }
}

void check_loader(const std::string& path, std::vector<ConfigProblem>& problems) {
    try {
        load_config(path);
    } catch (const ConfigError& error) {
        // what() is "FILE:LINE: KEY: problem"; keep the problem only.
        ConfigProblem bare{error.file(), error.line(), error.key(), ""};
        const std::string prefix = bare.to_string();
        std::string text = error.what();
        if (text.rfind(prefix, 0) == 0) text.erase(0, prefix.size());
        bare.problem = text;
        // The schema usually saw it first (perhaps at the parent's line): report it once.
        const bool seen = !bare.key.empty() && std::any_of(problems.begin(), problems.end(), [&](const ConfigProblem& known) {
            return known.key == bare.key;
        });
        if (!seen) add(problems, std::move(bare));
    }
}

const RefusedPlugin* refused_file_for(const Discovery& found, const std::string& plugin) {
    const std::string file_name = platform::plugin_file_name(plugin);
    for (const auto& refused : found.refused)
        if (std::filesystem::path(refused.path).filename() == file_name) return &refused;
    return nullptr;
}

// plugin_dirs as the loader resolves them: relative to the config file's directory.
std::vector<std::string> plugin_dirs_of(const std::string& path, const nlohmann::json& document) {
    std::vector<std::string> dirs;
    const auto listed = document.find("plugin_dirs");
    if (listed == document.end() || !listed->is_array()) return dirs;
    std::error_code error;
    std::filesystem::path base = std::filesystem::absolute(path, error).parent_path();
    for (const auto& dir : *listed) {
        if (!dir.is_string() || dir.get<std::string>().empty()) continue;
        std::filesystem::path value(dir.get<std::string>());
        dirs.push_back((value.is_absolute() ? value : base / value).lexically_normal().string());
    }
    return dirs;
}

// A sha256 pin is compared with the file the search path finds, as the plugin host would.
void check_pin(const std::string& path, const nlohmann::json& block, const PluginInfo& plugin, const Location& at,
               std::vector<ConfigProblem>& problems) {
    const auto pin = block.find("sha256");
    if (pin == block.end() || !pin->is_string()) return;
    std::string expected = pin->get<std::string>();
    std::transform(expected.begin(), expected.end(), expected.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string actual;
    try {
        actual = support::sha256_hex_of_path(plugin.path);
    } catch (const support::Refusal& refusal) {
        add(problems, {path, at.line, at.key, "cannot read " + plugin.path + " to check the pin: " + refusal.what()});
        return;
    }
    if (actual != expected)
        add(problems, {path, at.line, at.key, "does not match " + plugin.path + " (its SHA-256 is " + actual + ")"});
}

// The config key a plugin's message is about: its first quoted word ("'endpoint' must be ...",
// "file: \"path\" must be ...") when the block has that key.
std::optional<std::string> key_named_in(const std::string& message, const nlohmann::json& block) {
    for (size_t open = message.find_first_of("'\""); open != std::string::npos;
         open = message.find_first_of("'\"", open + 1)) {
        const size_t close = message.find(message[open], open + 1);
        if (close == std::string::npos) return std::nullopt;
        const std::string word = message.substr(open + 1, close - open - 1);
        if (!word.empty() && block.contains(word)) return word;
        open = close;
    }
    return std::nullopt;
}

// The plugin's own checks, beyond its schema: what create() would refuse (ABI 1.1 validate).
void ask_plugin(const std::string& path, const nlohmann::json& block, const nlohmann::json& settings,
                const std::string& pointer, const Locations& where, PluginHost& host, ConfigValidation& result) {
    BackendConfig backend;
    backend.plugin = block["plugin"].get<std::string>();
    if (const auto id = block.find("id"); id != block.end() && id->is_string()) backend.id = id->get<std::string>();
    if (const auto pin = block.find("sha256"); pin != block.end() && pin->is_string()) backend.sha256 = pin->get<std::string>();
    backend.settings_json = settings.dump();
    const Location at_block = locate(where, pointer);
    const std::string plugin_note = " (plugin " + backend.plugin + ")";
    SettingsCheck check;
    try {
        check = host.check_settings(backend);
    } catch (const std::exception& error) {
        add(result.problems, {path, at_block.line, at_block.key, error.what()});
        return;
    }
    for (const auto& warning : check.warnings)
        result.warnings.push_back({path, at_block.line, at_block.key, support::mask_secrets(warning) + plugin_note});
    switch (check.verdict) {
        case SettingsCheck::Verdict::accepted: return;
        case SettingsCheck::Verdict::not_offered:
            result.warnings.push_back({path, at_block.line, at_block.key,
                                       "plugin '" + backend.plugin +
                                           "' (ABI 1.0) cannot check its settings before use: they are checked "
                                           "when a sender creates it"});
            return;
        case SettingsCheck::Verdict::refused: break;
    }
    std::string problem = check.problem;
    for (const char* prefix : {"invalid config: ", "validate failed: "})
        if (problem.rfind(prefix, 0) == 0) problem.erase(0, std::strlen(prefix));
    const auto key = key_named_in(problem, block);
    const Location at = key ? locate(where, pointer + "/" + escape_pointer(*key)) : at_block;
    add(result.problems, {path, at.line, at.key, problem + plugin_note});
}

// Works from the document rather than the loaded Config, so plugin problems are reported even
// when the loader stopped at an earlier error.
void check_plugins(const std::string& path, const nlohmann::json& document, const Locations& where,
                   ConfigValidation& result) {
    std::vector<ConfigProblem>& problems = result.problems;
    const auto backends = document.find("backends");
    if (backends == document.end() || !backends->is_array() || backends->empty()) return;
    const std::vector<std::string> dirs = plugin_search_path(plugin_dirs_of(path, document));
    const Discovery found = discover_plugins(dirs);
    PluginHost host(dirs);
    for (size_t i = 0; i < backends->size(); ++i) {
        const nlohmann::json& block = (*backends)[i];
        if (!block.is_object() || !block.contains("plugin") || !block["plugin"].is_string()) continue;
        const std::string name = block["plugin"].get<std::string>();
        const std::string pointer = "/backends/" + std::to_string(i);
        const auto plugin = std::find_if(found.plugins.begin(), found.plugins.end(),
                                         [&](const PluginInfo& info) { return info.name == name; });
        if (plugin == found.plugins.end()) {
            const Location at = locate(where, pointer + "/plugin");
            std::string problem;
            if (const RefusedPlugin* refused = refused_file_for(found, name)) {
                problem = "plugin '" + name + "' (" + refused->path + ") was refused: " + refused->reason;
            } else {
                std::string searched;
                for (const auto& dir : dirs) searched += (searched.empty() ? "" : ", ") + dir;
                problem = "plugin '" + name + "' not found (" + platform::plugin_file_name(name) + "; searched: " +
                          (searched.empty() ? "nothing" : searched) + ")";
            }
            add(problems, {path, at.line, at.key, problem});
            continue;
        }
        const size_t known_problems = problems.size();
        check_pin(path, block, *plugin, locate(where, pointer + "/sha256"), problems);
        const bool pin_matches = problems.size() == known_problems;  // else the host would not load it
        if (plugin->config_schema.empty()) continue;
        nlohmann::json settings = block;
        for (const char* own : {"plugin", "id", "sha256"}) settings.erase(own);
        try {
            const auto plugin_schema = schema::JsonSchema::parse(plugin->config_schema);
            const auto errors = plugin_schema.validate(settings);
            for (const auto& error : errors) {
                const Location at = locate(where, pointer + error.path);
                add(problems, {path, at.line, at.key, error.message + " (plugin " + name + ")"});
            }
            // Only settings the schema accepts reach the plugin, as at run time.
            if (errors.empty() && pin_matches) ask_plugin(path, block, settings, pointer, where, host, result);
        } catch (const std::exception& problem) {
            const Location at = locate(where, pointer);
            add(problems, {path, at.line, at.key, "plugin '" + name + "' has an unusable config schema: " + problem.what()});
        }
    }
}

}  // namespace

std::string ConfigProblem::to_string() const {
    std::string text = file;
    if (line > 0) text += ":" + std::to_string(line);
    text += ": ";
    if (!key.empty()) text += key + ": ";
    return text + problem;
}

std::vector<ConfigProblem> validate_config_file(const std::string& path, bool check_plugins_too) {
    return validate_config(path, check_plugins_too).problems;
}

ConfigValidation validate_config(const std::string& path, bool check_plugins_too) {
    ConfigValidation result;
    std::vector<ConfigProblem>& problems = result.problems;
    try {
        std::optional<YAML::Node> root;
        try {
            root = config::load_bounded_yaml(config::read_config_text(path), path);
        } catch (const ConfigError&) {
            // The loader reports it (a syntax error, a limit) with its line.
        }
        Locations where;
        nlohmann::json document;
        if (root) {
            document = convert(*root, "", "", where);
            check_schema(path, document, where, problems);
        }
        check_loader(path, problems);
        if (root && check_plugins_too) check_plugins(path, document, where, result);
    } catch (const std::exception& unexpected) {
        problems.push_back({path, 0, "", support::mask_secrets(std::string("cannot validate: ") + unexpected.what())});
    }
    const auto by_line = [](const ConfigProblem& a, const ConfigProblem& b) { return a.line < b.line; };
    std::stable_sort(problems.begin(), problems.end(), by_line);
    std::stable_sort(result.warnings.begin(), result.warnings.end(), by_line);
    return result;
}

}  // namespace overt
