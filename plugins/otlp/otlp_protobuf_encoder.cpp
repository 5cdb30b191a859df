// SPDX-License-Identifier: MIT
// ExportLogsServiceRequest as protobuf (field numbers from opentelemetry-proto v1.5.0), encoded
// in two passes over the events: first every record's and message's size, then the bytes,
// each written once at its final place. The attributes are visited from the event's views by
// both passes, so no attribute, key or joined-args string is ever built.
#include "otlp_encoder.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

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

// The metadata attributes of a record (LogRecord.attributes = 6).
size_t metadata_attributes_size(const overt_event& e) {
    size_t size = 0;
    for_each_metadata_attribute(e, [&size](const Key& key, const auto& value) {
        size += length_delimited_size(6, key_value_size(key, value));
    });
    return size;
}

// The host hands events that share one metadata object the same views (the same overt_kv
// array): equal pointers and counts mean equal attributes, so their size and bytes are
// computed once and repeated. Any other metadata is encoded as it comes.
struct SharedMetadata {
    const overt_kv* kv = nullptr;
    size_t count = 0;
    size_t size = 0;
    const char* bytes = nullptr;  // pass 2: where the last record's copy starts in the body

    bool same(const overt_event& e) const noexcept {
        return e.metadata_count > 0 && e.metadata == kv && e.metadata_count == count;
    }
};

// LogRecord: time_unix_nano = 1, severity_number = 2, severity_text = 3, body = 5,
// attributes = 6, observed_time_unix_nano = 11, event_name = 12 (opentelemetry-proto 1.5).
size_t log_record_size(const overt_event& e, SharedMetadata& shared) {
    size_t size = fixed64_field_size(1) + varint_field_size(2, kSeverityInfo) +
                  length_delimited_size(3, kSeverityText.size()) +
                  length_delimited_size(5, any_value_size(view(e.name))) + fixed64_field_size(11);
    if (e.type.size > 0) size += length_delimited_size(12, e.type.size);
    for_each_own_attribute(e, [&size](const Key& key, const auto& value) {
        size += length_delimited_size(6, key_value_size(key, value));
    });
    if (!shared.same(e)) shared = SharedMetadata{e.metadata, e.metadata_count, metadata_attributes_size(e)};
    return size + shared.size;
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
// Each writer takes the cursor and returns it past what it wrote (protobuf_writer.hpp). Keys
// and values arrive by value: locals the byte stores cannot alias, so they stay in registers.

char* write_any_value(char* at, std::string_view value) noexcept { return pb::bytes_field(at, 1, value); }
char* write_any_value(char* at, int64_t value) noexcept { return pb::int64_field(at, 3, value); }
char* write_any_value(char* at, JoinedArgs value) noexcept {
    at = pb::length_prefix(at, 1, value.size());
    for (size_t i = 0; i < value.count; ++i) {
        if (i) *at++ = ' ';
        at = pb::raw(at, view(value.args[i]));
    }
    return at;
}

// `Field` a constant: every tag folds into a single byte store.
template <uint32_t Field, typename Value>
char* write_key_value(char* at, Key key, Value value) noexcept {
    const size_t key_size = key.size();
    const size_t value_size = any_value_size(value);
    at = pb::length_prefix(at, Field, length_delimited_size(1, key_size) + length_delimited_size(2, value_size));
    at = pb::length_prefix(at, 1, key_size);
    at = pb::raw(at, key.prefix);
    at = pb::raw(at, key.name);
    at = pb::length_prefix(at, 2, value_size);
    return write_any_value(at, value);
}

// What every record of a batch has the same: severity_number and severity_text (before the
// body), observed_time_unix_nano (after the attributes). Encoded once per batch.
struct RecordConstants {
    char severity[16];
    size_t severity_size;
    char observed[16];
    size_t observed_size;
};

RecordConstants record_constants(uint64_t observed) noexcept {
    RecordConstants c{};
    char* at = pb::varint_field(c.severity, 2, kSeverityInfo);
    at = pb::bytes_field(at, 3, kSeverityText);
    c.severity_size = static_cast<size_t>(at - c.severity);
    c.observed_size = static_cast<size_t>(pb::fixed64_field(c.observed, 11, observed) - c.observed);
    return c;
}

char* write_log_record(char* at, const overt_event& e, const RecordConstants& constants,
                       SharedMetadata& shared) noexcept {
    const std::string_view name = view(e.name);
    const std::string_view type = view(e.type);
    at = pb::fixed64_field(at, 1, static_cast<uint64_t>(std::max<int64_t>(0, e.timestamp_unix_nano)));
    at = pb::raw(at, std::string_view(constants.severity, constants.severity_size));
    at = pb::length_prefix(at, 5, any_value_size(name));
    at = write_any_value(at, name);
    for_each_own_attribute(e, [&at](const Key& key, const auto& value) { at = write_key_value<6>(at, key, value); });
    if (shared.same(e)) {
        std::memcpy(at, shared.bytes, shared.size);  // an earlier record's, before `at`: no overlap
        at += shared.size;
    } else if (e.metadata_count > 0) {
        char* const begin = at;
        for_each_metadata_attribute(e, [&at](const Key& key, const auto& value) { at = write_key_value<6>(at, key, value); });
        shared = SharedMetadata{e.metadata, e.metadata_count, static_cast<size_t>(at - begin), begin};
    }
    at = pb::raw(at, std::string_view(constants.observed, constants.observed_size));
    if (!type.empty()) at = pb::bytes_field(at, 12, type);
    return at;
}

}  // namespace

void ProtobufEncoder::encode(sdk::Events events, const EncoderOptions& options, uint64_t observed,
                             std::string& out) {
    // Group `same_resource` events in first-seen order; usually there is one group.
    resources_.clear();
    resource_of_.resize(events.size());
    record_sizes_.resize(events.size());
    SharedMetadata sized;
    for (size_t i = 0; i < events.size(); ++i) {
        const overt_event& e = events[i];
        auto it = std::find_if(resources_.begin(), resources_.end(),
                               [&e](const Resource& r) { return same_resource(*r.first_event, e); });
        if (it == resources_.end()) it = resources_.insert(resources_.end(), Resource{&e});
        resource_of_[i] = static_cast<uint32_t>(it - resources_.begin());
        ++it->record_count;
        record_sizes_[i] = log_record_size(e, sized);
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
    const RecordConstants constants = record_constants(observed);
    out.resize(total);
    char* at = out.data();
    SharedMetadata written;
    for (const Resource& r : resources_) {
        at = pb::length_prefix(at, 1, length_delimited_size(1, r.attributes_size) + length_delimited_size(2, r.scope_logs_size));
        at = pb::length_prefix(at, 1, r.attributes_size);  // ResourceLogs.resource
        for_each_resource_key_value(*r.first_event, options, [&at](const Key& key, std::string_view value) {
            at = write_key_value<1>(at, key, value);
        });
        at = pb::length_prefix(at, 2, r.scope_logs_size);  // ResourceLogs.scope_logs
        at = pb::length_prefix(at, 1, scope);              // ScopeLogs.scope
        at = pb::bytes_field(at, 1, kScopeName);
        if (!options.scope_version.empty()) at = pb::bytes_field(at, 2, options.scope_version);
        for (size_t k = 0; k < r.record_count; ++k) {
            const uint32_t i = order_[r.first_record + k];
            at = pb::length_prefix(at, 2, record_sizes_[i]);  // ScopeLogs.log_records
            at = write_log_record(at, events[i], constants, written);
        }
    }
    assert(at == out.data() + out.size());
    (void)at;
}

}  // namespace overt::otlp
