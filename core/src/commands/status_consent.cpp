// SPDX-License-Identifier: MIT
// telemetry status, enable, disable, and the dispatcher for tools with their own parser.
#include "commands/command_support.hpp"

#include "delivery/backend_health.hpp"
#include "delivery/sender_spawn.hpp"
#include "platform/user.hpp"
#include "support/mask_secrets.hpp"

#include <overt/consent.hpp>
#include <overt/counters.hpp>
#include <overt/machine_id.hpp>
#include <overt/telemetry_commands.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

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

// Everything `status` shows, gathered once for the text and the JSON form.
struct StatusReport {
    ConsentDecision decision;
    Consent stored = Consent::unset;
    bool stored_local_only = false;
    std::string consent_path, consent_warning;
    std::string machine_id, config_origin, data_dir;
    std::vector<std::pair<std::string, std::string>> backends;  // (id, description), masked
    std::vector<std::string> unavailable;                       // masked
    bool file_backend_later = false;  // no data dir yet: the default file backend once enabled
    size_t waiting_events = 0, waiting_files = 0;
    std::optional<PersistedCounters> counters;
    std::string counters_error;
    delivery::HealthRecords health;
    std::string health_warning;
    std::vector<std::string> sender_log;  // the last lines of <data_dir>/sender.log, masked

    const char* telemetry() const {
        return !decision.collect ? "disabled" : decision.local_only ? "enabled (local-only)" : "enabled";
    }
};

// exit_delivery: background sends from overt-sender, whose stderr is <data_dir>/sender.log:
// a backend that fails there is only seen here.
std::vector<std::string> last_sender_lines(const std::string& data_dir) {
    std::ifstream in(platform::join_path(data_dir, delivery::kSenderLogName));
    std::deque<std::string> last;
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        last.push_back(support::mask_secrets(line));  // an older sender's, or other ${VAR} values'
        if (last.size() > 5) last.pop_front();
    }
    return {last.begin(), last.end()};
}

StatusReport gather_status(const Config& config) {
    StatusReport r;
    ConsentStore store(config.tool_name);
    r.decision = decide_consent(config, store);
    r.stored = store.load();
    r.stored_local_only = store.local_only();
    r.consent_path = store.path();
    r.consent_warning = store.warning();
    r.machine_id = hashed_machine_id(config.tool_name);
    r.config_origin = commands::config_origin(config);
    r.data_dir = commands::command_data_dir(config);
    const Config effective = commands::effective_config(config, r.decision);
    std::vector<std::string> problems;
    for (const auto& sink : commands::load_sinks(effective, r.data_dir, problems))
        r.backends.emplace_back(sink->id(), support::mask_secrets(sink->describe()));
    for (const auto& problem : problems) r.unavailable.push_back(support::mask_secrets(problem));
    r.file_backend_later = r.data_dir.empty() && !r.decision.collect && config.backends.empty();
    if (r.data_dir.empty()) return r;

    CollectorOptions reader;
    reader.data_dir = r.data_dir;
    const Collector pending(config, {}, reader);
    r.waiting_files = pending.spill_files_waiting();
    r.waiting_events = r.waiting_files ? pending.pending_events().size() : 0;
    try {
        r.counters = read_persisted_counters(r.data_dir);
    } catch (const std::exception& e) {
        r.counters_error = e.what();
    }
    r.health = delivery::read_backend_health(r.data_dir, r.health_warning);
    r.sender_log = last_sender_lines(r.data_dir);
    return r;
}

void print_counters(const StatusReport& r, std::ostream& out) {
    if (!r.counters) {
        out << "Counters:   unreadable: " << r.counters_error << "\n";
        return;
    }
    const PersistedCounters& totals = *r.counters;
    uint64_t dropped = 0;
    for (const auto& [reason, count] : totals.dropped) dropped += count;
    out << "Counters (all runs): tracked " << totals.tracked << ", sent " << totals.sent << ", dropped " << dropped;
    if (totals.recovered) out << ", recovered from earlier runs " << totals.recovered;
    if (totals.handed_off) out << ", sent by another process " << totals.handed_off;
    if (totals.corrupt_files) out << ", corrupt spill files moved aside " << totals.corrupt_files;
    out << "\n";
    for (const auto& [reason, count] : totals.dropped) out << "  dropped (" << reason << "): " << count << "\n";
}

void print_backend_health(const StatusReport& r, std::ostream& out) {
    if (!r.health_warning.empty()) out << "Backend health: " << r.health_warning << "\n";
    if (r.health.backends.empty() && r.health.quarantines_total == 0) return;
    out << "Backend health (background sender; quarantines so far: " << r.health.quarantines_total << "):\n";
    for (const auto& [id, health] : r.health.backends) {
        if (health.quarantined())
            out << "  " << id << ": " << delivery::quarantine_text(health) << "\n";
        else
            out << "  " << id << ": killed or hung the sender " << health.consecutive_failures
                << " time(s) in a row; last: " << health.last_reason << "\n";
    }
}

