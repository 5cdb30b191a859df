// SPDX-License-Identifier: MIT
// The overt command's subcommand table. Each subcommand lives in its own file and registers
// itself with a static CommandRegistration, so adding one never touches main.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace overt::cli {

// Global options every subcommand may read.
struct GlobalOptions {
    std::string config_path;  // --config FILE
    bool verbose = false;     // --verbose
};

// Adds a subcommand to `app`. Returned callbacks run when that subcommand was chosen;
// they return the process exit code.
using CommandSetup = std::function<void(CLI::App& app, GlobalOptions& options, std::function<int()>& run)>;

struct CommandEntry {
    std::string name;
    CommandSetup setup;
};

std::vector<CommandEntry>& command_table();

struct CommandRegistration {
    CommandRegistration(std::string name, CommandSetup setup) {
        command_table().push_back({std::move(name), std::move(setup)});
    }
};

}  // namespace overt::cli
