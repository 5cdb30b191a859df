// SPDX-License-Identifier: MIT
#include "delivery/sender_request.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace overt::delivery {
namespace {

using json = nlohmann::json;

// Version of the request layout: the tool and its sender come from one build, but a tool
// upgraded while a spawn was in flight must not be misread.
constexpr int kRequestVersion = 1;

json config_to_json(const Config& c) {
    json backends = json::array();
    for (const auto& b : c.backends)
        backends.push_back({{"plugin", b.plugin}, {"id", b.id}, {"settings_json", b.settings_json},
                            {"sha256", b.sha256}, {"line", b.line}});
    json metadata = json::array();
    for (const auto& [key, value] : c.metadata) metadata.push_back({key, value});
    return {{"source_path", c.source_path},
            {"tool_name", c.tool_name},
            {"tool_version", c.tool_version},
            {"enabled", c.enabled},
            {"force_enabled", c.force_enabled},
            {"extended_collection", c.extended_collection},
            {"delivery_mode", to_string(c.delivery_mode)},
            {"plugin_dirs", c.plugin_dirs},
            {"buffer_max_events", c.buffer_max_events},
            {"spill_max_files", c.spill_max_files},
            {"spill_max_bytes", c.spill_max_bytes},
            {"exit_budget_ms", c.exit_budget_ms},
            {"flush_timeout_ms", c.flush_timeout_ms},
            {"data_dir", c.data_dir},
            {"metadata", metadata},
            {"deletion_email", c.deletion_email},
            {"deletion_endpoint", c.deletion_endpoint},
            {"backends", backends}};
}

template <typename T>
T field(const json& object, const char* name, const char* where) {
    auto found = object.find(name);
    if (found == object.end())
        throw std::runtime_error(std::string("sender request: ") + where + "." + name + " is missing");
    try {
        return found->get<T>();
    } catch (const json::exception&) {
        throw std::runtime_error(std::string("sender request: ") + where + "." + name + " has the wrong type");
    }
}

Config config_from_json(const json& j) {
    Config c;
    c.source_path = field<std::string>(j, "source_path", "config");
    c.tool_name = field<std::string>(j, "tool_name", "config");
    c.tool_version = field<std::string>(j, "tool_version", "config");
    c.enabled = field<bool>(j, "enabled", "config");
    c.force_enabled = field<bool>(j, "force_enabled", "config");
    c.extended_collection = field<bool>(j, "extended_collection", "config");
    const std::string mode = field<std::string>(j, "delivery_mode", "config");
    if (mode == to_string(DeliveryMode::at_most_once))
        c.delivery_mode = DeliveryMode::at_most_once;
    else if (mode == to_string(DeliveryMode::at_least_once))
        c.delivery_mode = DeliveryMode::at_least_once;
    else
        throw std::runtime_error("sender request: config.delivery_mode '" + mode + "' is not a delivery mode");
    c.plugin_dirs = field<std::vector<std::string>>(j, "plugin_dirs", "config");
    c.buffer_max_events = field<size_t>(j, "buffer_max_events", "config");
    c.spill_max_files = field<size_t>(j, "spill_max_files", "config");
    c.spill_max_bytes = field<uint64_t>(j, "spill_max_bytes", "config");
    c.exit_budget_ms = field<int64_t>(j, "exit_budget_ms", "config");
    c.flush_timeout_ms = field<int64_t>(j, "flush_timeout_ms", "config");
    c.data_dir = field<std::string>(j, "data_dir", "config");
    for (const auto& entry : field<json>(j, "metadata", "config"))
        c.metadata.emplace_back(entry.at(0).get<std::string>(), entry.at(1).get<std::string>());
    c.deletion_email = field<std::string>(j, "deletion_email", "config");
    c.deletion_endpoint = field<std::string>(j, "deletion_endpoint", "config");
    for (const auto& b : field<json>(j, "backends", "config")) {
        BackendConfig backend;
        backend.plugin = field<std::string>(b, "plugin", "config.backends[]");
        backend.id = field<std::string>(b, "id", "config.backends[]");
        backend.settings_json = field<std::string>(b, "settings_json", "config.backends[]");
        backend.sha256 = field<std::string>(b, "sha256", "config.backends[]");
        backend.line = field<int>(b, "line", "config.backends[]");
        c.backends.push_back(std::move(backend));
    }
    c.exit_delivery = ExitDelivery::in_process;  // the sender itself never hands off again
    return c;
}

json dropped_to_json(const std::map<std::string, uint64_t, std::less<>>& dropped) {
    json out = json::object();
    for (const auto& [reason, count] : dropped) out[reason] = count;
    return out;
}

std::map<std::string, uint64_t, std::less<>> dropped_from_json(const json& j) {
    std::map<std::string, uint64_t, std::less<>> out;
    for (const auto& [reason, count] : j.items()) out[reason] = count.get<uint64_t>();
    return out;
}

// The totals Counters and PersistedCounters share; Counters adds buffered and spilled.
template <typename Totals>
json totals_to_json(const Totals& t) {
    return {{"tracked", t.tracked},       {"recovered", t.recovered},         {"sent", t.sent},
            {"handed_off", t.handed_off}, {"corrupt_files", t.corrupt_files}, {"dropped", dropped_to_json(t.dropped)}};
}

template <typename Totals>
void totals_from_json(const json& j, const char* where, Totals& t) {
    t.tracked = field<uint64_t>(j, "tracked", where);
    t.recovered = field<uint64_t>(j, "recovered", where);
    t.sent = field<uint64_t>(j, "sent", where);
    t.handed_off = field<uint64_t>(j, "handed_off", where);
    t.corrupt_files = field<uint64_t>(j, "corrupt_files", where);
    t.dropped = dropped_from_json(field<json>(j, "dropped", where));
}

}  // namespace

