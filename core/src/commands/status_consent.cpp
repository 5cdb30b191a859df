// SPDX-License-Identifier: MIT
// telemetry status, enable, disable, and the dispatcher for tools with their own parser.
#include "commands/command_support.hpp"

#include "delivery/backend_health.hpp"
#include "delivery/sender_spawn.hpp"
#include "support/mask_secrets.hpp"

#include <overt/consent.hpp>
#include <overt/counters.hpp>
#include <overt/machine_id.hpp>
#include <overt/telemetry_commands.hpp>

#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>

namespace overt {
namespace {

using commands::command_name;

// Runs a command body: an exception is printed (masked) and gives exit 1.
int guarded(const Config& config, std::ostream& out, const TelemetryCommandOptions& options, const char* what,
            const std::function<int()>& body) noexcept {
    try {
        return body();
    } catch (const std::exception& e) {
        try {
            (options.errors ? *options.errors : out) << config.tool_name << ": telemetry " << what << ": " << support::mask_secrets(e.what()) << "\n";
        } catch (...) {
        }
    } catch (...) {
    }
    return kTelemetryExitFailed;
}

void print_counters(const std::string& data_dir, std::ostream& out) {
    PersistedCounters totals;
    try {
        totals = read_persisted_counters(data_dir);
    } catch (const std::exception& e) {
        out << "Counters:   unreadable: " << e.what() << "\n";
        return;
    }
    uint64_t dropped = 0;
    for (const auto& [reason, count] : totals.dropped) dropped += count;
    out << "Counters (all runs): tracked " << totals.tracked << ", sent " << totals.sent << ", dropped " << dropped;
    if (totals.recovered) out << ", recovered from earlier runs " << totals.recovered;
    if (totals.handed_off) out << ", sent by another process " << totals.handed_off;
    if (totals.corrupt_files) out << ", corrupt spill files moved aside " << totals.corrupt_files;
    out << "\n";
    for (const auto& [reason, count] : totals.dropped) out << "  dropped (" << reason << "): " << count << "\n";
}

// exit_delivery: background sends from overt-sender, whose stderr is <data_dir>/sender.log:
// a backend that fails there is only seen here.
void print_sender_log(const std::string& data_dir, std::ostream& out) {
    const std::string path = data_dir + "/" + delivery::kSenderLogName;
    std::ifstream in(path);
    std::deque<std::string> last;
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        last.push_back(std::move(line));
        if (last.size() > 5) last.pop_front();
    }
    if (last.empty()) return;
    out << "Background sender (" << path << "), last messages:\n";
    for (const auto& line : last) out << "  " << support::mask_secrets(line) << "\n";
}

void print_backend_health(const std::string& data_dir, std::ostream& out) {
    std::string warning;
    const delivery::HealthRecords records = delivery::read_backend_health(data_dir, warning);
    if (!warning.empty()) out << "Backend health: " << warning << "\n";
    if (records.backends.empty() && records.quarantines_total == 0) return;
    out << "Backend health (background sender; quarantines so far: " << records.quarantines_total << "):\n";
    for (const auto& [id, health] : records.backends) {
        if (health.quarantined())
            out << "  " << id << ": " << delivery::quarantine_text(health) << "\n";
        else
            out << "  " << id << ": killed or hung the sender " << health.consecutive_failures
                << " time(s) in a row; last: " << health.last_reason << "\n";
    }
}

int status(const Config& config, std::ostream& out) {
    ConsentStore store(config.tool_name);
    const ConsentDecision decision = decide_consent(config, store);
    const Consent stored = store.load();
    const Config effective = commands::effective_config(config, decision);
    const std::string data_dir = commands::command_data_dir(config);

    std::vector<std::string> problems;
    const auto sinks = commands::load_sinks(effective, data_dir, problems);
    const bool file_backend_later = data_dir.empty() && !decision.collect && config.backends.empty();
    std::string backend_line;
    for (const auto& sink : sinks) backend_line += (backend_line.empty() ? "" : ", ") + sink->describe();
    if (!problems.empty()) backend_line += (backend_line.empty() ? "" : ", ") + std::string("unavailable");
    if (backend_line.empty())
        backend_line = file_backend_later ? "file (into the data dir, once telemetry is enabled)" : "none";

    out << "Telemetry: "
        << (!decision.collect ? "disabled" : decision.local_only ? "enabled (local-only)" : "enabled") << "\n"
        << "Machine ID: " << hashed_machine_id(config.tool_name) << "\n"
        << "Backend: " << support::mask_secrets(backend_line) << "\n"
        << "Why:        " << decision.reason << "\n"
        << "Tool:       " << config.tool_name << "\n"
        << "Config:     " << commands::config_origin(config) << "\n"
        << "Consent:    " << to_string(stored) << (store.local_only() ? " (local-only)" : "") << " (" << store.path()
        << ")\n";
    if (!store.warning().empty()) out << "            warning: " << store.warning() << "\n";
    out << "Data dir:   "
        << (!data_dir.empty()    ? data_dir
            : decision.collect ? std::string("none usable (events cannot be kept on disk)")
                               : std::string("none yet (made once telemetry is enabled)"))
        << "\n";
    out << "Backends:" << (sinks.empty() && problems.empty() && !file_backend_later ? "   none" : "") << "\n";
    if (file_backend_later) out << "  file: the file backend into the data dir, once telemetry is enabled\n";
    for (const auto& sink : sinks) out << "  " << sink->id() << ": " << support::mask_secrets(sink->describe()) << "\n";
    for (const auto& problem : problems) out << "  unavailable: " << support::mask_secrets(problem) << "\n";
    if (decision.local_only) out << "  (local-only: nothing is sent; the events stay in the data dir)\n";

    if (data_dir.empty()) return kTelemetryExitOk;
    CollectorOptions reader;
    reader.data_dir = data_dir;
    const Collector pending(config, {}, reader);
    const size_t files = pending.spill_files_waiting();
    const size_t events = files ? pending.pending_events().size() : 0;
    out << "Waiting:    " << events << " event(s) in " << files << " spill file(s)\n";
    print_counters(data_dir, out);
    print_backend_health(data_dir, out);
    print_sender_log(data_dir, out);
    return kTelemetryExitOk;
}

int enable(const Config& config, std::ostream& out, bool local_only, const TelemetryCommandOptions& options) {
    ConsentStore store(config.tool_name);
    store.set_local_only(local_only);
    store.save(Consent::granted);
    if (local_only)
        out << "Telemetry enabled for " << config.tool_name << ", local-only: events are kept on this machine "
            << "(telemetry.ndjson in the data dir) and nothing is sent.\n";
    else
        out << "Telemetry enabled for " << config.tool_name << ". Thank you for helping improve " << config.tool_name
            << "!\n";
    out << "No personally identifiable information is collected.\n"
        << "Consent saved in " << store.path() << "\n"
        << "Change it at any time with `" << command_name(config, options.command) << " disable`.\n";
    const ConsentDecision decision =
        decide_consent(config, Consent::granted, local_only, [](const char* name) { return std::getenv(name); });
    if (!decision.collect)
        out << "Note: telemetry stays off for now: " << decision.reason << "\n";
    else
        // Consent is given: a machine that needs the installation secret for its id gets it now.
        (void)hashed_machine_id(config.tool_name, MachineIdSecret::create_if_needed);
    return kTelemetryExitOk;
}

int disable(const Config& config, std::ostream& out, const TelemetryCommandOptions& options) {
    if (config.force_enabled) {
        out << "Telemetry of " << config.tool_name << " is enforced by your organisation (force_enabled in "
            << commands::config_origin(config) << ") and cannot be disabled. Nothing was changed.\n";
        return kTelemetryExitFailed;
    }
    ConsentStore store(config.tool_name);
    store.save(Consent::denied);
    if (options.collector) options.collector->disable();
    out << "Telemetry disabled for " << config.tool_name << ".\n"
        << "Consent saved in " << store.path() << "\n";
    const bool erased = commands::erase_local_data(config, commands::command_data_dir(config), out);
    out << "All pending events have been discarded.\n";
    return erased ? kTelemetryExitOk : kTelemetryExitFailed;
}

void usage(const Config& config, std::ostream& out, const TelemetryCommandOptions& options) {
    const std::string name = command_name(config, options.command);
    out << "Manage anonymous usage telemetry\n"
        << "usage: " << name << " status | enable [--local-only] | disable | reset | doctor\n"
        << "  status                show whether telemetry is on, the machine ID and the backend\n"
        << "  enable [--local-only] allow anonymous usage telemetry (--local-only: keep it on this machine)\n"
        << "  disable               stop telemetry and discard pending events\n"
        << "  reset                 erase local data, ask for deletion of sent data, disable\n"
        << "  doctor                check telemetry state, data dir, backends and endpoints\n";
}

}  // namespace

