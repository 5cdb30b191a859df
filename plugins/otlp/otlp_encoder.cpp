// SPDX-License-Identifier: MIT
#include "otlp_encoder.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <string_view>

namespace overt::otlp {
namespace {

constexpr std::array<std::string_view, 15> kStandardKeys = {
    kEventNameAttribute, "event.id",   "command.duration_ms", "process.exit.code", "command.args",
    "command.error",     "event.name", "event.type",          "tool.name",         "tool.version",
    "host.arch",         "os.type",    "os.version",          "machine.id",        "command.exit_code"};

}  // namespace

bool is_standard_key(std::string_view key) {
    return std::find(kStandardKeys.begin(), kStandardKeys.end(), key) != kStandardKeys.end();
}

namespace {

Attribute string_attribute(std::string key, std::string_view value) {
    Attribute a;
    a.key = std::move(key);
    a.string_value = value;
    return a;
}

Attribute int_attribute(std::string key, int64_t value) {
    Attribute a;
    a.key = std::move(key);
    a.is_int = true;
    a.int_value = value;
    return a;
}

LogRecord to_log_record(const overt_event& e, uint64_t observed) {
    using sdk::view;
    LogRecord r;
    r.time_unix_nano = static_cast<uint64_t>(std::max<int64_t>(0, e.timestamp_unix_nano));
    r.observed_time_unix_nano = observed;
    r.event_name = view(e.type);
    r.body = view(e.name);
    auto& a = r.attributes;
    a.push_back(string_attribute(std::string(kEventNameAttribute), view(e.name)));
    a.push_back(string_attribute("event.id", view(e.event_id)));
    a.push_back(int_attribute("command.duration_ms", e.duration_ms));
    a.push_back(int_attribute("process.exit.code", e.exit_code));
    if (e.args_count > 0) {
        std::string joined;
        for (size_t i = 0; i < e.args_count; ++i) {
            if (i) joined += ' ';
            joined += view(e.args[i]);
        }
        a.push_back(string_attribute("command.args", joined));
    }
    if (e.error.size > 0) a.push_back(string_attribute("command.error", view(e.error)));
    for (size_t i = 0; i < e.metadata_count; ++i) {
        std::string key(view(e.metadata[i].key));
        if (is_standard_key(key)) key = "metadata." + key;  // never shadow a standard attribute
        a.push_back(string_attribute(std::move(key), view(e.metadata[i].value)));
    }
    return r;
}

std::vector<Attribute> resource_attributes(const overt_event& e, const EncoderOptions& options) {
    std::vector<Attribute> out;
    for_each_resource_attribute(e, options, [&out](std::string_view key, std::string_view value) {
        out.push_back(string_attribute(std::string(key), value));
    });
    return out;
}

// --- OTLP/JSON: lowerCamelCase keys, int64 as strings, integer enums ---

nlohmann::json json_any_value(const Attribute& a) {
    if (a.is_int) return {{"intValue", std::to_string(a.int_value)}};
    return {{"stringValue", a.string_value}};
}

nlohmann::json json_attributes(const std::vector<Attribute>& attributes) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& a : attributes) out.push_back({{"key", a.key}, {"value", json_any_value(a)}});
    return out;
}

}  // namespace

std::vector<ResourceLogs> build_request(sdk::Events events, const EncoderOptions& options, uint64_t observed) {
    std::vector<ResourceLogs> request;
    std::vector<const overt_event*> first_events;  // per entry of `request`
    for (const auto& e : events) {
        auto it = std::find_if(first_events.begin(), first_events.end(),
                               [&e](const overt_event* first) { return same_resource(*first, e); });
        size_t index = static_cast<size_t>(it - first_events.begin());
        if (it == first_events.end()) {
            first_events.push_back(&e);
            request.push_back({resource_attributes(e, options), {}});
        }
        request[index].records.push_back(to_log_record(e, observed));
    }
    return request;
}

std::string encode_json(const std::vector<ResourceLogs>& request, const EncoderOptions& options) {
    nlohmann::json resource_logs = nlohmann::json::array();
    for (const auto& entry : request) {
        nlohmann::json records = nlohmann::json::array();
        for (const auto& record : entry.records) {
            nlohmann::json json_record = {{"timeUnixNano", std::to_string(record.time_unix_nano)},
                                          {"observedTimeUnixNano", std::to_string(record.observed_time_unix_nano)},
                                          {"severityNumber", kSeverityInfo},
                                          {"severityText", kSeverityText},
                                          {"body", {{"stringValue", record.body}}},
                                          {"attributes", json_attributes(record.attributes)}};
            if (!record.event_name.empty()) json_record["eventName"] = record.event_name;
            records.push_back(std::move(json_record));
        }
        nlohmann::json scope = {{"name", kScopeName}};
        if (!options.scope_version.empty()) scope["version"] = options.scope_version;
        resource_logs.push_back({{"resource", {{"attributes", json_attributes(entry.resource_attributes)}}},
                                 {"scopeLogs", nlohmann::json::array({{{"scope", scope}, {"logRecords", records}}})}});
    }
    nlohmann::json body = {{"resourceLogs", resource_logs}};
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace overt::otlp
