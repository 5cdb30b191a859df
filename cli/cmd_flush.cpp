// SPDX-License-Identifier: MIT
// overt flush: waits for a running background sender of the tool, then sends what is left on
// disk (spill files) to its backends from this process, and prints what happened per backend.
#include "cmd_support.hpp"

#include "delivery/sender_spawn.hpp"

#include <overt/collector.hpp>

#include <chrono>

#include <iostream>
#include <memory>

namespace overt::cli {
namespace {

int run_flush(const GlobalOptions& global, const ToolOptions& tool) {
    auto collector = Collector::open(load_delivering_config(global, tool));
    const std::string& tool_name = collector->config().tool_name;
    if (!collector->enabled()) {
        std::cout << "Nothing sent: telemetry of " << tool_name << " is off (" << collector->consent_reason()
                  << ").\n";
        return kExitOk;
    }
    // A sender the tool started may be delivering these very files: let it finish first.
    if (!collector->data_dir().empty() &&
        !delivery::wait_for_senders(collector->data_dir(), std::chrono::steady_clock::now() +
                                                               std::chrono::milliseconds(collector->config().flush_timeout_ms)))
        std::cout << "A background sender of " << tool_name << " is still running; flushing what it left.\n";
    const size_t waiting = collector->spill_files_waiting();
    const FlushReport report = collector->flush();
    collector->close();
    if (waiting == 0 && report.events_sent == 0 && report.ok()) {
        std::cout << "Nothing waiting to be sent for " << tool_name << " (data dir " << collector->data_dir()
                  << ").\n";
        return kExitOk;
    }
    std::cout << "Flush of " << tool_name << " (" << waiting << " spill file(s) were waiting in "
              << collector->data_dir() << "):\n"
              << report.summary();
    // Owed events stay in their spill files (or were re-spilled): a later run sends them. An
    // unavailable backend fails no send, so the files left over are what says it all went out.
    const size_t left = collector->spill_files_waiting();
    if (left)
        std::cout << collector->pending_events().size() << " event(s) in " << left
                  << " spill file(s) stay on disk for a later run.\n";
    return report.ok() && left == 0 ? kExitOk : kExitFailed;
}

const CommandRegistration flush_command{
    "flush", [](CLI::App& app, GlobalOptions& global, std::function<int()>& run) {
        auto tool = std::make_shared<ToolOptions>();
        app.description("Send the events a tool kept on disk to its backends now and report per backend");
        add_tool_option(app, *tool);
        run = [&global, tool] { return run_command(global, [&] { return run_flush(global, *tool); }); };
    }};

}  // namespace
}  // namespace overt::cli
