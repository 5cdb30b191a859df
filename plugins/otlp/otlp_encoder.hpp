// Maps overt events onto an OTLP ExportLogsServiceRequest (opentelemetry-proto v1.4.0) and
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

// A seed attribute name (event.name, tool.name, ...): a metadata key equal to one is renamed
// "metadata.<key>" so it never shadows it.
bool is_standard_key(std::string_view key);

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

std::string encode_json(const std::vector<ResourceLogs>& request, const EncoderOptions& options);

// The same request as protobuf, straight from the events (no intermediate model): record and
// message sizes are computed first, then every byte is written once into `out`, whose
// capacity is kept across calls. Scratch space is kept too, so reuse one encoder per backend.
class ProtobufEncoder {
   public:
    void encode(sdk::Events events, const EncoderOptions& options, uint64_t observed_time_unix_nano,
                std::string& out);

   private:
    struct Resource {
        std::string_view tool_name;
        std::string_view version;
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
