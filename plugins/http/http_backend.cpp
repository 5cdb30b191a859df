// SPDX-License-Identifier: MIT
// Generic HTTP backend: POSTs each batch as a JSON array of the events' own JSON (seed §5.4),
// but reports failures instead of swallowing them (seed bug B3).
#include <overt/backend.hpp>

#include <string>

#include "network_config.hpp"

namespace {

using namespace overt;

class HttpBackend final : public sdk::Backend {
   public:
    static constexpr const char* kName = "http";
    static constexpr const char* kVersion = OVERT_PLUGIN_VERSION;
    static constexpr const char* kVendor = "overt";
    static constexpr const char* kDescription = "POSTs event batches as a JSON array to an HTTP(S) endpoint";
    static constexpr const char* kConfigSchema =
        R"({"type":"object","required":["endpoint"],"properties":{"plugin":{"type":"string"},)"
        R"("endpoint":{"type":"string"},"gzip":{"type":"boolean"},)" OVERT_NET_TRANSPORT_SCHEMA_PROPERTIES
        R"(},"additionalProperties":false})";
    static constexpr uint64_t kCapabilities = OVERT_CAP_NETWORK | OVERT_CAP_GZIP;

    HttpBackend(const sdk::Host& host, std::string_view config_json) : host_(host) {
        net::Json config = net::parse_config(config_json);
        endpoint_ = net::require_string(config, "endpoint");
        net::check_endpoint(endpoint_, "endpoint");
        gzip_ = net::get_bool(config, "gzip", false);
        transport_ = net::TransportOptions::from(config);
        net::warn_cleartext_secrets(host_, kName, endpoint_, transport_.headers);
    }

    sdk::Result send(sdk::Events events, int64_t deadline_ns) override {
        if (events.empty()) return sdk::Result::ok();
        // The events' JSON is already encoded: splice it, no re-encoding.
        size_t size = 2;
        for (const auto& e : events) size += e.json.size + 1;
        std::string body;
        body.reserve(size);
        body += '[';
        for (size_t i = 0; i < events.size(); ++i) {
            if (i) body += ',';
            body += sdk::view(events[i].json);
        }
        body += ']';

        sdk::HttpRequest request = transport_.request(endpoint_, "application/json", body);
        request.gzip = gzip_;
        request.deadline_ns = transport_.request_deadline(host_, deadline_ns);
        return sdk::result_from_http(host_.post(request), "http backend POST " + endpoint_);
    }

    std::string describe() const override { return "http (" + endpoint_ + ")"; }

   private:
    sdk::Host host_;
    std::string endpoint_;
    bool gzip_ = false;
    net::TransportOptions transport_;
};

}  // namespace

OVERT_BACKEND(HttpBackend)
