// SPDX-License-Identifier: MIT
// Test plugin "faulty": records what it accepts into a file (like the plugin host tests'
// recording backend) and misbehaves where its settings say, so the sender's supervision can be
// tested against every way a plugin can take a process down:
//   {"fault": "segv"|"abort"|"exit0"|"sigkill"|"hang", "in": "create"|"describe"|"send"|"flush"|"destroy",
//    "record": PATH}
// A fault while the library loads (its constructor) comes from OVERT_TEST_FAULT_IN_LOAD=hang|segv,
// as nothing of the config is known then.
#include <overt/backend.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace {

[[noreturn]] void hang() {
    for (;;) ::sleep(60);
}

// Dies (or hangs) as `fault` says; any other value does nothing.
void misbehave(const std::string& fault) {
    if (fault == "segv") {
        // Back to the default action first: a sanitizer's handler would turn the signal into an exit.
        ::signal(SIGSEGV, SIG_DFL);
        ::raise(SIGSEGV);
    } else if (fault == "abort") {
        std::abort();
    } else if (fault == "exit0") {
        std::exit(0);
    } else if (fault == "sigkill") {
        ::raise(SIGKILL);
    } else if (fault == "hang") {
        hang();
    }
}

__attribute__((constructor)) void fault_while_loading() {
    if (const char* fault = std::getenv("OVERT_TEST_FAULT_IN_LOAD"); fault && *fault) misbehave(fault);
}

class FaultyBackend final : public overt::sdk::Backend {
   public:
    static constexpr const char* kName = "faulty";
    static constexpr const char* kVersion = "0.0.1";
    static constexpr const char* kVendor = "overt tests";
    static constexpr const char* kDescription = "Crashes or hangs where it is told to";
    static constexpr const char* kConfigSchema = R"({
  "type": "object",
  "properties": {
    "fault": {"enum": ["none", "segv", "abort", "exit0", "sigkill", "hang"]},
    "in": {"enum": ["create", "describe", "send", "flush", "destroy"]},
    "record": {"type": "string"}
  },
  "additionalProperties": false
})";
    static constexpr uint64_t kCapabilities = OVERT_CAP_LOCAL;

    FaultyBackend(const overt::sdk::Host&, std::string_view config_json) {
        auto config = nlohmann::json::parse(config_json);
        fault_ = config.value("fault", "none");
        in_ = config.value("in", "send");
        record_ = config.value("record", "");
        at("create");
    }
    ~FaultyBackend() override { at("destroy"); }

    overt::sdk::Result send(overt::sdk::Events events, int64_t) override {
        at("send");
        if (!record_.empty()) {
            // One O_APPEND write per batch, written before OK: a line is an accepted event.
            std::string lines;
            for (const auto& e : events) lines += std::string(overt::sdk::view(e.json)) + "\n";
            int fd = ::open(record_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
            if (fd < 0) return overt::sdk::Result::retry("cannot open the record file", -1, 0);
            const bool written = ::write(fd, lines.data(), lines.size()) == static_cast<ssize_t>(lines.size());
            ::close(fd);
            if (!written) return overt::sdk::Result::retry("short write", -1, 0);
        }
        return overt::sdk::Result::ok();
    }

    overt::sdk::Result flush(int64_t) override {
        at("flush");
        return overt::sdk::Result::ok();
    }

    std::string describe() const override {
        at("describe");
        return "faulty (" + fault_ + " in " + in_ + ")";
    }

   private:
    void at(const char* entry_point) const {
        if (in_ == entry_point) misbehave(fault_);
    }

    std::string fault_;
    std::string in_;
    std::string record_;
};

}  // namespace

OVERT_BACKEND(FaultyBackend)
