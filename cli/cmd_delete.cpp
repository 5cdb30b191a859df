// SPDX-License-Identifier: MIT
// overt delete-my-data: erases a tool's local unsent data, asks the receiver to delete what it
// holds for this machine (HTTP endpoint, e-mail link, or a deletion event through the
// backends, by config), says truthfully whether that request went out, then withdraws consent.
#include "cmd_support.hpp"

#include "transport/http_service.hpp"

#include <overt/collector.hpp>
#include <overt/consent.hpp>
#include <overt/counters.hpp>
#include <overt/deletion.hpp>
#include <overt/machine_id.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

namespace overt::cli {
namespace {

constexpr auto kRequestTimeout = std::chrono::seconds(10);  // the seed's

struct DeleteOptions {
    ToolOptions tool;
    bool open_mail = false;
};

// Returns true if the request reached every place it was meant for.
bool request_deletion(const Config& config, const std::string& data_dir, const std::string& machine_id,
                      bool open_mail) {
    const Deadline deadline = Clock::now() + kRequestTimeout;
    if (!config.deletion_endpoint.empty()) {
        auto requestor =
            make_http_deletion_requestor(config.deletion_endpoint, transport::make_http_service());
        const DeletionOutcome outcome = requestor->request(machine_id, deadline);
        std::cout << (outcome.sent ? "Deletion request sent: " : "Deletion request NOT sent: ") << outcome.message
                  << "\n";
        return outcome.sent;
    }
    if (!config.deletion_email.empty()) {
        auto requestor = make_email_deletion_requestor(config.deletion_email, config.tool_name, open_mail);
        const DeletionOutcome outcome = requestor->request(machine_id, deadline);
        // An e-mail is never sent by us: the user sends it, so this is not a failure of ours.
        std::cout << "Deletion request NOT sent automatically. " << outcome.message << "\n";
        return true;
    }
    std::vector<std::string> problems;
    const auto sinks = load_sinks(config, data_dir, problems);
    bool all_sent = problems.empty() && !sinks.empty();
    for (const auto& problem : problems) std::cout << "Deletion request NOT sent: backend unavailable: " << problem << "\n";
    if (sinks.empty() && problems.empty())
        std::cout << "Deletion request NOT sent: no backend is configured and no data dir is usable.\n";
    const auto origin = std::make_shared<const Origin>(make_origin(machine_id, config.tool_name, config.tool_version));
    for (const auto& sink : sinks) {
        const DeletionOutcome outcome = make_event_deletion_requestor(sink, origin)->request(machine_id, deadline);
        std::cout << (outcome.sent ? "Deletion request sent: " : "Deletion request NOT sent: ") << outcome.message
                  << "\n";
        all_sent = all_sent && outcome.sent;
    }
    return all_sent;
}

// Consent now, or traces of collecting before: counters or spill files in its data dir.
bool ever_collected(const Config& config, const std::string& data_dir) {
    if (decide_consent(config, ConsentStore(config.tool_name).load()).collect) return true;
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
    return false;
}

int run_delete(const GlobalOptions& global, const DeleteOptions& options) {
    const Config config = load_command_config(global, options.tool);
    const std::string machine_id = hashed_machine_id(config.tool_name);
    const std::string data_dir = command_data_dir(config);
    std::cout << "Deleting telemetry data of " << config.tool_name << " for machine ID " << machine_id << "\n";
    if (!erase_local_data(config, data_dir)) return kExitFailed;
    // A tool that never collected here has nothing to delete elsewhere: a request would itself
    // send the machine id (and, as an event, the OS) of a user who never said yes.
    const bool requested = ever_collected(config, data_dir)
                               ? request_deletion(config, data_dir, machine_id, options.open_mail)
                               : (std::cout << "No deletion request sent: telemetry of " << config.tool_name
                                            << " was never enabled on this machine, so nothing was sent.\n",
                                  true);

    if (config.force_enabled) {
        std::cout << "Telemetry remains enabled: it is enforced by " << config_origin(config) << " (force_enabled).\n";
    } else {
        ConsentStore store(config.tool_name);
        store.save(Consent::denied);
        std::cout << "Telemetry disabled for " << config.tool_name << " (consent saved in " << store.path()
                  << ").\n";
    }
    return requested ? kExitOk : kExitFailed;
}

const CommandRegistration delete_command{
    "delete-my-data", [](CLI::App& app, GlobalOptions& global, std::function<int()>& run) {
        auto options = std::make_shared<DeleteOptions>();
        app.description("Erase a tool's local telemetry data, ask its receiver to delete this machine's data, and "
                        "disable telemetry");
        add_tool_option(app, options->tool);
        app.add_flag("--open-mail", options->open_mail,
                     "With a deletion e-mail address configured, open the prepared e-mail (xdg-open)");
        run = [&global, options] { return run_command(global, [&] { return run_delete(global, *options); }); };
    }};

}  // namespace
}  // namespace overt::cli