int status(const Config& config, std::ostream& out) {
    const StatusReport r = gather_status(config);
    std::string backend_line;
    for (const auto& [id, description] : r.backends) backend_line += (backend_line.empty() ? "" : ", ") + description;
    if (!r.unavailable.empty()) backend_line += (backend_line.empty() ? "" : ", ") + std::string("unavailable");
    if (backend_line.empty())
        backend_line = r.file_backend_later ? "file (into the data dir, once telemetry is enabled)" : "none";

    out << "Telemetry: " << r.telemetry() << "\n"
        << "Machine ID: " << r.machine_id << "\n"
        << "Backend: " << backend_line << "\n"
        << "Why:        " << r.decision.reason << "\n"
        << "Tool:       " << config.tool_name << "\n"
        << "Config:     " << r.config_origin << "\n"
        << "Consent:    " << to_string(r.stored) << (r.stored_local_only ? " (local-only)" : "") << " ("
        << r.consent_path << ")\n";
    if (!r.consent_warning.empty()) out << "            warning: " << r.consent_warning << "\n";
    out << "Data dir:   "
        << (!r.data_dir.empty()    ? r.data_dir
            : r.decision.collect ? std::string("none usable (events cannot be kept on disk)")
                                 : std::string("none yet (made once telemetry is enabled)"))
        << "\n";
    out << "Backends:" << (r.backends.empty() && r.unavailable.empty() && !r.file_backend_later ? "   none" : "")
        << "\n";
    if (r.file_backend_later) out << "  file: the file backend into the data dir, once telemetry is enabled\n";
    for (const auto& [id, description] : r.backends) out << "  " << id << ": " << description << "\n";
    for (const auto& problem : r.unavailable) out << "  unavailable: " << problem << "\n";
    if (r.decision.local_only) out << "  (local-only: nothing is sent; the events stay in the data dir)\n";

    if (r.data_dir.empty()) return kTelemetryExitOk;
    out << "Waiting:    " << r.waiting_events << " event(s) in " << r.waiting_files << " spill file(s)\n";
    print_counters(r, out);
    print_backend_health(r, out);
    if (!r.sender_log.empty()) {
        out << "Background sender (" << platform::join_path(r.data_dir, delivery::kSenderLogName)
            << "), last messages:\n";
        for (const auto& line : r.sender_log) out << "  " << line << "\n";
    }
    return kTelemetryExitOk;
}

// The same report for scripts: stable keys, documented in docs/status-json.md.
int status_json(const Config& config, std::ostream& out) {
    const StatusReport r = gather_status(config);
    using Json = nlohmann::json;
    Json backends = Json::array();
    for (const auto& [id, description] : r.backends) backends.push_back({{"id", id}, {"description", description}});
    Json report = {
        {"format", 1},
        {"tool", config.tool_name},
        {"telemetry", r.telemetry()},
        {"enabled", r.decision.collect},
        {"local_only", r.decision.local_only},
        {"reason", r.decision.reason},
        {"machine_id", r.machine_id},
        {"config", r.config_origin},
        {"consent", {{"stored", std::string(to_string(r.stored))}, {"local_only", r.stored_local_only},
                     {"path", r.consent_path}, {"warning", r.consent_warning}}},
        {"data_dir", r.data_dir.empty() ? Json(nullptr) : Json(r.data_dir)},
        {"backends", backends},
        {"unavailable", r.unavailable},
        {"default_file_backend_once_enabled", r.file_backend_later},
    };
    if (!r.data_dir.empty()) {
        report["waiting"] = {{"events", r.waiting_events}, {"spill_files", r.waiting_files}};
        if (r.counters) {
            Json dropped = Json::object();
            for (const auto& [reason, count] : r.counters->dropped) dropped[reason] = count;
            report["counters"] = {{"tracked", r.counters->tracked},
                                  {"sent", r.counters->sent},
                                  {"recovered", r.counters->recovered},
                                  {"handed_off", r.counters->handed_off},
                                  {"corrupt_files", r.counters->corrupt_files},
                                  {"dropped", dropped}};
        } else {
            report["counters"] = {{"error", r.counters_error}};
        }
        Json health = Json::object();
        for (const auto& [id, one] : r.health.backends)
            health[id] = {{"quarantined", one.quarantined()},
                          {"consecutive_failures", one.consecutive_failures},
                          {"last_reason", one.last_reason}};
        report["backend_health"] = {{"quarantines_total", r.health.quarantines_total}, {"backends", health}};
        report["sender_log"] = r.sender_log;
    }
    out << report.dump(2) << "\n";
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
        << "usage: " << name << " status [--json] | enable [--local-only] | disable | reset | doctor [--json]\n"
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

int telemetry_status_json(const Config& config, std::ostream& out, const TelemetryCommandOptions& options) {
    return guarded(config, out, options, "status", [&] { return status_json(config, out); });
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
    if (rest.size() == 1 && rest[0] == "--json") {
        if (command == "status") return telemetry_status_json(config, out, options);
        if (command == "doctor") return telemetry_doctor_json(config, out, options);
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
