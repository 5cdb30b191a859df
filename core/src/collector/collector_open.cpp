// Collector::open: the normal path, wiring consent, the data dir, the machine id and the
// plugin host together.
#include "collector/collector_impl.hpp"

#include "support/logger.hpp"
#include "plugin/plugin_host_factory.hpp"
#include "transport/http_service.hpp"

#include <overt/consent.hpp>
#include <overt/data_dir.hpp>
#include <overt/machine_id.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>

namespace overt {

std::unique_ptr<Collector> Collector::open(Config config) {
    ConsentStore consent_store(config.tool_name);
    Consent stored = consent_store.load();
    if (!consent_store.warning().empty()) detail::logger()->warn("overt: {}", consent_store.warning());
    ConsentDecision decision = decide_consent(config, stored);

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
    options.machine_id = hashed_machine_id(config.tool_name);
    return detail::open_granted(std::move(config), std::move(options));
}

namespace detail {

std::unique_ptr<Collector> open_granted(Config config, CollectorOptions options) {
    std::vector<BackendConfig> backends = config.backends;
    if (backends.empty()) {
        if (options.data_dir.empty()) {
            detail::logger()->warn("overt: no backends configured and no data dir: events of {} go nowhere",
                                   config.tool_name);
        } else {
            BackendConfig file;
            file.plugin = "file";
            file.id = "file";
            file.settings_json =
                nlohmann::json{{"path", (std::filesystem::path(options.data_dir) / "telemetry.ndjson").string()}}
                    .dump();
            backends.push_back(std::move(file));
        }
    }

    auto host = std::make_unique<PluginHost>(plugin::make_plugin_host(
        plugin_search_path(config.plugin_dirs), transport::make_http_service()));
    std::vector<std::unique_ptr<Sink>> sinks;
    for (const auto& backend : backends) {
        const std::string id = backend.id.empty() ? backend.plugin : backend.id;
        try {
            sinks.push_back(host->create_sink(backend));
        } catch (const std::exception& e) {
            // A broken backend never breaks the tool: its events wait on disk until it loads.
            detail::logger()->error("overt: backend {} unavailable, its events are kept on disk: {}", id, e.what());
            options.unavailable_sink_ids.push_back(id);
            options.unavailable_sink_info.push_back(backend.plugin + " (unavailable: " + e.what() + ")");
        }
    }
    auto collector = std::make_unique<Collector>(std::move(config), std::move(sinks), std::move(options));
    Collector::Impl& impl = CollectorAccess::impl(*collector);
    impl.plugin_host = std::move(host);
    impl.sinks_from_config = true;
    return collector;
}

}  // namespace detail
}  // namespace overt
