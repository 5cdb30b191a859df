// SPDX-License-Identifier: MIT
// Collector::open: the normal path, wiring consent, the data dir, the machine id and the
// backends together.
#include "collector/collector_impl.hpp"

#include "delivery/sink_loading.hpp"
#include "delivery/consent_recheck.hpp"
#include "support/logger.hpp"

#include <overt/consent.hpp>
#include <overt/data_dir.hpp>
#include <overt/machine_id.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace overt {

std::unique_ptr<Collector> Collector::open(Config config) {
    // The same watch asks again before every send: the consent file is read once here, and
    // again only if it changes.
    auto consent = std::make_shared<delivery::ConsentWatch>(config);
    std::string consent_warning;
    const ConsentDecision decision = consent->decision(&consent_warning);
    if (!consent_warning.empty()) detail::logger()->warn("overt: {}", consent_warning);

    CollectorOptions options;
    options.consent_granted = decision.collect;
    options.consent_reason = decision.reason;
    if (!decision.collect) {
        // Nothing is created for a disabled collector; drop() still finds an explicit data dir.
        options.data_dir = config.data_dir;
        return std::make_unique<Collector>(std::move(config), std::vector<std::unique_ptr<Sink>>{}, std::move(options));
    }
    options.data_dir = resolve_data_dir(config);
    // Local-only (`enable --local-only`, <TOOL>_TELEMETRY=local): the default file backend into
    // the data dir and nothing else, here and in overt-sender, which gets this config.
    if (decision.local_only) {
        config.backends.clear();
        detail::logger()->debug("overt: {} is local-only: events go to {} only", config.tool_name,
                                delivery::default_file_backend_path(options.data_dir));
    }
    if (options.data_dir.empty())
        detail::logger()->warn("overt: no usable data dir for {}: events cannot be spilled to disk", config.tool_name);
    // Consent is given: the installation secret may be created if this machine needs one.
    options.machine_id = hashed_machine_id(config.tool_name, MachineIdSecret::create_if_needed);
    auto collector = std::make_unique<Collector>(config, std::vector<std::unique_ptr<Sink>>{}, options);
    Collector::Impl& impl = detail::CollectorAccess::impl(*collector);
    // The tool's own process loads no plugin code unless its author asked for inline delivery;
    // then a plugin call may hold it no longer than the exit budget (at least 100 ms, for a load).
    const auto call_limit = std::chrono::milliseconds(std::max<int64_t>(config.exit_budget_ms, 100));
    impl.sinks = config.exit_delivery == ExitDelivery::in_process
                     ? delivery::load_sinks(config, impl.data_dir, call_limit)
                     : delivery::deferred_sinks(config, impl.data_dir);
    impl.local_only = decision.local_only;
    impl.start_pipeline([consent] { return consent->still_granted(); });
    detail::logger()->debug("overt: collector for {} enabled ({}); backends: {}", impl.config.tool_name,
                            decision.reason, impl.sinks.describe());
    return collector;
}

namespace {

std::unique_ptr<Collector> disabled_collector(Config config, std::string problem) {
    CollectorOptions options;
    options.consent_reason = "telemetry is off: " + problem;
    auto collector = std::make_unique<Collector>(std::move(config), std::vector<std::unique_ptr<Sink>>{}, options);
    detail::CollectorAccess::impl(*collector).problem = std::move(problem);
    return collector;
}

}  // namespace

std::unique_ptr<Collector> Collector::open_or_disabled(Config config) noexcept {
    std::string problem;
    try {
        return open(config);
    } catch (const std::exception& e) {
        problem = e.what();
    } catch (...) {
        problem = "unknown error while opening the collector";
    }
    detail::logger()->debug("overt: telemetry disabled: {}", problem);
    return disabled_collector(std::move(config), std::move(problem));
}

std::unique_ptr<Collector> Collector::open_or_disabled(const std::string& config_path,
                                                       std::string_view tool_name) noexcept {
    Config fallback;
    std::string problem;
    try {
        fallback.tool_name = tool_name;
        std::error_code ec;
        if (config_path.empty() || !std::filesystem::exists(config_path, ec)) {
            if (!tool_name.empty()) return open_or_disabled(std::move(fallback));
            problem = (config_path.empty() ? std::string("no config file given") : config_path + ": file not found") +
                      " and no tool name to use defaults for";
        } else {
            return open_or_disabled(load_config(config_path));
        }
    } catch (const std::exception& e) {
        problem = e.what();
    } catch (...) {
        problem = "unknown error while reading " + config_path;
    }
    detail::logger()->debug("overt: telemetry disabled: {}", problem);
    return disabled_collector(std::move(fallback), std::move(problem));
}

}  // namespace overt
