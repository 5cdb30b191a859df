// SPDX-License-Identifier: MIT
// A starter overt backend: POSTs each batch as a JSON array of events to one endpoint,
// through the host's HTTP service (TLS, proxies, timeouts, gzip are the host's job).
//
// Rename it: kName below, the OUTPUT_NAME in CMakeLists.txt (libovert-<kName>.so) and the
// `plugin:` key in overt.yaml must all agree.
#include <overt/backend.hpp>

#include <string>
#include <string_view>

namespace {

// Reads one string member of the flat config object. The host has already validated the
// block against kConfigSchema, so this only has to find the value; a real backend would
// normally use a JSON library here (nlohmann_json is header-only and fine to link).
bool read_string_member(std::string_view json, std::string_view key, std::string& out) {
    const std::string quoted = "\"" + std::string(key) + "\"";
    size_t pos = json.find(quoted);
    if (pos == std::string_view::npos) return false;
    pos = json.find_first_not_of(" \t\r\n", pos + quoted.size());
    if (pos == std::string_view::npos || json[pos] != ':') return false;
    pos = json.find_first_not_of(" \t\r\n", pos + 1);
    if (pos == std::string_view::npos || json[pos] != '"') return false;
    out.clear();
    for (++pos; pos < json.size(); ++pos) {
        char c = json[pos];
        if (c == '"') return true;
        if (c == '\\') {
            if (++pos >= json.size()) return false;
            c = json[pos];
            if (c == 'u') return false;  // not needed for URLs; refuse rather than mis-decode
            if (c == 'n') c = '\n';
            if (c == 't') c = '\t';
        }
        out += c;
    }
    return false;
}

class MyBackend : public overt::sdk::Backend {
   public:
    static constexpr const char* kName = "mine";
    static constexpr const char* kVersion = "0.1.0";
    static constexpr const char* kVendor = "Example Inc.";
    static constexpr const char* kDescription = "POSTs events as a JSON array to one HTTP endpoint";
    static constexpr const char* kConfigSchema = R"({
      "type": "object",
      "properties": {
        "endpoint": {"type": "string", "pattern": "^https?://"}
      },
      "required": ["endpoint"],
      "additionalProperties": false
    })";
    // This backend sends each event's `json`. One that encodes from the structured fields only
    // adds OVERT_CAP_NO_EVENT_JSON: the host then skips rendering the JSON (json = {NULL, 0}).
    static constexpr uint64_t kCapabilities = OVERT_CAP_NETWORK | OVERT_CAP_GZIP;

    // Throw ConfigError for a config that cannot work: the host reports INVALID_CONFIG.
    MyBackend(const overt::sdk::Host& host, std::string_view config_json) : host_(host) {
        if (config_json.empty() || config_json.front() != '{')
            throw overt::sdk::ConfigError("the config block must be a JSON object");
        if (!read_string_member(config_json, "endpoint", endpoint_))
            throw overt::sdk::ConfigError("\"endpoint\" (a string) is required");
        if (endpoint_.rfind("http://", 0) != 0 && endpoint_.rfind("https://", 0) != 0)
            throw overt::sdk::ConfigError("\"endpoint\" must be an http:// or https:// URL, got \"" + endpoint_ + "\"");
    }

    overt::sdk::Result send(overt::sdk::Events events, int64_t deadline_ns) override {
        if (events.empty()) return overt::sdk::Result::ok();
        // Every event already carries its JSON encoding (seed field order plus event_id).
        std::string body = "[";
        for (const overt_event& event : events) {
            if (body.size() > 1) body += ',';
            body += overt::sdk::view(event.json);
        }
        body += ']';

        overt::sdk::HttpRequest request;
        request.url = endpoint_;
        request.body = body;
        request.gzip = true;
        request.deadline_ns = deadline_ns;
        overt::sdk::HttpResponse response = host_.post(request);
        // 2xx: delivered; 408/429/5xx/no answer: RETRY (the host backs off); others: REJECTED.
        overt::sdk::Result result = overt::sdk::result_from_http(response, "POST " + endpoint_);
        if (result.status != OVERT_OK) host_.log(OVERT_LOG_WARN, result.message);
        return result;
    }

    std::string describe() const override { return std::string(kName) + " (" + endpoint_ + ")"; }

   private:
    overt::sdk::Host host_;
    std::string endpoint_;
};

}  // namespace

OVERT_BACKEND(MyBackend)
