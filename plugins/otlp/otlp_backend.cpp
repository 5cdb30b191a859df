// SPDX-License-Identifier: MIT
// OTLP/HTTP logs backend (seed §5.5), synchronous: one export per send(), so the host sees
// the outcome and can retry or spill (the seed's async exporter hid every failure).
#include <overt/backend.hpp>

#include <algorithm>
#include <chrono>
#include <string>

#include "network_config.hpp"
#include "otlp_encoder.hpp"
#include "otlp_response.hpp"

namespace {

using namespace overt;

// "<endpoint>/v1/logs" without a doubled slash (seed bug), keeping the endpoint's query
// (collectors and gateways route tenants by it); a fragment is never sent.
std::string logs_url(const std::string& endpoint) {
    const size_t path_end = endpoint.find_first_of("?#");
    std::string path = endpoint.substr(0, path_end);
    std::string query;
    if (path_end != std::string::npos && endpoint[path_end] == '?')
        query = endpoint.substr(path_end, endpoint.find('#', path_end) - path_end);
    while (!path.empty() && path.back() == '/') path.pop_back();
    constexpr std::string_view kPath = "/v1/logs";
    const bool has_logs_path =
        path.size() >= kPath.size() && path.compare(path.size() - kPath.size(), kPath.size(), kPath) == 0;
    if (!has_logs_path) path += kPath;
    return path + query;
}

// The OTLP spec retries only throttling and unavailability (429, 502, 503, 504) and lost
// connections; any other error status (408, 500, 501...) would fail again, so it is final here
// although the shared mapping, right for other vendors, retries it.
// Error bodies are google.rpc.Status: shown as "code N: message", never as raw bytes.
sdk::Result export_result(const sdk::HttpResponse& response, std::string_view what) {
    sdk::HttpResponse described = response;
    if (!response.transport_error && response.status_code >= 300)
        described.body = otlp::describe_error_body(response.body);
    sdk::Result result = sdk::result_from_http(described, what);
    const int code = response.status_code;
    const bool retryable_status = code == 429 || code == 502 || code == 503 || code == 504;
    if (result.status == OVERT_RETRY && !response.transport_error && code >= 400 && !retryable_status)
        return sdk::Result::rejected(std::move(result.message));
    return result;
}

bool has_header(const net::Headers& headers, std::string_view name) {
    return std::any_of(headers.begin(), headers.end(), [&](const auto& header) {
        return header.first.size() == name.size() && net::starts_with_ci(header.first, name);
    });
}

class OtlpBackend final : public sdk::Backend {
   public:
    static constexpr const char* kName = "otlp";
    static constexpr const char* kVersion = OVERT_PLUGIN_VERSION;
    static constexpr const char* kVendor = "overt";
    static constexpr const char* kDescription = "Exports events as OTLP/HTTP log records (protobuf or JSON)";
    static constexpr const char* kConfigSchema =
        R"({"type":"object","required":["endpoint"],"properties":{"plugin":{"type":"string"},)"
        R"("endpoint":{"type":"string"},"protocol":{"enum":["http/protobuf","http/json"]},)"
        R"("gzip":{"type":"boolean"},"resource_attributes":{"type":"object","additionalProperties":{"type":"string"}},)"
        OVERT_NET_TRANSPORT_SCHEMA_PROPERTIES R"(},"additionalProperties":false})";
    static constexpr uint64_t kCapabilities = OVERT_CAP_NETWORK | OVERT_CAP_GZIP;

    OtlpBackend(const sdk::Host& host, std::string_view config_json) : host_(host) {
        net::Json config = net::parse_config(config_json);
        endpoint_ = net::require_string(config, "endpoint");
        net::check_endpoint(endpoint_, "endpoint");
        url_ = logs_url(endpoint_);
        std::string protocol = net::get_string(config, "protocol", "http/protobuf");
        if (protocol == "http/json") json_ = true;
        else if (protocol != "http/protobuf")
            throw sdk::ConfigError("'protocol' must be http/protobuf or http/json, not '" + protocol + "'");
        gzip_ = net::get_bool(config, "gzip", false);
        transport_ = net::TransportOptions::from(config);
        // Exporters name themselves and their language; a configured User-Agent wins.
        if (!has_header(transport_.headers, "user-agent"))
            transport_.headers.emplace_back("User-Agent", std::string("overt-otlp/") + kVersion + " (C++)");
        // A plain http:// endpoint is plain text, as in the seed and OTel exporters (the usual local
        // collector is http://localhost:4318); sensitive headers get the advisory below.
        // `insecure` only turns off TLS verification for https, like every network backend.
        encoder_.resource_attributes = net::get_string_map(config, "resource_attributes");
        encoder_.scope_version = kVersion;
        encoder_.sdk_version = kVersion;
        net::warn_cleartext_secrets(host_, kName, endpoint_, transport_.headers);
    }

    sdk::Result send(sdk::Events events, int64_t deadline_ns) override {
        if (events.empty()) return sdk::Result::ok();
        auto observed = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                  std::chrono::system_clock::now().time_since_epoch())
                                                  .count());
        if (json_) body_ = otlp::encode_json(otlp::build_request(events, encoder_, observed), encoder_);
        else protobuf_.encode(events, encoder_, observed, body_);  // reuses body_'s capacity
        sdk::HttpRequest request =
            transport_.request(url_, json_ ? "application/json" : "application/x-protobuf", body_);
        request.gzip = gzip_;
        request.deadline_ns = transport_.request_deadline(host_, deadline_ns);
        const std::string what = "otlp export to " + url_;
        const sdk::HttpResponse response = host_.post(request);
        sdk::Result result = export_result(response, what);
        if (result.status == OVERT_OK) return partial_success_result(response.body, events.size(), what);
        return result;
    }

    std::string describe() const override { return "otlp (" + endpoint_ + ")"; }

   private:
    // A 200 may still say the collector dropped some records. The ABI can only report a
    // delivered prefix, so those are counted as rejected at the end of the batch: the counts
    // are right, which records they were neither the collector nor the host can tell. A
    // message without rejections is a warning only, logged since an OK result carries none.
    sdk::Result partial_success_result(std::string_view body, size_t sent, const std::string& what) const {
        const auto partial = otlp::decode_partial_success(body);
        if (!partial) return sdk::Result::ok();
        const std::string reason =
            partial->error_message.empty() ? "no reason given" : otlp::printable(partial->error_message);
        if (partial->rejected_log_records <= 0) {
            host_.log(OVERT_LOG_WARN, what + ": the collector accepted every record but warns: " + reason);
            return sdk::Result::ok();
        }
        const auto rejected = std::min(static_cast<uint64_t>(partial->rejected_log_records), uint64_t{sent});
        std::string message = what + ": the collector rejected " + std::to_string(partial->rejected_log_records) +
                              " of " + std::to_string(sent) + " log record(s): " + reason;
        return sdk::Result::rejected(std::move(message), sent - rejected);
    }

    sdk::Host host_;
    std::string endpoint_;
    std::string url_;
    bool json_ = false;
    bool gzip_ = false;
    net::TransportOptions transport_;
    otlp::EncoderOptions encoder_;
    otlp::ProtobufEncoder protobuf_;
    std::string body_;  // the last request body, kept for its capacity
};

}  // namespace

OVERT_BACKEND(OtlpBackend)