int telemetry_status(const Config& config, std::ostream& out, const TelemetryCommandOptions& options) {
    return guarded(config, out, options, "status", [&] { return status(config, out); });
}

int telemetry_enable(const Config& config, std::ostream& out, bool local_only, const TelemetryCommandOptions& options) {
    return guarded(config, out, options, "enable", [&] { return enable(config, out, local_only, options); });
}

int telemetry_disable(const Config& config, std::ostream& out, const TelemetryCommandOptions& options) {
    return guarded(config, out, options, "disable", [&] { return disable(config, out, options); });
}

int run_telemetry_command(const Config& config, std::span<const std::string> args, std::ostream& out,
                          std::ostream& err, const TelemetryCommandOptions& options) {
    if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
        usage(config, out, options);
        return kTelemetryExitOk;
    }
    const std::string& command = args[0];
    const auto rest = args.subspan(1);
    if (command == "enable") {
        bool local_only = false;
        for (const auto& arg : rest) {
            if (arg != "--local-only") {
                err << command_name(config, options.command) << " enable: unknown argument '" << arg << "'\n";
                return kTelemetryExitUsage;
            }
            local_only = true;
        }
        return telemetry_enable(config, out, local_only, options);
    }
    if (!rest.empty()) {
        err << command_name(config, options.command) << " " << command << ": takes no arguments\n";
        return kTelemetryExitUsage;
    }
    if (command == "status") return telemetry_status(config, out, options);
    if (command == "disable") return telemetry_disable(config, out, options);
    if (command == "reset") return telemetry_reset(config, out, options);
    if (command == "doctor") return telemetry_doctor(config, out, options);
    err << command_name(config, options.command) << ": unknown command '" << command << "'\n";
    usage(config, err, options);
    return kTelemetryExitUsage;
}

}  // namespace overt
