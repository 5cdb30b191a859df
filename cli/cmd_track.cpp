// SPDX-License-Identifier: MIT
// overt track: records one event for a tool (as the tool itself would) and delivers it within
// the tool's exit budget; what cannot be delivered by then stays on disk for a later run.
#include "cmd_support.hpp"

#include <overt/collector.hpp>

#include <iostream>
#include <memory>
#include <optional>

namespace overt::cli {
namespace {

struct TrackOptions {
    ToolOptions tool;
    std::string name;
    std::string type{event_type::command_invocation};
    std::optional<int64_t> duration_ms;
    std::optional<int32_t> exit_code;
    std::vector<std::string> meta;
};

Metadata parse_metadata(const std::vector<std::string>& pairs) {
    Metadata metadata;
    for (const auto& pair : pairs) {
        const size_t equals = pair.find('=');
        if (equals == std::string::npos || equals == 0)
            throw UsageError("--meta \"" + pair + "\": expected KEY=VALUE");
        metadata.emplace_back(pair.substr(0, equals), pair.substr(equals + 1));
    }
    return metadata;
}

int run_track(const GlobalOptions& global, const TrackOptions& options) {
    if (options.type.empty()) throw UsageError("--type must not be empty");
    const bool is_command = options.type == event_type::command_invocation;
    if (!is_command && (options.duration_ms || options.exit_code))
        throw UsageError("--duration-ms and --exit-code apply only to --type " +
                         std::string(event_type::command_invocation));
    const Metadata metadata = parse_metadata(options.meta);
    auto collector = Collector::open(load_delivering_config(global, options.tool));
    const std::string& tool = collector->config().tool_name;
    if (!collector->enabled()) {
        std::cout << "Not recorded: telemetry of " << tool << " is off (" << collector->consent_reason() << ").\n";
        return kExitOk;
    }
    if (is_command)
        collector->track_command(options.name, options.duration_ms.value_or(0), options.exit_code.value_or(0),
                                 metadata);
    else
        collector->track(options.type, options.name, metadata);
    const FlushReport report = collector->close();

    std::cout << "Recorded " << options.type << " \"" << options.name << "\" for " << tool << ".\n";
    if (report.events_sent) std::cout << "Delivered to: " << collector->backend_info() << "\n";
    if (report.events_spilled)
        std::cout << "Not delivered yet, kept on disk for a later run (" << report.events_spilled << " event(s) in "
                  << collector->data_dir() << "); `overt flush` retries.\n";
    if (report.events_dropped) {
        std::cout << "Lost: " << report.events_dropped << " event(s) could be neither delivered nor kept.\n"
                  << report.summary();
        return kExitFailed;
    }
    return kExitOk;
}

const CommandRegistration track_command{
    "track", [](CLI::App& app, GlobalOptions& global, std::function<int()>& run) {
        auto options = std::make_shared<TrackOptions>();
        app.description("Record one event for a tool, as the tool would, and deliver it within its exit budget");
        app.add_option("name", options->name, "Event name, e.g. the command that ran")->required();
        app.add_option("--type", options->type, "Event type (default command.invocation)");
        app.add_option("--duration-ms", options->duration_ms, "How long the command took")
            ->check(CLI::NonNegativeNumber);
        app.add_option("--exit-code", options->exit_code, "The command's exit code");
        app.add_option("--meta", options->meta, "Metadata KEY=VALUE (repeatable; keys and values are redacted)")
            ->allow_extra_args(false);
        add_tool_option(app, options->tool);
        run = [&global, options] { return run_command(global, [&] { return run_track(global, *options); }); };
    }};

}  // namespace
}  // namespace overt::cli
