// SPDX-License-Identifier: MIT
// Test plugin "good": records what it receives into a file and answers as configured.
#include <overt/backend.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>
#include <string>

namespace {

class RecordingBackend final : public overt::sdk::Backend {
   public:
    static constexpr const char* kName = TEST_PLUGIN_NAME;
    static constexpr const char* kVersion = "0.0.1";
    static constexpr const char* kVendor = "overt tests";
    static constexpr const char* kDescription = "Records events for the plugin host tests";
    static constexpr const char* kConfigSchema = R"({
  "type": "object",
  "properties": {
    "record": {"type": "string"},
    "behaviour": {"enum": ["ok", "retry", "reject", "fatal", "throw", "bad_status", "http", "invalid_config"]},
    "accept": {"type": "integer", "minimum": 0},
    "retry_after_ms": {"type": "integer"},
    "label": {"type": "string"}
  },
  "additionalProperties": false
})";
#ifdef TEST_NO_EVENT_JSON
    static constexpr uint64_t kCapabilities = OVERT_CAP_LOCAL | OVERT_CAP_NO_EVENT_JSON;
#else
    static constexpr uint64_t kCapabilities = OVERT_CAP_LOCAL;
#endif

    RecordingBackend(const overt::sdk::Host& host, std::string_view config_json) : host_(host) {
        auto config = nlohmann::json::parse(config_json);
#ifdef TEST_THROW_IN_CREATE
        throw std::runtime_error("constructor exploded on purpose");
#endif
        record_ = config.value("record", "");
        behaviour_ = config.value("behaviour", "ok");
        accept_ = config.value("accept", 0);
        retry_after_ms_ = config.value("retry_after_ms", -1);
        label_ = config.value("label", "");
        if (behaviour_ == "invalid_config") throw overt::sdk::ConfigError("label is not acceptable");
        host_.log(OVERT_LOG_DEBUG, "created");
    }

    overt::sdk::Result send(overt::sdk::Events events, int64_t deadline_ns) override {
#ifdef TEST_THROW_IN_SEND
        throw std::runtime_error("send exploded on purpose");
#endif
        if (!record_.empty()) {
            std::ofstream out(record_, std::ios::app);
            for (const auto& e : events) {
                nlohmann::json r;
                r["json"] = std::string(overt::sdk::view(e.json));
                r["json_data_null"] = e.json.data == nullptr;
                r["json_size"] = e.json.size;
                r["event_id"] = std::string(overt::sdk::view(e.event_id));
                r["timestamp"] = std::string(overt::sdk::view(e.timestamp));
                r["name"] = std::string(overt::sdk::view(e.name));
                r["tool_name"] = std::string(overt::sdk::view(e.tool_name));
                r["exit_code"] = e.exit_code;
                r["args"] = nlohmann::json::array();
                for (size_t i = 0; i < e.args_count; ++i) r["args"].push_back(std::string(overt::sdk::view(e.args[i])));
                r["metadata"] = nlohmann::json::array();
                for (size_t i = 0; i < e.metadata_count; ++i)
                    r["metadata"].push_back({std::string(overt::sdk::view(e.metadata[i].key)),
                                             std::string(overt::sdk::view(e.metadata[i].value))});
                r["deadline_ns"] = deadline_ns;
                r["now_ns"] = host_.now_ns();
                out << r.dump() << "\n";
            }
        }
        if (behaviour_ == "retry") return overt::sdk::Result::retry("try later", retry_after_ms_, accept_);
        if (behaviour_ == "reject") return overt::sdk::Result::rejected("no thanks", accept_);
        if (behaviour_ == "fatal") return overt::sdk::Result::fatal("broken for good");
        if (behaviour_ == "throw") throw std::runtime_error("send exploded on purpose");
        if (behaviour_ == "bad_status") {
            overt::sdk::Result r;
            // 7 is not a status but within the enum's value range (0..7), so the C++ side stays
            // defined behaviour; the host must still refuse it. (A C plugin may return any int.)
            r.status = static_cast<overt_status>(7);
            r.message = "made up";
            return r;
        }
        if (behaviour_ == "http") {
            overt::sdk::HttpRequest request;
            request.url = "http://127.0.0.1:9/";
            request.body = "[]";
            auto response = host_.post(request);
            return overt::sdk::result_from_http(response, "posting");
        }
        return overt::sdk::Result::ok();
    }

    std::string describe() const override { return label_.empty() ? std::string() : "good (" + label_ + ")"; }

   private:
    overt::sdk::Host host_;
    std::string record_;
    std::string behaviour_;
    int accept_ = 0;
    int64_t retry_after_ms_ = -1;
    std::string label_;
};

}  // namespace

OVERT_BACKEND(RecordingBackend)
