// SPDX-License-Identifier: MIT
// A minimal third-party backend: counts events and logs through the host.
#include <overt/backend.hpp>

#include <string>

class VendorBackend : public overt::sdk::Backend {
   public:
    static constexpr const char* kName = "vendor";
    static constexpr const char* kVersion = "3.1.4";
    static constexpr const char* kVendor = "Example Inc.";
    static constexpr const char* kDescription = "Built outside the overt tree";
    static constexpr const char* kConfigSchema = R"({"type": "object", "additionalProperties": false})";
    static constexpr uint64_t kCapabilities = OVERT_CAP_LOCAL;

    VendorBackend(const overt::sdk::Host& host, std::string_view) : host_(host) {}

    overt::sdk::Result send(overt::sdk::Events events, int64_t) override {
        for (const auto& event : events) {
            if (overt::sdk::view(event.json).empty()) return overt::sdk::Result::rejected("event without JSON");
            sent_ += 1;
        }
        host_.log(OVERT_LOG_DEBUG, "vendor accepted " + std::to_string(events.size()) + " event(s)");
        return overt::sdk::Result::ok();
    }
    std::string describe() const override { return "vendor (" + std::to_string(sent_) + " sent)"; }

   private:
    overt::sdk::Host host_;
    size_t sent_ = 0;
};

OVERT_BACKEND(VendorBackend)
