// SPDX-License-Identifier: MIT
// Shared plumbing of the telemetry commands; see command_support.hpp.
#include "commands/command_support.hpp"

#include "delivery/sender_spawn.hpp"
#include "delivery/sink_loading.hpp"
#include "plugin/plugin_host_factory.hpp"
#include "support/logger.hpp"
#include "transport/http_service.hpp"

#include <overt/collector.hpp>
#include <overt/data_dir.hpp>
#include <overt/plugins.hpp>

#include <algorithm>
#include <chrono>

namespace overt::commands {

constexpr int64_t kSenderWaitMs = 2000;

std::string command_name(const Config& config, const std::string& given) {
    return given.empty() ? config.tool_name + " telemetry" : given;
}

Config effective_config(const Config& config, const ConsentDecision& decision) {
    Config effective = config;
    if (decision.local_only) effective.backends.clear();
    return effective;
}

std::string command_data_dir(const Config& config) {
    ConsentStore store(config.tool_name);
    const ConsentDecision decision = decide_consent(config, store);
    detail::logger()->debug("overt: {}: telemetry {} ({}); consent file {}", config.tool_name,
                            decision.collect ? "on" : "off", decision.reason, store.path());
    const std::string dir = decision.collect ? resolve_data_dir(config) : existing_data_dir(config);
    detail::logger()->debug("overt: {}: data dir {}", config.tool_name, dir.empty() ? "(none)" : dir);
    return dir;
}

std::string config_origin(const Config& config) {
    return config.source_path.empty() ? "defaults for tool " + config.tool_name : config.source_path;
}

std::vector<std::shared_ptr<Sink>> load_sinks(const Config& config, const std::string& data_dir,
                                              std::vector<std::string>& problems) {
    // Sinks keep pointers into their plugin host's registry, so the host lives as long as the
    // last sink: each sink's deleter holds a reference to it.
    const std::vector<std::string> dirs = plugin_search_path(config.plugin_dirs);
    std::string searched;
    for (const auto& dir : dirs) searched += (searched.empty() ? "" : ":") + dir;
    detail::logger()->debug("overt: plugin search path: {}", searched);
    auto host = std::make_shared<PluginHost>(plugin::make_plugin_host(dirs, transport::make_http_service()));
    std::vector<std::shared_ptr<Sink>> sinks;
    for (const auto& backend : delivery::configured_backends(config, data_dir)) {
        try {
            detail::logger()->debug("overt: loading backend {} (plugin {})", backend.id, backend.plugin);
            Sink* sink = host->create_sink(backend).release();
            sinks.emplace_back(sink, [host](Sink* owned) { delete owned; });
        } catch (const std::exception& e) {
            problems.push_back(e.what());
        }
    }
    return sinks;
}

bool erase_local_data(const Config& config, const std::string& data_dir, std::ostream& out) {
    if (data_dir.empty()) {
        out << "No local data dir is usable, so there is no local data to erase.\n";
        return true;
    }
    // A sender an earlier run started may still be writing: with consent withdrawn it stops
    // before its next send, so waiting for it keeps what it delivers from landing after this.
    // Bounded: a command the user typed returns within two seconds however a sender hangs.
    const auto wait_until = std::chrono::steady_clock::now() +
                            std::chrono::milliseconds(std::min<int64_t>(config.flush_timeout_ms, kSenderWaitMs));
    if (!delivery::wait_for_senders(data_dir, wait_until))
        out << "A background sender of " << config.tool_name << " is still running; it stops before its next send.\n";
    CollectorOptions local;
    local.data_dir = data_dir;
    Collector collector(config, {}, local);
    const size_t files = collector.spill_files_waiting();
    const size_t events = files ? collector.pending_events().size() : 0;
    collector.drop();
    if (const size_t left = collector.spill_files_waiting()) {
        out << "Could not erase " << left << " spill file(s) in " << data_dir << "; remove them by hand.\n";
        return false;
    }
    out << "Local data erased: " << events << " unsent event(s) in " << files << " spill file(s) removed from "
        << data_dir << "\n";
    return true;
}

}  // namespace overt::commands
