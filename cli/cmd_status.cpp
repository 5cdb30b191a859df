// SPDX-License-Identifier: MIT
// overt status: whether telemetry is on for a tool and why, its machine id, where its data
// lives, its backends, what it has counted, and what waits on disk. Sends nothing.
#include "cmd_support.hpp"

#include "support/mask_secrets.hpp"

#include "delivery/backend_health.hpp"
#include "delivery/sender_spawn.hpp"

#include <overt/collector.hpp>
#include <overt/consent.hpp>
#include <overt/counters.hpp>
#include <overt/machine_id.hpp>

#include <deque>
#include <fstream>
#include <iostream>
#include <memory>

namespace overt::cli {
namespace {

void print_counters(const std::string& data_dir) {
    PersistedCounters totals;
    try {
        totals = read_persisted_counters(data_dir);
    } catch (const std::exception& e) {
        std::cout << "Counters:   unreadable: " << e.what() << "\n";
        return;
    }
    uint64_t dropped = 0;
    for (const auto& [reason, count] : totals.dropped) dropped += count;
    std::cout << "Counters (all runs): tracked " << totals.tracked << ", sent " << totals.sent << ", dropped "
              << dropped;
    if (totals.recovered) std::cout << ", recovered from earlier runs " << totals.recovered;
    if (totals.handed_off) std::cout << ", sent by another process " << totals.handed_off;
    if (totals.corrupt_files) std::cout << ", corrupt spill files moved aside " << totals.corrupt_files;
    std::cout << "\n";
    for (const auto& [reason, count] : totals.dropped) std::cout << "  dropped (" << reason << "): " << count << "\n";
}

// exit_delivery: background sends from overt-sender, whose stderr is <data_dir>/sender.log:
// a backend that fails there is only seen here.
void print_sender_log(const std::string& data_dir) {
    const std::string path = data_dir + "/" + delivery::kSenderLogName;
    std::ifstream in(path);
    std::deque<std::string> last;
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        last.push_back(std::move(line));
        if (last.size() > 5) last.pop_front();
    }
    if (last.empty()) return;
    std::cout << "Background sender (" << path << "), last messages:\n";
    // Written by an older sender perhaps, or one given other ${VAR} values: masked again.
    for (const auto& line : last) std::cout << "  " << support::mask_secrets(line) << "\n";
}

// overt-sender's supervisor keeps these: a backend whose plugin killed or hung the sender, and
// one quarantined for doing it again and again, would otherwise only show as events not sent.
void print_backend_health(const std::string& data_dir) {
    std::string warning;
    const delivery::HealthRecords records = delivery::read_backend_health(data_dir, warning);
    if (!warning.empty()) std::cout << "Backend health: " << warning << "\n";
    if (records.backends.empty() && records.quarantines_total == 0) return;
    std::cout << "Backend health (background sender; quarantines so far: " << records.quarantines_total << "):\n";
    for (const auto& [id, health] : records.backends) {
        if (health.quarantined())
            std::cout << "  " << id << ": " << delivery::quarantine_text(health) << "\n";
        else
            std::cout << "  " << id << ": killed or hung the sender " << health.consecutive_failures
                      << " time(s) in a row; last: " << health.last_reason << "\n";
    }
}

int run_status(const GlobalOptions& global, const ToolOptions& tool) {
    const Config config = load_command_config(global, tool);
    ConsentStore store(config.tool_name);
    const Consent stored = store.load();
    const ConsentDecision decision = decide_consent(config, stored);

    std::cout << "Tool:       " << config.tool_name << "\n"
              << "Config:     " << config_origin(config) << "\n"
              << "Telemetry:  " << (decision.collect ? "enabled" : "disabled") << " (" << decision.reason << ")\n"
              << "Consent:    " << to_string(stored) << " (" << store.path() << ")\n";
    if (!store.warning().empty()) std::cout << "            warning: " << store.warning() << "\n";
    std::cout << "Machine ID: " << hashed_machine_id(config.tool_name) << "\n";

    const std::string data_dir = command_data_dir(config);
    std::cout << "Data dir:   "
              << (!data_dir.empty()    ? data_dir
                  : decision.collect ? std::string("none usable (events cannot be kept on disk)")
                                     : std::string("none yet (made once telemetry is enabled)"))
              << "\n";

    std::vector<std::string> problems;
    const auto sinks = load_sinks(config, data_dir, problems);
    const bool file_backend_later = data_dir.empty() && !decision.collect && config.backends.empty();
    std::cout << "Backends:" << (sinks.empty() && problems.empty() && !file_backend_later ? "   none" : "") << "\n";
    if (file_backend_later) std::cout << "  file: the file backend into the data dir, once telemetry is enabled\n";
    for (const auto& sink : sinks) std::cout << "  " << sink->id() << ": " << sink->describe() << "\n";
    for (const auto& problem : problems) std::cout << "  unavailable: " << problem << "\n";

    if (data_dir.empty()) return kExitOk;
    // A collector without consent and without sinks only reads the data dir.
    CollectorOptions reader;
    reader.data_dir = data_dir;
    const Collector pending(config, {}, reader);
    const size_t files = pending.spill_files_waiting();
    const size_t events = files ? pending.pending_events().size() : 0;
    std::cout << "Waiting:    " << events << " event(s) in " << files << " spill file(s)\n";
    print_counters(data_dir);
    print_backend_health(data_dir);
    print_sender_log(data_dir);
    return kExitOk;
}

const CommandRegistration status_command{
    "status", [](CLI::App& app, GlobalOptions& global, std::function<int()>& run) {
        auto tool = std::make_shared<ToolOptions>();
        app.description("Show whether telemetry is on for a tool and why, its machine ID, data dir, backends and "
                        "counters (sends nothing)");
        add_tool_option(app, *tool);
        run = [&global, tool] { return run_command(global, [&] { return run_status(global, *tool); }); };
    }};

}  // namespace
}  // namespace overt::cli
