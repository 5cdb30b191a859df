// SPDX-License-Identifier: MIT
// Maps overt events onto an OTLP ExportLogsServiceRequest (opentelemetry-proto v1.5.0: LogRecord.event_name) and
// encodes it as protobuf or as OTLP/JSON.
#pragma once

#include <overt/backend.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace overt::otlp {

inline constexpr std::string_view kScopeName = "overt";
inline constexpr int kSeverityInfo = 9;  // SEVERITY_NUMBER_INFO
inline constexpr std::string_view kSeverityText = "INFO";
inline constexpr std::string_view kTelemetrySdkName = "overt";
inline constexpr std::string_view kTelemetrySdkLanguage = "cpp";

// The attribute a record carries the event's name (the command or feature: "build") in; the
// event's class ("command.invocation") is LogRecord.event_name. No semantic convention names
// a command-line tool's subcommand, so the key is in overt's own namespace, as the
// conventions ask of attributes they do not define.
inline constexpr std::string_view kEventNameAttribute = "overt.event.name";

// A record attribute overt sets (overt.event.name, event.id, ...) or one it used to
// (event.name, machine.id...): a metadata key equal to one is renamed "metadata.<key>" so it
// never shadows it.
bool is_standard_key(std::string_view key);

struct EncoderOptions {
    std::vector<std::pair<std::string, std::string>> resource_attributes;  // from config; win over defaults
    std::string scope_version;
    std::string sdk_version;  // telemetry.sdk.version
};

// Events share one Resource when they come from the same tool build on the same host: the
// host's id, arch and OS and the tool's toolchain are resource attributes, not repeated on
// every record.
// The host hands the events of one origin the same views: equal pointers settle it without
// comparing the bytes, for every event of a batch.
inline bool same_text(overt_str a, overt_str b) noexcept {
    return a.size == b.size && (a.data == b.data || sdk::view(a) == sdk::view(b));
}
inline bool same_resource(const overt_event& a, const overt_event& b) noexcept {
    return same_text(a.tool_name, b.tool_name) && same_text(a.version, b.version) && same_text(a.arch, b.arch) &&
           same_text(a.os, b.os) && same_text(a.os_version, b.os_version) &&
           same_text(a.machine_id, b.machine_id) && same_text(a.runtime_version, b.runtime_version);
}

// The Resource attributes of the events `same_resource` as `e`: service, telemetry SDK and host
// defaults (each left out when configured), then the configured ones. `visit(key, value)`.
template <typename Visit>
void for_each_resource_attribute(const overt_event& e, const EncoderOptions& options, Visit&& visit) {
    auto default_attribute = [&](std::string_view key, std::string_view value) {
        bool configured = false;
        for (const auto& kv : options.resource_attributes) configured = configured || kv.first == key;
        if (!configured) visit(key, value);
    };
    default_attribute("service.name", sdk::view(e.tool_name));
    default_attribute("service.version", sdk::view(e.version));
    default_attribute("telemetry.sdk.name", kTelemetrySdkName);
    default_attribute("telemetry.sdk.language", kTelemetrySdkLanguage);
    default_attribute("telemetry.sdk.version", options.sdk_version);
    // Semantic-convention names: host.id is the (salted, per-tool) machine id; the toolchain the
    // tool was built with describes its runtime (it is no go.version).
    default_attribute("host.id", sdk::view(e.machine_id));
    default_attribute("host.arch", sdk::view(e.arch));
    default_attribute("os.type", sdk::view(e.os));
    default_attribute("os.version", sdk::view(e.os_version));
    if (e.runtime_version.size > 0) default_attribute("process.runtime.description", sdk::view(e.runtime_version));
    for (const auto& [key, value] : options.resource_attributes) visit(std::string_view(key), std::string_view(value));
}

// An attribute key as written: "metadata." + the key for a metadata key that shadows a
// standard one.
struct AttributeKey {
    std::string_view prefix;
    std::string_view name;
    bool literal = false;  // one of overt's own keys: plain ASCII, nothing to escape
    size_t size() const noexcept { return prefix.size() + name.size(); }
};

