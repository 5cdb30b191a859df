// SPDX-License-Identifier: MIT
// telemetry reset (the overt command's delete-my-data): erases the tool's local data, asks the
// receiver to delete what it holds for this machine (HTTP endpoint, e-mail link, or a deletion
// event through the backends), says truthfully whether that request went out, then disables.
#include "commands/command_support.hpp"
#include "delivery/sink_loading.hpp"

#include "support/mask_secrets.hpp"
#include "transport/http_service.hpp"

#include <overt/collector.hpp>
#include <overt/consent.hpp>
#include <overt/counters.hpp>
#include <overt/deletion.hpp>
#include <overt/machine_id.hpp>
#include <overt/telemetry_commands.hpp>

#include <chrono>
#include <filesystem>

namespace overt {
namespace {

constexpr auto kRequestTimeout = std::chrono::seconds(10);  // the seed's

bool request_deletion(const Config& config, const std::string& data_dir, const std::string& machine_id,
                      bool open_mail, std::ostream& out) {
    const Deadline deadline = Clock::now() + kRequestTimeout;
    if (!config.deletion_endpoint.empty()) {
        auto requestor = make_http_deletion_requestor(config.deletion_endpoint, transport::make_http_service());
        const DeletionOutcome outcome = requestor->request(machine_id, deadline);
        out << (outcome.sent ? "Deletion request sent: " : "Deletion request NOT sent: ") << outcome.message << "\n";
        return outcome.sent;
    }
    if (!config.deletion_email.empty()) {
        auto requestor = make_email_deletion_requestor(config.deletion_email, config.tool_name, open_mail);
        const DeletionOutcome outcome = requestor->request(machine_id, deadline);
        // An e-mail is never sent by us: the user sends it, so this is not a failure of ours.
        out << "Deletion request NOT sent automatically. " << outcome.message << "\n";
        return true;
    }
    std::vector<std::string> problems;
    const auto sinks = commands::load_sinks(config, data_dir, problems);
    bool all_sent = problems.empty() && !sinks.empty();
    for (const auto& problem : problems) out << "Deletion request NOT sent: backend unavailable: " << problem << "\n";
    if (sinks.empty() && problems.empty())
        out << "Deletion request NOT sent: no backend is configured and no data dir is usable.\n";
    const auto origin = std::make_shared<const Origin>(make_origin(machine_id, config.tool_name, config.tool_version));
    for (const auto& sink : sinks) {
        const DeletionOutcome outcome = make_event_deletion_requestor(sink, origin)->request(machine_id, deadline);
        out << (outcome.sent ? "Deletion request sent: " : "Deletion request NOT sent: ") << outcome.message << "\n";
        all_sent = all_sent && outcome.sent;
    }
    return all_sent;
}

// Consent now, or traces of collecting before: counters or spill files in its data dir.
bool ever_collected(const Config& config, const ConsentDecision& decision, const std::string& data_dir) {
    if (decision.collect) return true;
    if (data_dir.empty()) return false;
    try {
        const PersistedCounters books = read_persisted_counters(data_dir);
        if (books.tracked > 0 || books.sent > 0) return true;
    } catch (const std::exception&) {
        return true;  // a counters file we cannot read: assume it counted something
    }
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(data_dir, ec))
        if (entry.path().filename().string().starts_with("telemetry-")) return true;
    (void)config;
    return false;
}

int reset(const Config& config, std::ostream& out, const TelemetryCommandOptions& options) {
    const std::string machine_id = hashed_machine_id(config.tool_name);
    const std::string data_dir = commands::command_data_dir(config);
    ConsentStore store(config.tool_name);
    const ConsentDecision decision = decide_consent(config, store);
    out << "Deleting telemetry data of " << config.tool_name << " for machine ID " << machine_id << "\n";
    if (options.collector) options.collector->drop();
    // Withdrawn before erasing, so a sender still delivering from an earlier run stops (it
    // asks again before every send) instead of writing after the erase.
    if (!config.force_enabled) {
        store.set_local_only(false);
        store.save(Consent::denied);
        if (options.collector) options.collector->disable();
    }
    if (!commands::erase_local_data(config, data_dir, out)) return kTelemetryExitFailed;
    // The default file backend's (and local-only's) file holds recorded events too.
    if (!data_dir.empty() && config.backends.empty()) {
        std::error_code ec;
        const std::string recorded = delivery::default_file_backend_path(data_dir);
        if (std::filesystem::remove(recorded, ec)) out << "Removed " << recorded << "\n";
    }
    // A tool that never collected here has nothing to delete elsewhere: a request would itself
    // send the machine id of a user who never said yes. Local-only never sent anything either.
    bool requested = true;
    if (decision.local_only)
        out << "No deletion request sent: telemetry of " << config.tool_name
            << " was local-only, so nothing was sent.\n";
    else if (!ever_collected(config, decision, data_dir))
        out << "No deletion request sent: telemetry of " << config.tool_name
            << " was never enabled on this machine, so nothing was sent.\n";
    else
        requested = request_deletion(config, data_dir, machine_id, options.open_mail, out);

    if (config.force_enabled) {
        out << "Local telemetry data cleared. Telemetry remains enabled per organisation policy (force_enabled in "
            << commands::config_origin(config) << ").\n";
    } else {
        out << "Telemetry disabled for " << config.tool_name << " (consent saved in " << store.path() << ").\n"
            << "Local telemetry data cleared. Telemetry disabled.\n";
    }
    return requested ? kTelemetryExitOk : kTelemetryExitFailed;
}

}  // namespace

int telemetry_reset(const Config& config, std::ostream& out, const TelemetryCommandOptions& options) {
    try {
        return reset(config, out, options);
    } catch (const std::exception& e) {
        (options.errors ? *options.errors : out) << config.tool_name << ": telemetry reset: " << support::mask_secrets(e.what()) << "\n";
    } catch (...) {
    }
    return kTelemetryExitFailed;
}

}  // namespace overt
