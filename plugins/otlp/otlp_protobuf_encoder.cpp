// SPDX-License-Identifier: MIT
// ExportLogsServiceRequest as protobuf (field numbers from opentelemetry-proto v1.5.0), encoded
// in two passes over the events: first every record's and message's size, then the bytes,
// each written once at its final place. The attributes are visited from the event's views by
// both passes, so no attribute, key or joined-args string is ever built.
#include "otlp_encoder.hpp"

#include <algorithm>
#include <cassert>

#include "protobuf_writer.hpp"

namespace overt::otlp {
namespace {

using sdk::view;

using Key = AttributeKey;

// --- sizes ---

// AnyValue: string_value = 1, int_value = 3.
size_t any_value_size(std::string_view value) { return length_delimited_size(1, value.size()); }
size_t any_value_size(int64_t value) { return varint_field_size(3, static_cast<uint64_t>(value)); }
size_t any_value_size(const JoinedArgs& value) { return length_delimited_size(1, value.size()); }

// KeyValue: key = 1, value = 2.
template <typename Value>
size_t key_value_size(const Key& key, const Value& value) {
    return length_delimited_size(1, key.size()) + length_delimited_size(2, any_value_size(value));
}

// LogRecord: time_unix_nano = 1, severity_number = 2, severity_text = 3, body = 5,
// attributes = 6, observed_time_unix_nano = 11, event_name = 12 (opentelemetry-proto 1.5).
size_t log_record_size(const overt_event& e) {
    size_t size = fixed64_field_size(1) + varint_field_size(2, kSeverityInfo) +
                  length_delimited_size(3, kSeverityText.size()) +
                  length_delimited_size(5, any_value_size(view(e.name))) + fixed64_field_size(11);
    if (e.type.size > 0) size += length_delimited_size(12, e.type.size);
    for_each_record_attribute(e, [&size](const Key& key, const auto& value) {
        size += length_delimited_size(6, key_value_size(key, value));
    });
    return size;
}

// InstrumentationScope: name = 1, version = 2.
size_t scope_size(const EncoderOptions& options) {
    size_t size = length_delimited_size(1, kScopeName.size());
    if (!options.scope_version.empty()) size += length_delimited_size(2, options.scope_version.size());
    return size;
}

// Resource attributes (Resource.attributes = 1), as KeyValues.
template <typename Visit>
void for_each_resource_key_value(const overt_event& first_event, const EncoderOptions& options, Visit&& visit) {
    for_each_resource_attribute(first_event, options,
                                [&visit](std::string_view key, std::string_view value) { visit(Key{{}, key}, value); });
}

// --- bytes ---

void write_any_value(ProtobufWriter& w, std::string_view value) { w.bytes_field(1, value); }
void write_any_value(ProtobufWriter& w, int64_t value) { w.int64_field(3, value); }
void write_any_value(ProtobufWriter& w, const JoinedArgs& value) {
    w.length_prefix(1, value.size());
    for (size_t i = 0; i < value.count; ++i) {
        if (i) w.raw(" ");
        w.raw(view(value.args[i]));
    }
}

template <typename Value>
void write_key_value(ProtobufWriter& w, uint32_t field, const Key& key, const Value& value) {
    w.length_prefix(field, key_value_size(key, value));
    w.length_prefix(1, key.size());
    w.raw(key.prefix);
    w.raw(key.name);
    w.length_prefix(2, any_value_size(value));
    write_any_value(w, value);
}

void write_log_record(ProtobufWriter& w, const overt_event& e, uint64_t observed) {
    w.fixed64_field(1, static_cast<uint64_t>(std::max<int64_t>(0, e.timestamp_unix_nano)));
    w.varint_field(2, kSeverityInfo);
    w.bytes_field(3, kSeverityText);
    w.length_prefix(5, any_value_size(view(e.name)));
    write_any_value(w, view(e.name));
    for_each_record_attribute(e, [&w](const Key& key, const auto& value) { write_key_value(w, 6, key, value); });
    w.fixed64_field(11, observed);
    if (e.type.size > 0) w.bytes_field(12, view(e.type));
}

}  // namespace

void ProtobufEncoder::encode(sdk::Events events, const EncoderOptions& options, uint64_t observed,
                             std::string& out) {
    // Group `same_resource` events in first-seen order; usually there is one group.
    resources_.clear();
    resource_of_.resize(events.size());
    record_sizes_.resize(events.size());
    for (size_t i = 0; i < events.size(); ++i) {
        const overt_event& e = events[i];
        auto it = std::find_if(resources_.begin(), resources_.end(),
                               [&e](const Resource& r) { return same_resource(*r.first_event, e); });
        if (it == resources_.end()) it = resources_.insert(resources_.end(), Resource{&e});
        resource_of_[i] = static_cast<uint32_t>(it - resources_.begin());
        ++it->record_count;
        record_sizes_[i] = log_record_size(e);
        it->scope_logs_size += length_delimited_size(2, record_sizes_[i]);
    }

    // Pass 1 (rest): message sizes, and the events in resource order.
    const size_t scope = scope_size(options);
    size_t total = 0;
    size_t next_record = 0;
    for (Resource& r : resources_) {
        for_each_resource_key_value(*r.first_event, options, [&r](const Key& key, std::string_view value) {
            r.attributes_size += length_delimited_size(1, key_value_size(key, value));
        });
        r.scope_logs_size += length_delimited_size(1, scope);
        total += length_delimited_size(1, length_delimited_size(1, r.attributes_size) +
                                              length_delimited_size(2, r.scope_logs_size));
        r.first_record = next_record;
        next_record += r.record_count;
    }
    order_.resize(events.size());
    placed_.assign(resources_.size(), 0);
    for (size_t i = 0; i < events.size(); ++i) {
        const uint32_t r = resource_of_[i];
        order_[resources_[r].first_record + placed_[r]++] = static_cast<uint32_t>(i);
    }

    // Pass 2: the bytes.
    out.resize(total);
    ProtobufWriter w(out.data());
    for (const Resource& r : resources_) {
        w.length_prefix(1, length_delimited_size(1, r.attributes_size) + length_delimited_size(2, r.scope_logs_size));
        w.length_prefix(1, r.attributes_size);  // ResourceLogs.resource
        for_each_resource_key_value(*r.first_event, options, [&w](const Key& key, std::string_view value) {
            write_key_value(w, 1, key, value);
        });
        w.length_prefix(2, r.scope_logs_size);  // ResourceLogs.scope_logs
        w.length_prefix(1, scope);              // ScopeLogs.scope
        w.bytes_field(1, kScopeName);
        if (!options.scope_version.empty()) w.bytes_field(2, options.scope_version);
        for (size_t k = 0; k < r.record_count; ++k) {
            const uint32_t i = order_[r.first_record + k];
            w.length_prefix(2, record_sizes_[i]);  // ScopeLogs.log_records
            write_log_record(w, events[i], observed);
        }
    }
    assert(w.cursor() == out.data() + out.size());
}

}  // namespace overt::otlp
