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
    impl.start_pipeline([consent] { return consent->still_granted(); });
    return collector;
}

}  // namespace overt
