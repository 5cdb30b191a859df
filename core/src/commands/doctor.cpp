// SPDX-License-Identifier: MIT
// telemetry doctor: one pass/warn/fail line per check. Sends no event: the connectivity check
// is a HEAD request to each network backend's endpoint, bounded by kConnectTimeout.
#include "commands/command_support.hpp"

#include "delivery/sink_loading.hpp"
#include "platform/fd.hpp"
#include "platform/user.hpp"
#include "support/mask_secrets.hpp"
#include "transport/http_service.hpp"

#include <overt/consent.hpp>
#include <overt/plugins.hpp>
#include <overt/telemetry_commands.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>


namespace overt {
namespace {

constexpr auto kConnectTimeout = std::chrono::seconds(5);  // the seed's

struct CheckResult {
    std::string verdict;  // pass, warn, fail
    std::string check;
    std::string detail;   // masked
};

// Collects each check; the text form prints it at once (the endpoint checks take seconds).
struct Checks {
    std::ostream* text = nullptr;
    int failed = 0;
    std::vector<CheckResult> results;
    void line(std::string_view verdict, std::string_view check, const std::string& detail) {
        if (verdict == "fail") ++failed;
        results.push_back({std::string(verdict), std::string(check), support::mask_secrets(detail)});
        if (text) *text << verdict << "  " << check << ": " << results.back().detail << "\n";
    }
};

std::string data_dir_problem(const std::string& dir) {
    platform::FileStatus st;
    if (!platform::stat_path(dir, st, false)) return "missing";
    if (!st.directory) return "not a directory";
    if (!st.owned_by_user) return "not owned by you";
    if (st.accessible_by_others) return "readable or writable by others (must be 0700)";
    if (!platform::may_write_in(dir)) return "not writable";
    return {};
}

// The endpoint a network backend sends to, "" for one that does not send over the network.
std::string endpoint_of(const BackendConfig& backend, const nlohmann::json& settings) {
    if (settings.contains("endpoint") && settings["endpoint"].is_string()) return settings["endpoint"];
    if (backend.plugin == "datadog") {
        std::string site = settings.value("site", "datadoghq.com");
        if (site.find('.') == std::string::npos) site += ".datadoghq.com";  // us3 -> us3.datadoghq.com
        if (site == "us1.datadoghq.com") site = "datadoghq.com";
        return "https://http-intake.logs." + site;
    }
    if (backend.plugin == "posthog") {
        if (settings.contains("host") && settings["host"].is_string()) return settings["host"];
        return settings.value("instance", "us") == "eu" ? "https://eu.i.posthog.com" : "https://us.i.posthog.com";
    }
    return {};
}

void check_connectivity(Checks& checks, const BackendConfig& backend, transport::HttpService& http) {
    nlohmann::json settings;
    try {
        settings = nlohmann::json::parse(backend.settings_json.empty() ? "{}" : backend.settings_json);
    } catch (const std::exception& e) {
        checks.line("fail", "connectivity " + backend.id, std::string("settings unreadable: ") + e.what());
        return;
    }
    const std::string endpoint = endpoint_of(backend, settings);
    if (endpoint.empty()) return;  // file, stdout: nothing to reach
    const std::string check = "connectivity " + backend.id;
    if (!endpoint.starts_with("http://") && !endpoint.starts_with("https://")) {
        checks.line("fail", check, "misconfigured: endpoint '" + endpoint + "' is not an http:// or https:// URL");
        return;
    }
    transport::HttpRequest request;
    request.url = endpoint;
    request.head_only = true;
    request.deadline_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              (std::chrono::steady_clock::now() + kConnectTimeout).time_since_epoch())
                              .count();
    request.ca_file = settings.value("ca_file", "");
    request.insecure = settings.value("insecure", false);
    const transport::HttpResponse response = http.post(request);
    if (response.status_code > 0)
        checks.line("pass", check, endpoint + " reachable (HTTP " + std::to_string(response.status_code) + ")");
    else
        checks.line("warn", check,
                    endpoint + " unreachable" + (response.error.empty() ? "" : " (" + response.error + ")"));
}

void run_checks(const Config& config, Checks& checks) {
    ConsentStore store(config.tool_name);
    const ConsentDecision decision = decide_consent(config, store);
    const std::string state =
        !decision.collect ? "disabled" : decision.local_only ? "enabled (local-only)" : "enabled";
    checks.line("pass", "telemetry", state + " (" + decision.reason + ")");
    if (!store.warning().empty()) checks.line("warn", "consent file", store.warning());

    const std::string data_dir = commands::command_data_dir(config);
    if (data_dir.empty()) {
        if (decision.collect)
            checks.line("fail", "data dir", "none usable: events cannot be kept on disk");
        else
            checks.line("pass", "data dir", "none yet (made once telemetry is enabled)");
    } else if (const std::string problem = data_dir_problem(data_dir); !problem.empty()) {
        checks.line("fail", "data dir", data_dir + ": " + problem);
    } else {
        checks.line("pass", "data dir", data_dir + " (private, writable)");
    }

    const Config effective = commands::effective_config(config, decision);
    std::string dirs;
    for (const auto& dir : plugin_search_path(effective.plugin_dirs)) dirs += (dirs.empty() ? "" : ":") + dir;
    checks.line("pass", "plugin path", dirs);
    const auto backends = delivery::configured_backends(effective, data_dir);
    if (backends.empty()) checks.line(decision.collect ? "warn" : "pass", "backends", "none configured");
    // Loads each plugin the way overt-sender would (create() runs; nothing is sent).
    std::vector<std::string> problems;
    const auto sinks = commands::load_sinks(effective, data_dir, problems);
    for (const auto& sink : sinks) checks.line("pass", "backend " + sink->id(), sink->describe());
    for (const auto& problem : problems) checks.line("fail", "backend", problem);

    if (!decision.collect || decision.local_only) {
        checks.line("pass", "connectivity",
                    std::string("not checked: ") + (decision.local_only ? "local-only, nothing is sent"
                                                                        : "telemetry is disabled, nothing is sent"));
    } else {
        auto http = transport::make_http_service();
        for (const auto& backend : backends) check_connectivity(checks, backend, *http);
    }
}

int doctor(const Config& config, std::ostream& out) {
    Checks checks;
    checks.text = &out;
    run_checks(config, checks);
    out << (checks.failed ? "Some checks failed.\n" : "No problems found.\n");
    return checks.failed ? kTelemetryExitFailed : kTelemetryExitOk;
}

// {"format": 1, "ok": bool, "checks": [{"verdict", "check", "detail"}]}: docs/status-json.md.
int doctor_json(const Config& config, std::ostream& out) {
    Checks checks;
    run_checks(config, checks);
    nlohmann::json listed = nlohmann::json::array();
    for (const auto& result : checks.results)
        listed.push_back({{"verdict", result.verdict}, {"check", result.check}, {"detail", result.detail}});
    out << nlohmann::json{{"format", 1}, {"ok", checks.failed == 0}, {"checks", listed}}.dump(2) << "\n";
    return checks.failed ? kTelemetryExitFailed : kTelemetryExitOk;
}

int guarded_doctor(const Config& config, std::ostream& out, const TelemetryCommandOptions& options,
                   int (*body)(const Config&, std::ostream&)) noexcept {
    try {
        return body(config, out);
    } catch (const std::exception& e) {
        try {
            (options.errors ? *options.errors : out) << "fail  doctor: " << support::mask_secrets(e.what()) << "\n";
        } catch (...) {
        }
    } catch (...) {
    }
    return kTelemetryExitFailed;
}

}  // namespace

int telemetry_doctor(const Config& config, std::ostream& out, const TelemetryCommandOptions& options) {
    return guarded_doctor(config, out, options, doctor);
}

int telemetry_doctor_json(const Config& config, std::ostream& out, const TelemetryCommandOptions& options) {
    return guarded_doctor(config, out, options, doctor_json);
}

}  // namespace overt
