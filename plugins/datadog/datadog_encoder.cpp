// SPDX-License-Identifier: MIT
#include "datadog_encoder.hpp"

#include <overt/backend.hpp>

#include <nlohmann/json.hpp>

namespace overt::datadog {

std::string encode_log_item(const overt_event& e, const EncoderOptions& options) {
    using sdk::view;
    auto s = [](overt_str v) { return std::string(view(v)); };
    std::string tags = "event_type:" + s(e.type) + ",tool_version:" + s(e.version) + ",os:" + s(e.os) +
                       ",arch:" + s(e.arch);
    if (!options.extra_tags.empty()) tags += "," + options.extra_tags;

    nlohmann::ordered_json item;
    item["message"] = s(e.type) + ": " + s(e.name);
    item["ddsource"] = options.source;
    item["ddtags"] = tags;
    item["hostname"] = s(e.machine_id);
    item["service"] = s(e.tool_name);
    item["timestamp"] = s(e.timestamp);
    item["status"] = "info";
    item["level"] = "info";
    item["event_id"] = s(e.event_id);
    item["event_type"] = s(e.type);
    item["event_name"] = s(e.name);
    item["tool_version"] = s(e.version);
    item["os"] = s(e.os);
    item["arch"] = s(e.arch);
    item["os_version"] = s(e.os_version);
    item["go_version"] = s(e.runtime_version);
    item["duration_ms"] = e.duration_ms;
    item["exit_code"] = e.exit_code;
    if (e.args_count > 0) {
        auto& args = item["args"] = nlohmann::ordered_json::array();
        for (size_t i = 0; i < e.args_count; ++i) args.push_back(s(e.args[i]));
    }
    if (e.error.size > 0) item["error"] = s(e.error);
    if (e.metadata_count > 0) {
        auto& metadata = item["metadata"] = nlohmann::ordered_json::object();
        for (size_t i = 0; i < e.metadata_count; ++i) metadata[s(e.metadata[i].key)] = s(e.metadata[i].value);
    }
    return item.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace overt::datadog
