// SPDX-License-Identifier: MIT
#include "delivery/sink_loading.hpp"

#include "plugin/plugin_host_factory.hpp"
#include "platform/user.hpp"
#include "plugin/quarantine_list.hpp"
#include "support/logger.hpp"
#include "transport/http_service.hpp"

#include <overt/plugins.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>

namespace overt::delivery {

std::string default_file_backend_path(const std::string& data_dir) {
    return platform::join_path(data_dir, "telemetry.ndjson");
}

std::vector<BackendConfig> configured_backends(const Config& config, const std::string& data_dir) {
    std::vector<BackendConfig> backends = config.backends;
    if (!backends.empty() || data_dir.empty()) return backends;
    BackendConfig file;
    file.plugin = "file";
    file.id = "file";
    file.settings_json =
        nlohmann::json{{"path", default_file_backend_path(data_dir)}}.dump();
    backends.push_back(std::move(file));
    return backends;
}

namespace {

std::string backend_id(const BackendConfig& backend) { return backend.id.empty() ? backend.plugin : backend.id; }

// The backends a collector of this tool delivers to, saying so when there are none.
std::vector<BackendConfig> backends_of_collector(const Config& config, const std::string& data_dir) {
    std::vector<BackendConfig> backends = configured_backends(config, data_dir);
    if (backends.empty())
        detail::logger()->warn("overt: no backends configured and no data dir: events of {} go nowhere",
                               config.tool_name);
    return backends;
}

}  // namespace

SinkSet deferred_sinks(const Config& config, const std::string& data_dir) {
    SinkSet sinks;
    for (const auto& backend : backends_of_collector(config, data_dir))
        sinks.add_deferred(backend_id(backend), backend.plugin + " (delivered by overt-sender)");
    return sinks;
}

SinkSet load_sinks(const Config& config, const std::string& data_dir, std::chrono::milliseconds call_limit) {
    SinkSet sinks;
    auto host = std::make_unique<PluginHost>(plugin::make_plugin_host(plugin_search_path(config.plugin_dirs),
                                                                      transport::make_http_service(), call_limit));
    for (const auto& backend : backends_of_collector(config, data_dir)) {
        const std::string id = backend_id(backend);
        // Set only in overt-sender's worker: a plugin that kept killing the sender is not loaded.
        if (auto quarantined = plugin::quarantine_reason(id)) {
            detail::logger()->warn("overt: backend {} {}; its events are kept on disk", id, *quarantined);
            sinks.add_unavailable(id, backend.plugin + " (" + *quarantined + ")");
            continue;
        }
        try {
            sinks.add(host->create_sink(backend));
        } catch (const std::exception& e) {
            // A broken backend never breaks the tool: its events wait on disk until it loads.
            detail::logger()->error("overt: backend {} unavailable, its events are kept on disk: {}", id, e.what());
            sinks.add_unavailable(id, backend.plugin + " (unavailable: " + e.what() + ")");
        }
    }
    sinks.keep_host(std::move(host));
    return sinks;
}

}  // namespace overt::delivery
