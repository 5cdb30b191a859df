// Maps overt events onto an OTLP ExportLogsServiceRequest (opentelemetry-proto v1.4.0) and
// encodes it as protobuf or as OTLP/JSON.
#pragma once

#include <overt/backend.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace overt::otlp {

struct Attribute {
    std::string key;
    bool is_int = false;
    std::string string_value;
    int64_t int_value = 0;
};

struct LogRecord {
    uint64_t time_unix_nano = 0;
    uint64_t observed_time_unix_nano = 0;
    std::string body;
    std::vector<Attribute> attributes;
};

// One ResourceLogs: events of one tool name + version.
struct ResourceLogs {
    std::vector<Attribute> resource_attributes;
    std::vector<LogRecord> records;
};

struct EncoderOptions {
    std::vector<std::pair<std::string, std::string>> resource_attributes;  // from config; win over defaults
    std::string scope_version;
};

// Groups events by (tool name, version) in first-seen order and maps each onto a log record
// with the seed's attributes (seed §5.5) plus event.id; colliding metadata keys get "metadata.".
std::vector<ResourceLogs> build_request(sdk::Events events, const EncoderOptions& options,
                                        uint64_t observed_time_unix_nano);

std::string encode_protobuf(const std::vector<ResourceLogs>& request, const EncoderOptions& options);
std::string encode_json(const std::vector<ResourceLogs>& request, const EncoderOptions& options);

}  // namespace overt::otlp