// command.args: the arguments joined by single spaces.
struct JoinedArgs {
    const overt_str* args;
    size_t count;
    size_t size() const noexcept {
        size_t size = count - 1;  // separators; count > 0
        for (size_t i = 0; i < count; ++i) size += args[i].size;
        return size;
    }
};

// A record's attributes, the same in both encodings: overt.event.name, event.id,
// command.duration_ms, process.exit.code, command.args and command.error (with extended
// collection), then the metadata; colliding metadata keys get "metadata.". `visit(key, value)`
// with a string_view, int64_t or JoinedArgs value: no attribute string is ever built.
// The metadata ones are visited apart too: events sharing it share its encoding.
template <typename Visit>
void for_each_own_attribute(const overt_event& e, Visit&& visit) {
    using sdk::view;
    visit(AttributeKey{{}, kEventNameAttribute, true}, view(e.name));
    visit(AttributeKey{{}, "event.id", true}, view(e.event_id));
    visit(AttributeKey{{}, "command.duration_ms", true}, int64_t{e.duration_ms});
    visit(AttributeKey{{}, "process.exit.code", true}, int64_t{e.exit_code});
    if (e.args_count > 0) visit(AttributeKey{{}, "command.args", true}, JoinedArgs{e.args, e.args_count});
    if (e.error.size > 0) visit(AttributeKey{{}, "command.error", true}, view(e.error));
}

template <typename Visit>
void for_each_metadata_attribute(const overt_event& e, Visit&& visit) {
    using sdk::view;
    for (size_t i = 0; i < e.metadata_count; ++i) {
        const std::string_view key = view(e.metadata[i].key);
        // string_views both: two literals of different lengths would decay to a pointer and
        // be measured with strlen on every key.
        const std::string_view prefix = is_standard_key(key) ? std::string_view("metadata.") : std::string_view();
        visit(AttributeKey{prefix, key}, view(e.metadata[i].value));
    }
}

template <typename Visit>
void for_each_record_attribute(const overt_event& e, Visit&& visit) {
    for_each_own_attribute(e, visit);
    for_each_metadata_attribute(e, visit);
}

// OTLP/JSON (lowerCamelCase keys, int64 as strings, integer enums), written straight from the
// events into `out` (its capacity kept across calls): `same_resource` events grouped in
// first-seen order, each mapped onto a log record whose event_name is the event type and
// whose body is the name. Keys in sorted order, strings escaped as nlohmann_json's dump()
// writes them (invalid UTF-8 replaced), so the body is the one the former DOM encoder built.
class JsonEncoder {
   public:
    void encode(sdk::Events events, const EncoderOptions& options, uint64_t observed_time_unix_nano,
                std::string& out);

   private:
    std::vector<const overt_event*> first_events_;  // per resource
    std::vector<uint32_t> resource_of_;             // per event
    std::string record_tail_;                       // observedTimeUnixNano to timeUnixNano's quote
};

// The same request as protobuf, straight from the events (no intermediate model): record and
// message sizes are computed first, then every byte is written once into `out`, whose
// capacity is kept across calls. Scratch space is kept too, so reuse one encoder per backend.
class ProtobufEncoder {
   public:
    void encode(sdk::Events events, const EncoderOptions& options, uint64_t observed_time_unix_nano,
                std::string& out);

   private:
    struct Resource {
        const overt_event* first_event;  // its resource attributes
        size_t attributes_size = 0;  // of the Resource message
        size_t scope_logs_size = 0;  // of the ScopeLogs message
        size_t record_count = 0;
        size_t first_record = 0;     // into order_
    };
    std::vector<Resource> resources_;
    std::vector<uint32_t> resource_of_;  // per event
    std::vector<uint32_t> order_;        // event indices grouped by resource, first-seen order
    std::vector<size_t> record_sizes_;   // per event
    std::vector<size_t> placed_;         // per resource, while filling order_
};

}  // namespace overt::otlp
