// SPDX-License-Identifier: MIT
// overt config: checks an overt.yaml (schema, loader, plugins) and prints the config schema
// (for editors, optionally with each plugin's own schema).
#include "commands.hpp"
#include "masked_output.hpp"

#include <overt/config.hpp>
#include <overt/plugins.hpp>

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace overt::cli {
namespace {

constexpr int kInvalid = 2;

struct ValidateOptions {
    std::string file;
    bool skip_plugins = false;
    bool json = false;
};

nlohmann::json problems_json(const std::vector<ConfigProblem>& problems) {
    nlohmann::json listed = nlohmann::json::array();
    for (const auto& p : problems)
        listed.push_back({{"file", p.file}, {"line", p.line}, {"key", p.key}, {"problem", p.problem}});
    return listed;
}

int validate(const ValidateOptions& options) {
    const auto result = validate_config(options.file, !options.skip_plugins);
    if (options.json) {
        // Through the masker (texts may quote values); the keys hold no secrets.
        std::cout << nlohmann::json{{"format", 1},
                                    {"file", options.file},
                                    {"ok", result.problems.empty()},
                                    {"problems", problems_json(result.problems)},
                                    {"warnings", problems_json(result.warnings)}}
                         .dump(2)
                  << "\n";
        return result.problems.empty() ? 0 : kInvalid;
    }
    for (const auto& problem : result.problems) std::cerr << problem.to_string() << "\n";
    for (const auto& warning : result.warnings) {
        ConfigProblem shown = warning;
        shown.problem = "warning: " + shown.problem;
        std::cerr << shown.to_string() << "\n";
    }
    if (!result.problems.empty()) return kInvalid;
    std::cout << options.file << ": ok\n";
    return 0;
}

struct SchemaOptions {
    bool with_plugins = false;
    bool expanded = false;
};

int print_schema(const SchemaOptions& options, const GlobalOptions& global) {
    // Exactly as written: a schema holds no secrets, and the masker would take its "api_key":
    // property names for credentials.
    std::ostream& out = MaskedOutput::unmasked_stdout();
    if (options.expanded) {
        const std::string_view schema = config_schema();
        out << schema << (schema.ends_with('\n') ? "" : "\n") << std::flush;
        return 0;
    }
    std::vector<PluginInfo> plugins;
    if (options.with_plugins) {
        std::vector<std::string> config_dirs;
        if (!global.config_path.empty()) {
            try {
                config_dirs = load_config(global.config_path).plugin_dirs;
            } catch (const ConfigError& e) {
                std::cerr << "overt config schema: " << e.what() << "\n";
                return kInvalid;
            }
        }
        plugins = discover_plugins(plugin_search_path(config_dirs)).plugins;
    }
    out << editor_config_schema(plugins) << std::flush;
    return 0;
}

const CommandRegistration config_command{
    "config", [](CLI::App& app, GlobalOptions& global, std::function<int()>& run) {
        app.description("Check an overt.yaml, or print its JSON Schema");
        app.require_subcommand(1);

        auto options = std::make_shared<ValidateOptions>();
        CLI::App* validate_command = app.add_subcommand(
            "validate", "Check FILE against the config schema, the loader, each backend plugin's schema and the "
                        "plugin's own checks (what it would refuse at run time); "
                        "prints FILE:LINE: KEY: problem per error and exits 2 if there is any");
        validate_command->add_option("file", options->file, "the overt.yaml (default: --config)");
        validate_command->add_flag("--no-plugins", options->skip_plugins, "Do not look up the backend plugins");
        validate_command->add_flag("--json", options->json,
                                   "Print {format, file, ok, problems, warnings} as JSON on stdout (each problem: "
                                   "file, line, key, problem)");

        CLI::App* schema_command = app.add_subcommand(
            "schema", "Print the JSON Schema (draft-07) of overt.yaml for editors: numbers, booleans and enums may "
                      "be ${VAR} references");
        auto schema_options = std::make_shared<SchemaOptions>();
        schema_command->add_flag("--with-plugins", schema_options->with_plugins,
                                 "Check each backend block against its plugin's own schema (the plugins found "
                                 "through plugin_dirs of --config, OVERT_PLUGIN_PATH and the install)");
        schema_command->add_flag("--expanded", schema_options->expanded,
                                 "The schema overt checks values against after expanding ${VAR}");

        run = [options, schema_options, validate_command, schema_command, &global]() -> int {
            if (schema_command->parsed()) return print_schema(*schema_options, global);
            if (validate_command->parsed()) {
                if (options->file.empty()) options->file = global.config_path;
                if (options->file.empty()) {
                    std::cerr << "overt config validate: name the file (overt config validate FILE)\n";
                    return kInvalid;
                }
                return validate(*options);
            }
            return 0;
        };
    }};

}  // namespace
}  // namespace overt::cli
