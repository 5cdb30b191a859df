// SPDX-License-Identifier: MIT
// overt: inspect and manage telemetry of tools that embed overt.
#include "commands.hpp"
#include "masked_output.hpp"

#include <exception>
#include <iostream>

namespace overt::cli {
std::vector<CommandEntry>& command_table() {
    static std::vector<CommandEntry> table;
    return table;
}
}  // namespace overt::cli

int main(int argc, char** argv) {
    using namespace overt::cli;
    // Static, so what is pending is written out on exit() too.
    static MaskedOutput masked_output;
    // Named, so help and the man page made from it say "overt" however it was started.
    CLI::App app{"overt: opt-in, privacy-first telemetry for command-line tools", "overt"};
    app.require_subcommand(1);
    GlobalOptions options;
    app.add_option("-c,--config", options.config_path, "overt.yaml to use (default: ./overt.yaml if present)");
    app.add_flag("-v,--verbose", options.verbose, "Log what overt does to stderr (as OVERT_LOG_LEVEL=debug)");
    app.set_version_flag("--version", std::string("overt ") + OVERT_VERSION);

    std::vector<std::pair<CLI::App*, std::function<int()>>> runs;
    runs.reserve(command_table().size());
    for (auto& entry : command_table()) {
        runs.emplace_back(nullptr, nullptr);
        CLI::App* sub = app.add_subcommand(entry.name);
        runs.back().first = sub;
        entry.setup(*sub, options, runs.back().second);
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help/--version exit 0; every other parse error is a usage error: exit 2.
        return app.exit(e) == 0 ? 0 : 2;
    }
    try {
        for (auto& [sub, run] : runs)
            if (sub->parsed() && run) return run();
    } catch (const std::exception& e) {
        std::cerr << "overt: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
