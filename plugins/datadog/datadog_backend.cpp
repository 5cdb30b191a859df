// SPDX-License-Identifier: MIT
// Datadog HTTP logs intake v2 backend (seed §5.6 moved from the deprecated v1 endpoint),
// within Datadog's documented limits: ≤1000 entries and ≤5 MB per request, ≤1 MB per entry.
#include <overt/backend.hpp>

#include <string>
#include <vector>

#include "chunked_sender.hpp"
#include "datadog_encoder.hpp"
#include "datadog_site.hpp"
#include "datadog_tags.hpp"
#include "network_config.hpp"

namespace {

using namespace overt;

class DatadogBackend final : public sdk::Backend {
   public:
    static constexpr const char* kName = "datadog";
    static constexpr const char* kVersion = OVERT_PLUGIN_VERSION;
    static constexpr const char* kVendor = "overt";
    static constexpr const char* kDescription = "Sends events to the Datadog HTTP logs intake (v2)";
    static constexpr const char* kConfigSchema =
        R"({"type":"object","required":["api_key"],"properties":{"plugin":{"type":"string"},)"
        R"("api_key":{"type":"string"},"site":{"type":"string"},"endpoint":{"type":"string"},)"
        R"("source":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}},)"
        R"("compress":{"type":"boolean"},)" OVERT_NET_TRANSPORT_SCHEMA_PROPERTIES
        R"(},"additionalProperties":false})";
    // Encodes from the structured fields only: the host need not render each event's JSON.
    static constexpr uint64_t kCapabilities = OVERT_CAP_NETWORK | OVERT_CAP_GZIP | OVERT_CAP_NO_EVENT_JSON;

    DatadogBackend(const sdk::Host& host, std::string_view config_json) : host_(host) {
        net::Json config = net::parse_config(config_json);
        api_key_ = net::require_string(config, "api_key");
        if (api_key_.find_first_of("\r\n") != std::string::npos)
            throw sdk::ConfigError("'api_key' contains a line break");
        url_ = net::get_string(config, "endpoint");
        if (!url_.empty()) net::check_endpoint(url_, "endpoint");
        else url_ = datadog::intake_url_for_site(net::get_string(config, "site", "datadoghq.com"));
        encoder_.source = net::get_string(config, "source", "overt");
        if (auto tags = config.find("tags"); tags != config.end() && !tags->is_null()) {
            if (!tags->is_array()) throw sdk::ConfigError("'tags' must be a list of strings like \"team:cli\"");
            for (const auto& tag : *tags) {
                if (!tag.is_string() || tag.get<std::string>().empty())
                    throw sdk::ConfigError("'tags' must be a list of non-empty strings");
                encoder_.extra_tags += (encoder_.extra_tags.empty() ? "" : ",") + checked_tag(tag.get<std::string>());
            }
        }
        compress_ = net::get_bool(config, "compress", true);
        transport_ = net::TransportOptions::from(config);
        transport_.headers.emplace_back("DD-API-KEY", api_key_);
        net::warn_cleartext_secrets(host_, kName, url_, transport_.headers);
    }

    sdk::Result send(sdk::Events events, int64_t deadline_ns) override {
        std::vector<std::string> items;
        items.reserve(events.size());
        for (const auto& e : events) items.push_back(datadog::encode_log_item(e, encoder_));
        int64_t request_deadline = transport_.request_deadline(host_, deadline_ns);
        return net::send_in_chunks(host_, kName, items, events, net::ChunkLimits{},
                                   [&](const std::string& joined, size_t, size_t) {
                                       std::string body = "[" + joined + "]";
                                       sdk::HttpRequest request = transport_.request(url_, "application/json", body);
                                       request.gzip = compress_;
                                       request.deadline_ns = request_deadline;
                                       return sdk::result_from_http(host_.post(request), "datadog POST " + url_);
                                   });
    }

    // A tag Datadog would rewrite is sent rewritten, with a warning; one it cannot take
    // (a comma would smuggle in a second tag) makes the config invalid.
    std::string checked_tag(const std::string& configured) const {
        const datadog::TagCheck check = datadog::check_tag(configured);
        const std::string quoted = net::Json(configured).dump(-1, ' ', true, net::Json::error_handler_t::replace);
        if (!check.error.empty()) throw sdk::ConfigError("'tags': " + quoted + " " + check.error);
        if (check.tag != configured)
            host_.log(OVERT_LOG_WARN, std::string("'tags': ") + quoted + " is sent as \"" + check.tag +
                                          "\" (Datadog's tag rules)");
        return check.tag;
    }

    std::string describe() const override { return "datadog (" + url_ + ")"; }

   private:
    sdk::Host host_;
    std::string api_key_;
    std::string url_;
    bool compress_ = true;
    datadog::EncoderOptions encoder_;
    net::TransportOptions transport_;
};

}  // namespace

OVERT_BACKEND(DatadogBackend)
