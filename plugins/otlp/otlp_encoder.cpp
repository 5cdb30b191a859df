// SPDX-License-Identifier: MIT
#include "otlp_encoder.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
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

using sdk::view;

// Bytes nlohmann_json's dump() writes as they are: printable ASCII other than " and \ (it
// escapes neither <, > and & nor DEL). A table, as the scan runs over every byte of a batch.
constexpr auto kJsonVerbatimBytes = [] {
    std::array<bool, 256> verbatim{};
    for (int c = 0x20; c < 0x80; ++c) verbatim[c] = c != '"' && c != '\\';
    return verbatim;
}();

void json_append_string(std::string& out, std::string_view text) {
    const bool verbatim = std::all_of(text.begin(), text.end(),
                                      [](char c) { return kJsonVerbatimBytes[static_cast<unsigned char>(c)]; });
    if (!verbatim) {
        // Escapes and invalid UTF-8 are rare: nlohmann_json's own serializer writes them, so
        // the bytes stay the ones the DOM encoder wrote (U+FFFD for invalid sequences).
        out += nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
    }
    out += '"';
    out += text;
    out += '"';
}

// int64 fields as decimal strings, as OTLP/JSON writes them.
template <typename Integer>
void json_append_quoted_integer(std::string& out, Integer value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out += '"';
    out.append(digits, static_cast<size_t>(end - digits));
    out += '"';
}

// AnyValue.
void json_append_any_value(std::string& out, std::string_view value) {
    out += R"({"stringValue":)";
    json_append_string(out, value);
    out += '}';
}
void json_append_any_value(std::string& out, int64_t value) {
    out += R"({"intValue":)";
    json_append_quoted_integer(out, value);
    out += '}';
}
void json_append_any_value(std::string& out, const JoinedArgs& value) {
    std::string joined;  // extended collection only: built rather than streamed
    joined.reserve(value.size());
    for (size_t i = 0; i < value.count; ++i) {
        if (i) joined += ' ';
        joined += view(value.args[i]);
    }
    json_append_any_value(out, std::string_view(joined));
}

// KeyValue: {"key":...,"value":AnyValue}.
template <typename Value>
void json_append_key_value(std::string& out, const AttributeKey& key, const Value& value) {
    out += R"({"key":)";
    if (key.prefix.empty()) json_append_string(out, key.name);
    else json_append_string(out, std::string(key.prefix) + std::string(key.name));
    out += R"(,"value":)";
    json_append_any_value(out, value);
    out += '}';
}

// LogRecord, keys in sorted order (nlohmann_json's objects are sorted maps).
void json_append_log_record(std::string& out, const overt_event& e, uint64_t observed) {
    out += R"({"attributes":[)";
    bool first = true;
    for_each_record_attribute(e, [&out, &first](const AttributeKey& key, const auto& value) {
        if (!first) out += ',';
        first = false;
        json_append_key_value(out, key, value);
    });
    out += R"(],"body":)";
    json_append_any_value(out, view(e.name));
    if (e.type.size > 0) {
        out += R"(,"eventName":)";
        json_append_string(out, view(e.type));
    }
    out += R"(,"observedTimeUnixNano":)";
    json_append_quoted_integer(out, observed);
    out += R"(,"severityNumber":)";
    out += std::to_string(kSeverityInfo);
    out += R"(,"severityText":)";
    json_append_string(out, kSeverityText);
    out += R"(,"timeUnixNano":)";
    json_append_quoted_integer(out, static_cast<uint64_t>(std::max<int64_t>(0, e.timestamp_unix_nano)));
    out += '}';
}

}  // namespace

void JsonEncoder::encode(sdk::Events events, const EncoderOptions& options, uint64_t observed, std::string& out) {
    // Group `same_resource` events in first-seen order; usually there is one group.
    first_events_.clear();
    resource_of_.resize(events.size());
    for (size_t i = 0; i < events.size(); ++i) {
        const overt_event& e = events[i];
        auto it = std::find_if(first_events_.begin(), first_events_.end(),
                               [&e](const overt_event* first) { return same_resource(*first, e); });
        if (it == first_events_.end()) it = first_events_.insert(first_events_.end(), &e);
        resource_of_[i] = static_cast<uint32_t>(it - first_events_.begin());
    }

    out.clear();
    out += R"({"resourceLogs":[)";
    for (size_t r = 0; r < first_events_.size(); ++r) {
        if (r) out += ',';
        out += R"({"resource":{"attributes":[)";
        bool first = true;
        for_each_resource_attribute(*first_events_[r], options, [&out, &first](std::string_view key, std::string_view value) {
            if (!first) out += ',';
            first = false;
            json_append_key_value(out, AttributeKey{{}, key}, value);
        });
        out += R"(]},"scopeLogs":[{"logRecords":[)";
        first = true;
        for (size_t i = 0; i < events.size(); ++i) {
            if (resource_of_[i] != r) continue;
            if (!first) out += ',';
            first = false;
            json_append_log_record(out, events[i], observed);
        }
        out += R"(],"scope":{"name":)";
        json_append_string(out, kScopeName);
        if (!options.scope_version.empty()) {
            out += R"(,"version":)";
            json_append_string(out, options.scope_version);
        }
        out += "}}]}";
    }
    out += "]}";
}

}  // namespace overt::otlp
