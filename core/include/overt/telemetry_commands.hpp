// SPDX-License-Identifier: MIT
// The `telemetry` command group a tool mounts: status, enable [--local-only], disable, reset,
// doctor, as plain functions for any argument parser (overt/cli/telemetry_commands.hpp mounts
// them into a CLI11 app in one call), and the first-run consent prompt. The global `overt`
// command is built on the same functions.
#pragma once

#include <overt/export.hpp>

#include <overt/collector.hpp>
#include <overt/config.hpp>

#include <ostream>
#include <span>
#include <string>

namespace overt {

inline constexpr int kTelemetryExitOk = 0;
inline constexpr int kTelemetryExitFailed = 1;
inline constexpr int kTelemetryExitUsage = 2;

struct TelemetryCommandOptions {
    // The tool's running collector, if it opened one: disable and reset also empty it and
    // stop it recording in this process.
    Collector* collector = nullptr;
    // How users run the group, for the texts ("mytool telemetry"); "" = "<tool name> telemetry".
    std::string command;
    // reset with a deletion e-mail address: open the prepared e-mail (xdg-open).
    bool open_mail = false;
    // Where a command that fails writes why; nullptr = the command's own output stream.
    std::ostream* errors = nullptr;
};

// Each prints to `out`, never throws, and returns an exit code (0 ok, 1 failed).
// status: `Telemetry: disabled | enabled | enabled (local-only)`, `Machine ID: ...`,
// `Backend: ...`, then why, the consent file, data dir, backends, counters. Sends nothing.
OVERT_API int telemetry_status(const Config& config, std::ostream& out, const TelemetryCommandOptions& options = {});
// The same as a JSON object for scripts (stable keys: docs/status-json.md); secrets masked.
OVERT_API int telemetry_status_json(const Config& config, std::ostream& out, const TelemetryCommandOptions& options = {});
// Grants consent (local-only: events are kept in the data dir's telemetry.ndjson, nothing is sent).
OVERT_API int telemetry_enable(const Config& config, std::ostream& out, bool local_only = false,
                     const TelemetryCommandOptions& options = {});
// Withdraws consent and discards pending events; under force_enabled says it is enforced (exit 1).
OVERT_API int telemetry_disable(const Config& config, std::ostream& out, const TelemetryCommandOptions& options = {});
// Erases local data, sends the deletion request for the machine id (only if the tool ever
// collected here), and disables (unless force_enabled).
OVERT_API int telemetry_reset(const Config& config, std::ostream& out, const TelemetryCommandOptions& options = {});
// One `pass`/`warn`/`fail` line per check: telemetry state, data dir, each backend's plugin,
// each network backend's endpoint (a HEAD request within 5 s; no event is ever sent). Exit 1 if
// any check failed.
OVERT_API int telemetry_doctor(const Config& config, std::ostream& out, const TelemetryCommandOptions& options = {});
// The same checks as one JSON object: {"format": 1, "ok": bool, "checks": [{verdict, check, detail}]}.
OVERT_API int telemetry_doctor_json(const Config& config, std::ostream& out, const TelemetryCommandOptions& options = {});

// For tools with their own parser: `args` are the words after `telemetry` ("status",
// "enable --local-only", ...). Usage errors print to `err` and return 2; "help" or no args
// print the group's usage to `out`.
OVERT_API int run_telemetry_command(const Config& config, std::span<const std::string> args, std::ostream& out,
                          std::ostream& err, const TelemetryCommandOptions& options = {});

// --- Asking for consent on first run ---

enum class PromptOutcome {
    not_asked,  // not a terminal, CI, the environment or a stored choice decides, forced, ...
    granted,    // asked; the user said yes (persisted)
    denied,     // asked; the user said no or just pressed Enter (persisted)
};

struct ConsentPrompt {
    PromptOutcome outcome = PromptOutcome::not_asked;
    std::string reason;  // why it was not asked, or what was saved
};

struct ConsentPromptOptions {
    std::string command;  // as in TelemetryCommandOptions; "" = "<tool name> telemetry"
    int input_fd = 0;     // the answer is read from here (a terminal)
    int output_fd = 2;    // the question is written here (a terminal)
};

// Asks once, on a terminal only: not when input or output is not a terminal, not with CI set,
// not when DO_NOT_TRACK or <TOOL>_TELEMETRY already answer, not when a choice is stored, not
// when the author turned telemetry off or forced it on. Default no; the answer is saved in the
// consent file. Never throws. Call it before Collector::open.
OVERT_API ConsentPrompt ask_consent_once(const Config& config, const ConsentPromptOptions& options = {});

// The notice-only variant: tells the user once (on a terminal, not in CI, not when anything
// already decides) that the tool can send anonymous usage statistics, off until they run
// `<command> enable`; remembers that it did (notice-shown in the tool's overt config dir).
// True if the notice was shown now.
OVERT_API bool show_telemetry_notice_once(const Config& config, const ConsentPromptOptions& options = {});

}  // namespace overt
