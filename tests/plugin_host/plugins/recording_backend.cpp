// SPDX-License-Identifier: MIT
// Test plugins "good", "nojson", "throwcreate" and "throwsend": record what they receive into a
// file and answer as configured. Compiled once for the four (the heavy part is the JSON library);
// each module adds its exported entry point (plugins/forwarding_entry.c), which picks its
// variant here.
#include <overt/backend.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>
#include <string>

namespace {

struct Good {
    static constexpr const char* kName = "good";
    static constexpr uint64_t kCapabilities = OVERT_CAP_LOCAL;
    static constexpr bool kThrowInCreate = false;
    static constexpr bool kThrowInSend = false;
};
struct NoJson : Good {
    static constexpr const char* kName = "nojson";
    static constexpr uint64_t kCapabilities = OVERT_CAP_LOCAL | OVERT_CAP_NO_EVENT_JSON;
};
struct ThrowCreate : Good {
    static constexpr const char* kName = "throwcreate";
    static constexpr bool kThrowInCreate = true;
};
struct ThrowSend : Good {
    static constexpr const char* kName = "throwsend";
    static constexpr bool kThrowInSend = true;
};

template <typename Variant>
class RecordingBackend final : public overt::sdk::Backend {
   public:
    static constexpr const char* kName = Variant::kName;
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
    static constexpr uint64_t kCapabilities = Variant::kCapabilities;

    RecordingBackend(const overt::sdk::Host& host, std::string_view config_json) : host_(host) {
        auto config = nlohmann::json::parse(config_json);
        if constexpr (Variant::kThrowInCreate) throw std::runtime_error("constructor exploded on purpose");
        record_ = config.value("record", "");
        behaviour_ = config.value("behaviour", "ok");
        accept_ = config.value("accept", 0);
        retry_after_ms_ = config.value("retry_after_ms", -1);
        label_ = config.value("label", "");
        if (behaviour_ == "invalid_config") throw overt::sdk::ConfigError("label is not acceptable");
        host_.log(OVERT_LOG_DEBUG, "created");
    }

    overt::sdk::Result send(overt::sdk::Events events, int64_t deadline_ns) override {
        if constexpr (Variant::kThrowInSend) throw std::runtime_error("send exploded on purpose");
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

// Hidden: only the module's own entry point (plugins/forwarding_entry.c) is exported.
extern "C" const overt_backend_descriptor* overt_test_recording_good(void) {
    return overt::sdk::detail::descriptor<RecordingBackend<Good>>();
}
extern "C" const overt_backend_descriptor* overt_test_recording_nojson(void) {
    return overt::sdk::detail::descriptor<RecordingBackend<NoJson>>();
}
extern "C" const overt_backend_descriptor* overt_test_recording_throwcreate(void) {
    return overt::sdk::detail::descriptor<RecordingBackend<ThrowCreate>>();
}
extern "C" const overt_backend_descriptor* overt_test_recording_throwsend(void) {
    return overt::sdk::detail::descriptor<RecordingBackend<ThrowSend>>();
}
