// SPDX-License-Identifier: MIT
// OTLP/HTTP logs backend (seed §5.5), synchronous: one export per send(), so the host sees
// the outcome and can retry or spill (the seed's async exporter hid every failure).
#include <overt/backend.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "network_config.hpp"
#include "otlp_encoder.hpp"
#include "otlp_env.hpp"
#include "otlp_response.hpp"

namespace {

using namespace overt;

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
    // The OTLP spec's recommended largest request (collectors refuse bigger ones by default).
    static constexpr int64_t kMaxRequestBytes = 64 * 1024 * 1024;
    static constexpr const char* kConfigSchema =
        R"({"type":"object","properties":{"plugin":{"type":"string"},)"
        R"("endpoint":{"type":"string"},"protocol":{"enum":["http/protobuf","http/json"]},)"
        R"("gzip":{"type":"boolean"},"resource_attributes":{"type":"object","additionalProperties":{"type":"string"}},)"
        R"("max_request_bytes":{"type":"integer","minimum":1024,"maximum":67108864},)"
        OVERT_NET_TRANSPORT_SCHEMA_PROPERTIES R"(},"additionalProperties":false})";
    // Encodes from the structured fields only: the host need not render each event's JSON.
    static constexpr uint64_t kCapabilities = OVERT_CAP_NETWORK | OVERT_CAP_GZIP | OVERT_CAP_NO_EVENT_JSON;

    OtlpBackend(const sdk::Host& host, std::string_view config_json) : host_(host) {
        // The block's keys win; OTEL_* variables fill what it leaves out (otlp_env.hpp).
        otlp::ResolvedConfig resolved = otlp::resolve_config(net::parse_config(config_json), otlp::process_environment());
        for (const std::string& warning : resolved.warnings) host_.log(OVERT_LOG_WARN, std::string(kName) + ": " + warning);
        const net::Json& config = resolved.config;
        disabled_ = resolved.disabled;
        sources_ = resolved.describe_sources();
        endpoint_ = net::get_string(config, "endpoint");
        url_ = resolved.url;
        std::string protocol = net::get_string(config, "protocol", "http/protobuf");
        if (protocol == "http/json") json_ = true;
        else if (protocol != "http/protobuf")
            throw sdk::ConfigError("'protocol' must be http/protobuf or http/json, not '" + protocol + "'");
        gzip_ = net::get_bool(config, "gzip", false);
        max_request_bytes_ = static_cast<size_t>(net::get_positive_int(config, "max_request_bytes", kMaxRequestBytes));
        if (max_request_bytes_ > static_cast<size_t>(kMaxRequestBytes) || max_request_bytes_ < 1024)
            throw sdk::ConfigError("'max_request_bytes' must be between 1024 and 67108864 (64 MiB)");
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
        if (!url_.empty()) net::warn_cleartext_secrets(host_, kName, url_, transport_.headers);
    }

    // Requests stay under max_request_bytes: a batch whose body would be larger is split in
    // halves until each part fits, the parts sent in order. A single event larger than the cap
    // is rejected alone (the events before it delivered, those after it retried).
    sdk::Result send(sdk::Events events, int64_t deadline_ns) override {
        if (events.empty()) return sdk::Result::ok();
        if (disabled_)
            return sdk::Result::rejected("otlp export disabled by OTEL_SDK_DISABLED=true: " +
                                         std::to_string(events.size()) + " event(s) not sent");
        const std::string what = "otlp export to " + url_;
        size_t done = 0;
        uint64_t rejected = 0;  // at most what was sent
        uint64_t claimed = 0;   // what the collector said it rejected (it may say more)
        std::string rejected_reason;
        while (done < events.size()) {
            size_t count = events.size() - done;
            encode(events.subspan(done, count));
            while (body_.size() > max_request_bytes_ && count > 1) {
                count = (count + 1) / 2;
                encode(events.subspan(done, count));
            }
            if (body_.size() > max_request_bytes_) {
                std::string message = what + ": an event encodes to " + std::to_string(body_.size()) +
                                      " bytes, over max_request_bytes (" + std::to_string(max_request_bytes_) + ")";
                if (done == 0) return sdk::Result::rejected(std::move(message));
                return sdk::Result::retry(std::move(message), -1, done);  // the rest, that event first, later
            }
            const sdk::HttpResponse response = post(deadline_ns);
            sdk::Result result = export_result(response, what);
            if (result.status != OVERT_OK) {
                result.accepted_count = done;
                return result;
            }
            if (const auto partial = partial_rejection(response.body, count, what)) {
                rejected += partial->rejected;
                claimed += partial->claimed;
                rejected_reason = partial->reason;
            }
            done += count;
        }
        if (rejected == 0) return sdk::Result::ok();
        std::string message = what + ": the collector rejected " + std::to_string(claimed) + " of " +
                              std::to_string(events.size()) + " log record(s): " + rejected_reason;
        return sdk::Result::rejected(std::move(message), events.size() - rejected);
    }

    // For `overt status`: where each effective setting came from (header names, never values).
    std::string describe() const override {
        std::string text = "otlp (" + (url_.empty() ? std::string("no endpoint") : url_) + ")";
        if (disabled_) text += " disabled by OTEL_SDK_DISABLED";
        if (!sources_.empty()) text += " [" + sources_ + "]";
        return text;
    }

   private:
    void encode(sdk::Events events) {
        const auto observed = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                        std::chrono::system_clock::now().time_since_epoch())
                                                        .count());
        if (json_) json_encoder_.encode(events, encoder_, observed, body_);  // both reuse body_'s capacity
        else protobuf_.encode(events, encoder_, observed, body_);
    }

    sdk::HttpResponse post(int64_t deadline_ns) const {
        sdk::HttpRequest request = transport_.request(url_, json_ ? "application/json" : "application/x-protobuf", body_);
        request.gzip = gzip_;
        request.deadline_ns = transport_.request_deadline(host_, deadline_ns);
        return host_.post(request);
    }

    // A 200 may still say the collector dropped some records: (how many, its reason). The ABI
    // can only report a delivered prefix, so those are counted as rejected at the end of the
    // batch: the counts are right, which records they were neither the collector nor the host
    // can tell. A message without rejections is a warning only, logged since an OK result
    // carries none.
    struct PartialRejection {
        uint64_t rejected;  // at most `sent`
        uint64_t claimed;   // as the collector said
        std::string reason;
    };
    std::optional<PartialRejection> partial_rejection(std::string_view body, size_t sent, const std::string& what) const {
        const auto partial = otlp::decode_partial_success(body);
        if (!partial) return std::nullopt;
        const std::string reason =
            partial->error_message.empty() ? "no reason given" : otlp::printable(partial->error_message);
        if (partial->rejected_log_records <= 0) {
            host_.log(OVERT_LOG_WARN, what + ": the collector accepted every record but warns: " + reason);
            return std::nullopt;
        }
        const auto claimed = static_cast<uint64_t>(partial->rejected_log_records);
        return PartialRejection{std::min(claimed, uint64_t{sent}), claimed, reason};
    }

    sdk::Host host_;
    std::string endpoint_;
    std::string url_;
    std::string sources_;
    bool disabled_ = false;
    bool json_ = false;
    bool gzip_ = false;
    size_t max_request_bytes_ = kMaxRequestBytes;
    net::TransportOptions transport_;
    otlp::EncoderOptions encoder_;
    otlp::ProtobufEncoder protobuf_;
    otlp::JsonEncoder json_encoder_;
    std::string body_;  // the last request body, kept for its capacity
};

}  // namespace

OVERT_BACKEND(OtlpBackend)
