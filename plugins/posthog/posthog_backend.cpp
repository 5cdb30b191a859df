// SPDX-License-Identifier: MIT
// PostHog capture backend: POST <host>/batch/ (seed §5.7), with every field the seed lost,
// and batches split to stay under capture's request limits.
#include <overt/backend.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "chunked_sender.hpp"
#include "network_config.hpp"
#include "posthog_encoder.hpp"

namespace {

using namespace overt;

std::string host_for_instance(const std::string& instance) {
    if (instance == "us") return "https://us.i.posthog.com";
    if (instance == "eu") return "https://eu.i.posthog.com";
    throw sdk::ConfigError("'instance' is '" + instance + "'; use us or eu, or set 'host' for a self-hosted PostHog");
}

class PosthogBackend final : public sdk::Backend {
   public:
    static constexpr const char* kName = "posthog";
    static constexpr const char* kVersion = OVERT_PLUGIN_VERSION;
    static constexpr const char* kVendor = "overt";
    static constexpr const char* kDescription = "Sends events to PostHog's capture batch API";
    static constexpr const char* kConfigSchema =
        R"({"type":"object","required":["api_key"],"properties":{"plugin":{"type":"string"},)"
        R"("api_key":{"type":"string"},"host":{"type":"string"},"instance":{"enum":["us","eu"]},)"
        R"("endpoint":{"type":"string"},"gzip":{"type":"boolean"},)"
        R"("disable_geoip":{"type":"boolean"},"process_person_profile":{"type":"boolean"},)"
        OVERT_NET_TRANSPORT_SCHEMA_PROPERTIES
        R"(},"additionalProperties":false})";
    // Encodes from the structured fields only: the host need not render each event's JSON.
    static constexpr uint64_t kCapabilities = OVERT_CAP_NETWORK | OVERT_CAP_GZIP | OVERT_CAP_NO_EVENT_JSON;

    PosthogBackend(const sdk::Host& host, std::string_view config_json) : host_(host) {
        net::Json config = net::parse_config(config_json);
        api_key_ = net::require_string(config, "api_key");
        if (api_key_.rfind("phx_", 0) == 0)
            throw sdk::ConfigError("'api_key' is a personal API key (phx_...); capture needs the project key (phc_...)");
        url_ = net::get_string(config, "endpoint");
        if (!url_.empty()) {
            net::check_endpoint(url_, "endpoint");
        } else {
            std::string base = net::get_string(config, "host");
            const char* key = "host";
            if (base.empty()) base = host_for_instance(net::get_string(config, "instance", "us"));
            net::check_endpoint(base, key);
            while (!base.empty() && base.back() == '/') base.pop_back();
            url_ = base + "/batch/";
        }
        gzip_ = net::get_bool(config, "gzip", false);
        item_options_.lib_version = kVersion;
        item_options_.disable_geoip = net::get_bool(config, "disable_geoip", true);
        item_options_.process_person_profile = net::get_bool(config, "process_person_profile", false);
        transport_ = net::TransportOptions::from(config);
        net::warn_cleartext_secrets(host_, kName, url_, transport_.headers);
        body_prefix_ = R"({"api_key":)" + net::dump(api_key_) + R"(,"sent_at":")";
    }

    sdk::Result send(sdk::Events events, int64_t deadline_ns) override {
        std::vector<std::string> items;
        items.reserve(events.size());
        for (const auto& e : events) items.push_back(posthog::encode_batch_item(e, item_options_));
        net::ChunkLimits limits;
        limits.max_items = 1000;
        limits.max_request_bytes = 20'000'000;
        limits.max_item_bytes = 1'000'000;
        limits.wrapper_bytes = body_prefix_.size() + kSentAtSize + kBatchOpen.size() + 2;
        int64_t request_deadline = transport_.request_deadline(host_, deadline_ns);
        return net::send_in_chunks(host_, kName, items, events, limits,
                                   [&](const std::string& joined, size_t, size_t) {
                                       // Stamped per request: capture corrects client clock skew by it.
                                       std::string body = body_prefix_ + sent_at_now() + std::string(kBatchOpen) +
                                                          joined + "]}";
                                       sdk::HttpRequest request = transport_.request(url_, "application/json", body);
                                       request.gzip = gzip_;
                                       request.deadline_ns = request_deadline;
                                       return sdk::result_from_http(host_.post(request), "posthog POST " + url_);
                                   });
    }

    std::string describe() const override { return "posthog (" + url_ + ")"; }

   private:
    static constexpr std::string_view kBatchOpen = R"(","batch":[)";
    static constexpr size_t kSentAtSize = sizeof "2026-01-01T00:00:00.000Z" - 1;

    // The wall clock as RFC 3339 UTC with milliseconds, the form posthog-node sends.
    static std::string sent_at_now() {
        // The C++20 calendar rather than gmtime_r, which Windows' CRT does not have.
        using namespace std::chrono;
        const auto now = time_point_cast<milliseconds>(system_clock::now());
        const auto day = floor<days>(now);
        const year_month_day date{day};
        const hh_mm_ss time{now - day};
        char text[64];  // room for any int the compiler imagines in each field
        std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                      static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                      static_cast<int>(time.seconds().count()), static_cast<int>(time.subseconds().count()));
        return text;
    }

    sdk::Host host_;
    std::string api_key_;
    std::string url_;
    std::string body_prefix_;
    bool gzip_ = false;
    posthog::ItemOptions item_options_;
    net::TransportOptions transport_;
};

}  // namespace

OVERT_BACKEND(PosthogBackend)