std::string encode_sender_request(const SenderRequest& r) {
    json counters = totals_to_json(r.counters);
    counters["buffered"] = r.counters.buffered;
    counters["spilled"] = r.counters.spilled;
    const json document = {{"version", kRequestVersion},
                           {"config", config_to_json(r.config)},
                           {"machine_id", r.machine_id},
                           {"exit_spill_files", r.exit_spill_files},
                           {"counters", counters},
                           {"persisted_base", totals_to_json(r.persisted_base)},
                           {"own_files", r.own_files},
                           {"masked_values", r.masked_values}};
    return document.dump();
}

SenderRequest decode_sender_request(std::string_view text) {
    json document;
    try {
        document = json::parse(text);
    } catch (const json::exception& e) {
        throw std::runtime_error(std::string("sender request: not JSON: ") + e.what());
    }
    if (!document.is_object()) throw std::runtime_error("sender request: not a JSON object");
    if (field<int>(document, "version", "request") != kRequestVersion)
        throw std::runtime_error("sender request: version " + document["version"].dump() + " is not " +
                                 std::to_string(kRequestVersion));
    SenderRequest r;
    try {
        r.config = config_from_json(field<json>(document, "config", "request"));
        r.machine_id = field<std::string>(document, "machine_id", "request");
        r.exit_spill_files = field<std::vector<std::string>>(document, "exit_spill_files", "request");
        const json counters = field<json>(document, "counters", "request");
        totals_from_json(counters, "counters", r.counters);
        r.counters.buffered = field<uint64_t>(counters, "buffered", "counters");
        r.counters.spilled = field<uint64_t>(counters, "spilled", "counters");
        totals_from_json(field<json>(document, "persisted_base", "request"), "persisted_base", r.persisted_base);
        r.own_files = field<std::map<std::string, uint64_t>>(document, "own_files", "request");
        // Optional: a request without it only masks less in the sender's log.
        if (document.contains("masked_values"))
            r.masked_values = field<std::vector<std::string>>(document, "masked_values", "request");
    } catch (const json::exception& e) {
        throw std::runtime_error(std::string("sender request: malformed: ") + e.what());
    }
    return r;
}

}  // namespace overt::delivery
