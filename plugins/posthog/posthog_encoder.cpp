// SPDX-License-Identifier: MIT
#include "posthog_encoder.hpp"

#include <overt/backend.hpp>

#include <nlohmann/json.hpp>

namespace overt::posthog {

std::string posthog_os_name(std::string_view os) {
    if (os == "linux") return "Linux";
    if (os == "darwin") return "Mac OS X";
    if (os == "windows") return "Windows";
    return std::string(os);
}

std::string encode_batch_item(const overt_event& e, const ItemOptions& options) {
    auto s = [](overt_str v) { return std::string(sdk::view(v)); };
    nlohmann::ordered_json properties;
    properties["event_name"] = s(e.name);
    properties["tool_name"] = s(e.tool_name);
    properties["tool_version"] = s(e.version);
    properties["$os"] = posthog_os_name(sdk::view(e.os));
    properties["arch"] = s(e.arch);
    properties["os_version"] = s(e.os_version);
    properties["go_version"] = s(e.runtime_version);
    properties["duration_ms"] = e.duration_ms;
    properties["exit_code"] = e.exit_code;
    if (e.args_count > 0) {
        auto& args = properties["args"] = nlohmann::ordered_json::array();
        for (size_t i = 0; i < e.args_count; ++i) args.push_back(s(e.args[i]));
    }
    if (e.error.size > 0) properties["error"] = s(e.error);
    properties["$lib"] = "overt";
    properties["$lib_version"] = options.lib_version;
    // Each flag is sent only to turn a server-side default off, as posthog-node does.
    if (options.disable_geoip) properties["$geoip_disable"] = true;
    if (!options.process_person_profile) properties["$process_person_profile"] = false;
    for (size_t i = 0; i < e.metadata_count; ++i) {
        std::string key = s(e.metadata[i].key);
        if (properties.contains(key)) key = "metadata." + key;  // standard keys win (seed bug)
        properties[key] = s(e.metadata[i].value);
    }

    nlohmann::ordered_json item;
    item["event"] = s(e.type);
    item["distinct_id"] = s(e.machine_id);
    item["uuid"] = s(e.event_id);
    item["timestamp"] = s(e.timestamp);
    item["properties"] = std::move(properties);
    return item.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace overt::posthog
