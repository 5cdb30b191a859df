// SPDX-License-Identifier: MIT
// The stdout backend: each batch as one pretty-printed JSON array (2-space indent) and a
// newline, like the seed's json.Encoder with SetIndent("", "  ").
#include <overt/backend.hpp>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <string>
#include <system_error>

namespace {

// Re-indents compact JSON text without re-encoding it, so the event's escaping (Go's \u003c
// and friends) survives byte for byte.
void append_indented(std::string& out, std::string_view json, int base_level) {
    auto newline = [&](int level) {
        out += '\n';
        out.append(static_cast<size_t>(level) * 2, ' ');
    };
    int level = base_level;
    bool in_string = false;
    for (size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (in_string) {
            out += c;
            if (c == '\\' && i + 1 < json.size()) {
                out += json[++i];
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        switch (c) {
            case '"':
                in_string = true;
                out += c;
                break;
            case '{':
            case '[':
                out += c;
                // Empty containers stay on one line, as Go prints them.
                if (i + 1 < json.size() && (json[i + 1] == '}' || json[i + 1] == ']')) {
                    out += json[++i];
                } else {
                    newline(++level);
                }
                break;
            case '}':
            case ']':
                newline(--level);
                out += c;
                break;
            case ',':
                out += c;
                newline(level);
                break;
            case ':':
                out += ": ";
                break;
            case ' ':
            case '\t':
            case '\n':
            case '\r':
                break;
            default:
                out += c;
        }
    }
}

class StdoutBackend final : public overt::sdk::Backend {
   public:
    static constexpr const char* kName = "stdout";
    static constexpr const char* kVersion = OVERT_PLUGIN_VERSION;
    static constexpr const char* kVendor = "overt";
    static constexpr const char* kDescription = "Prints each batch as a pretty-printed JSON array";
    static constexpr const char* kConfigSchema = R"({
  "type": "object",
  "properties": {
    "stream": {"enum": ["stdout", "stderr"], "default": "stdout", "description": "where to print"}
  },
  "additionalProperties": false
})";
    static constexpr uint64_t kCapabilities = OVERT_CAP_LOCAL;

    StdoutBackend(const overt::sdk::Host&, std::string_view config_json) {
        const auto config = nlohmann::json::parse(config_json, nullptr, false);
        if (!config.is_object()) throw overt::sdk::ConfigError("stdout: config must be an object");
        if (auto it = config.find("stream"); it != config.end()) {
            if (*it == "stderr") {
                stream_ = stderr;
            } else if (*it != "stdout") {
                throw overt::sdk::ConfigError("stdout: \"stream\" must be \"stdout\" or \"stderr\"");
            }
        }
    }

    overt::sdk::Result send(overt::sdk::Events events, int64_t) override {
        text_.clear();
        text_ += '[';
        for (size_t i = 0; i < events.size(); ++i) {
            text_ += i == 0 ? "\n  " : ",\n  ";
            append_indented(text_, overt::sdk::view(events[i].json), 1);
        }
        text_ += events.empty() ? "]\n" : "\n]\n";
        // stdio, not write(2): keeps the order with whatever the tool itself prints.
        errno = 0;
        const size_t written = std::fwrite(text_.data(), 1, text_.size(), stream_);
        if (written != text_.size() || std::fflush(stream_) != 0) {
            const int error = errno;
            std::clearerr(stream_);
            std::string message = "writing to " + std::string(stream_ == stderr ? "stderr" : "stdout") + ": " +
                                  (error ? std::system_category().message(error) : std::string("write failed"));
            // A closed stream or pipe stays closed for the rest of the run.
            if (error == EPIPE || error == EBADF) return overt::sdk::Result::fatal(std::move(message));
            return overt::sdk::Result::retry(std::move(message));
        }
        return overt::sdk::Result::ok();
    }

    std::string describe() const override { return stream_ == stderr ? "stdout (stderr)" : "stdout"; }

   private:
    std::FILE* stream_ = stdout;
    std::string text_;
};

}  // namespace

OVERT_BACKEND(StdoutBackend)
