// SPDX-License-Identifier: MIT
// overt enable: the user grants consent for a tool; persisted in its consent file.
#include "cmd_support.hpp"

#include <overt/consent.hpp>
#include <overt/machine_id.hpp>

#include <iostream>
#include <memory>

namespace overt::cli {
namespace {

int run_enable(const GlobalOptions& global, const ToolOptions& tool) {
    const Config config = load_command_config(global, tool);
    ConsentStore store(config.tool_name);
    store.save(Consent::granted);
    std::cout << "Telemetry enabled for " << config.tool_name << ". Thank you!\n"
              << "Consent saved in " << store.path() << "\n"
              << "No personally identifiable information is collected; `overt inspect` shows what would be sent.\n";
    // The stored consent is not the only input: say at once if something else still keeps it off.
    const ConsentDecision decision = decide_consent(config, Consent::granted);
    if (!decision.collect) std::cout << "Note: telemetry stays off for now: " << decision.reason << "\n";
    // Consent is given: a machine that needs the installation secret for its id gets it now, so
    // `overt status` shows from here on the id the tool will send.
    else (void)hashed_machine_id(config.tool_name, MachineIdSecret::create_if_needed);
    return kExitOk;
}

const CommandRegistration enable_command{
    "enable", [](CLI::App& app, GlobalOptions& global, std::function<int()>& run) {
        auto tool = std::make_shared<ToolOptions>();
        app.description("Grant consent: let a tool record and send anonymous usage telemetry");
        add_tool_option(app, *tool);
        run = [&global, tool] { return run_command(global, [&] { return run_enable(global, *tool); }); };
    }};

}  // namespace
}  // namespace overt::cli
