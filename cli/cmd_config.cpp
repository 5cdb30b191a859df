// SPDX-License-Identifier: MIT
// overt config: checks an overt.yaml (schema, loader, plugins) and prints the config schema.
#include "commands.hpp"

#include <overt/config.hpp>

#include <iostream>
#include <memory>
#include <string>

namespace overt::cli {
namespace {

constexpr int kInvalid = 2;

struct ValidateOptions {
    std::string file;
    bool skip_plugins = false;
};

int validate(const ValidateOptions& options) {
    const auto result = validate_config(options.file, !options.skip_plugins);
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

        CLI::App* schema_command = app.add_subcommand("schema", "Print the JSON Schema (draft-07) of overt.yaml");

        run = [options, validate_command, schema_command, &global]() -> int {
            if (schema_command->parsed()) {
                const std::string_view schema = config_schema();
                std::cout << schema << (schema.ends_with('\n') ? "" : "\n");
                return 0;
            }
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
