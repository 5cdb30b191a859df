// SPDX-License-Identifier: MIT
// overt inspect: prints exactly the events a tool would send next (its spill files, oldest
// first) as a JSON array on stdout, each event as the backends receive it. Sends nothing and
// changes nothing.
#include "cmd_support.hpp"
#include "masked_output.hpp"

#include <overt/collector.hpp>
#include <overt/consent.hpp>

#include <iostream>
#include <memory>

namespace overt::cli {
namespace {

int run_inspect(const GlobalOptions& global, const ToolOptions& tool) {
    const Config config = load_command_config(global, tool);
    const std::string data_dir = command_data_dir(config);
    std::vector<Event> events;
    size_t files = 0;
    if (!data_dir.empty()) {
        // Without consent and sinks the collector only reads the data dir.
        CollectorOptions reader;
        reader.data_dir = data_dir;
        const Collector pending(config, {}, reader);
        files = pending.spill_files_waiting();
        events = pending.pending_events();
    }
    std::string out = "[";
    for (size_t i = 0; i < events.size(); ++i) out += (i ? ",\n  " : "\n  ") + to_json(events[i]);
    out += events.empty() ? "]\n" : "\n]\n";
    MaskedOutput::unmasked_stdout() << out << std::flush;

    ConsentStore store(config.tool_name);
    const ConsentDecision decision = decide_consent(config, store);
    std::cerr << events.size() << " event(s) in " << files << " spill file(s) in "
              << (data_dir.empty() ? std::string("(no usable data dir)") : data_dir) << " wait to be sent for "
              << config.tool_name << "; nothing was sent.\n";
    if (!decision.collect)
        std::cerr << "Telemetry is off (" << decision.reason << "): they will not be sent while it stays off.\n";
    return kExitOk;
}

const CommandRegistration inspect_command{
    "inspect", [](CLI::App& app, GlobalOptions& global, std::function<int()>& run) {
        auto tool = std::make_shared<ToolOptions>();
        app.description("Print, as JSON, exactly the events a tool would send next; sends nothing");
        add_tool_option(app, *tool);
        run = [&global, tool] { return run_command(global, [&] { return run_inspect(global, *tool); }); };
    }};

}  // namespace
}  // namespace overt::cli
