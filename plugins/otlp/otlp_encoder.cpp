// SPDX-License-Identifier: MIT
#include "otlp_encoder.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <string>
#include <string_view>

namespace overt::otlp {
namespace {

constexpr std::array<std::string_view, 15> kStandardKeys = {
    kEventNameAttribute, "event.id",   "command.duration_ms", "process.exit.code", "command.args",
    "command.error",     "event.name", "event.type",          "tool.name",         "tool.version",
    "host.arch",         "os.type",    "os.version",          "machine.id",        "command.exit_code"};

}  // namespace

// The standard keys by length. Both encoders ask for every metadata key, twice for protobuf
// (sizes, then bytes): a key is compared with the few of its own length only.
struct KeysOfOneLength {
    std::array<std::string_view, 4> keys{};
    size_t count = 0;
};
constexpr auto kStandardKeysByLength = [] {
    std::array<KeysOfOneLength, 24> table{};  // a longer key, or a fifth of one length, fails to compile
    for (std::string_view key : kStandardKeys) {
        KeysOfOneLength& same = table.at(key.size());
        same.keys.at(same.count++) = key;
    }
    return table;
}();

bool is_standard_key(std::string_view key) {
    if (key.size() >= kStandardKeysByLength.size()) return false;
    const KeysOfOneLength& same = kStandardKeysByLength[key.size()];
    // The first byte tells most apart ("channel" is no "os.type") without a memcmp call.
    for (size_t i = 0; i < same.count; ++i)
        if (same.keys[i][0] == key[0] && std::memcmp(same.keys[i].data(), key.data(), key.size()) == 0) return true;
    return false;
}

namespace {

using sdk::view;

// Bytes nlohmann_json's dump() writes as they are: printable ASCII other than " and \ (it
// escapes neither <, > and & nor DEL). A table, as the scan runs over every byte of a batch.
constexpr auto kJsonVerbatimBytes = [] {
    std::array<bool, 256> verbatim{};
    for (int c = 0x20; c < 0x80; ++c) verbatim[c] = c != '"' && c != '\\';
    return verbatim;
}();

// A word at a time (the byte-by-byte scan was the top cost of a batch): a word is verbatim
// when no byte is below 0x20, at or above 0x80, '"' or '\\'. The classic has-less test is
// exact for whether any byte of the word matches.
template <typename Word>
bool word_verbatim(const char* at) noexcept {
    constexpr Word kOnes = static_cast<Word>(~Word{0}) / 255;
    constexpr Word kHigh = kOnes * 0x80;
    auto has_less = [](Word w, Word n) { return static_cast<Word>(w - kOnes * n) & ~w & kHigh; };
    Word w;
    std::memcpy(&w, at, sizeof w);
    return ((w & kHigh) | has_less(w, 0x20) | has_less(w ^ (kOnes * '"'), 1) | has_less(w ^ (kOnes * '\\'), 1)) == 0;
}

// Whole words, the last one overlapping the one before; a string shorter than 8 bytes as two
// overlapping 4-byte words; below 4 bytes, the table.
bool json_verbatim(std::string_view text) noexcept {
    const char* at = text.data();
    const size_t n = text.size();
    if (n >= 8) {
        for (size_t i = 0; i + 8 <= n; i += 8)
            if (!word_verbatim<uint64_t>(at + i)) return false;
        return n % 8 == 0 || word_verbatim<uint64_t>(at + n - 8);
    }
    if (n >= 4) return word_verbatim<uint32_t>(at) && word_verbatim<uint32_t>(at + n - 4);
    for (size_t i = 0; i < n; ++i)
        if (!kJsonVerbatimBytes[static_cast<unsigned char>(at[i])]) return false;
    return true;
}

// Escapes and invalid UTF-8 are rare: nlohmann_json's own serializer writes them, so the
// bytes stay the ones the DOM encoder wrote (U+FFFD for invalid sequences).
std::string json_escaped(std::string_view text) {
    return nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// memcpy at a cursor; `bytes` may be an empty view with a null data().
char* put(char* at, std::string_view bytes) noexcept {
    if (!bytes.empty()) std::memcpy(at, bytes.data(), bytes.size());
    return at + bytes.size();
}

// Writes through a cursor into `out`, grown as needed and cut to what was written at the
// end. Per-piece std::string appends were the encoder's top cost: here a piece is one room()
// check and inlined copies. out's size is kept between batches, so growing past it zero-fills
// only the little that a batch writes beyond the previous one.
class JsonOut {
   public:
    explicit JsonOut(std::string& out) noexcept : out_(out) {}
    char* room(size_t n) {
        if (out_.size() - pos_ < n) out_.resize(pos_ + n + kSlack);
        return out_.data() + pos_;
    }
    void done(const char* end) noexcept { pos_ = static_cast<size_t>(end - out_.data()); }
    void append(std::string_view bytes) { done(put(room(bytes.size()), bytes)); }
    // A literal: its size known here, so the copy is a few inlined stores.
    template <size_t N>
    void literal(const char (&text)[N]) {
        std::memcpy(room(N - 1), text, N - 1);
        pos_ += N - 1;
    }
    void finish() { out_.resize(pos_); }

    // A JSON string.
    void string(std::string_view text) {
        if (!json_verbatim(text)) return append(json_escaped(text));
        char* at = room(text.size() + 2);
        *at++ = '"';
        at = put(at, text);
        *at++ = '"';
        done(at);
    }
    // int64 fields as decimal strings, as OTLP/JSON writes them.
    template <typename Integer>
    void quoted_integer(Integer value) {
        char* at = room(24);
        *at++ = '"';
        at = std::to_chars(at, at + 21, value).ptr;
        *at++ = '"';
        done(at);
    }

   private:
    static constexpr size_t kSlack = 4096;
    std::string& out_;
    size_t pos_ = 0;
};

// AnyValue.
void json_append_any_value(JsonOut& out, std::string_view value) {
    out.literal(R"({"stringValue":)");
    out.string(value);
    out.literal("}");
}
void json_append_any_value(JsonOut& out, int64_t value) {
    out.literal(R"({"intValue":)");
    out.quoted_integer(value);
    out.literal("}");
}
void json_append_any_value(JsonOut& out, const JoinedArgs& value) {
    bool verbatim = true;
    for (size_t i = 0; i < value.count; ++i) verbatim = verbatim && json_verbatim(view(value.args[i]));
    if (!verbatim) {
        std::string joined;  // to escape: rare, extended collection only
        joined.reserve(value.size());
        for (size_t i = 0; i < value.count; ++i) {
            if (i) joined += ' ';
            joined += view(value.args[i]);
        }
        return json_append_any_value(out, std::string_view(joined));
    }
    // Spaces need no escaping: the joined arguments are verbatim too, written in place.
    char* at = out.room(value.size() + 18);
    at = put(at, R"({"stringValue":")");
    for (size_t i = 0; i < value.count; ++i) {
        if (i) *at++ = ' ';
        at = put(at, view(value.args[i]));
    }
    at = put(at, R"("})");
    out.done(at);
}

// KeyValue: {"key":...,"value":AnyValue}.
template <typename Value>
void json_append_key_value(JsonOut& out, const AttributeKey& key, const Value& value) {
    if (key.literal || (json_verbatim(key.prefix) && json_verbatim(key.name))) {
        char* at = out.room(key.size() + 19);
        at = put(at, R"({"key":")");
        at = put(at, key.prefix);
        at = put(at, key.name);
        at = put(at, R"(","value":)");
        out.done(at);
    } else {
        out.literal(R"({"key":)");
        out.append(json_escaped(std::string(key.prefix) + std::string(key.name)));
        out.literal(R"(,"value":)");
    }
    json_append_any_value(out, value);
    out.literal("}");
}

// LogRecord, keys in sorted order (nlohmann_json's objects are sorted maps). `tail` holds the
// keys from observedTimeUnixNano to timeUnixNano's opening quote, the same for every record.
void json_append_log_record(JsonOut& out, const overt_event& e, std::string_view tail) {
    out.literal(R"({"attributes":[)");
    bool first = true;
    for_each_record_attribute(e, [&out, &first](const AttributeKey& key, const auto& value) {
        if (!first) out.literal(",");
        first = false;
        json_append_key_value(out, key, value);
    });
    out.literal(R"(],"body":)");
    json_append_any_value(out, view(e.name));
    if (e.type.size > 0) {
        out.literal(R"(,"eventName":)");
        out.string(view(e.type));
    }
    out.append(tail);
    char* at = out.room(24);
    at = std::to_chars(at, at + 21, static_cast<uint64_t>(std::max<int64_t>(0, e.timestamp_unix_nano))).ptr;
    at = put(at, R"("})");
    out.done(at);
}

}  // namespace

void JsonEncoder::encode(sdk::Events events, const EncoderOptions& options, uint64_t observed, std::string& body) {
    // Group `same_resource` events in first-seen order; usually there is one group.
    first_events_.clear();
    resource_of_.resize(events.size());
    for (size_t i = 0; i < events.size(); ++i) {
        const overt_event& e = events[i];
        auto it = std::find_if(first_events_.begin(), first_events_.end(),
                               [&e](const overt_event* first) { return same_resource(*first, e); });
        if (it == first_events_.end()) it = first_events_.insert(first_events_.end(), &e);
        resource_of_[i] = static_cast<uint32_t>(it - first_events_.begin());
    }

    // What every record of this batch ends with, but its time: written once here.
    {
        JsonOut tail(record_tail_);
        tail.literal(R"(,"observedTimeUnixNano":)");
        tail.quoted_integer(observed);
        tail.literal(R"(,"severityNumber":)");
        tail.append(std::to_string(kSeverityInfo));
        tail.literal(R"(,"severityText":)");
        tail.string(kSeverityText);
        tail.literal(R"(,"timeUnixNano":")");
        tail.finish();
    }

    JsonOut out(body);
    out.literal(R"({"resourceLogs":[)");
    for (size_t r = 0; r < first_events_.size(); ++r) {
        if (r) out.literal(",");
        out.literal(R"({"resource":{"attributes":[)");
        bool first = true;
        for_each_resource_attribute(*first_events_[r], options, [&out, &first](std::string_view key, std::string_view value) {
            if (!first) out.literal(",");
            first = false;
            json_append_key_value(out, AttributeKey{{}, key}, value);
        });
        out.literal(R"(]},"scopeLogs":[{"logRecords":[)");
        first = true;
        for (size_t i = 0; i < events.size(); ++i) {
            if (resource_of_[i] != r) continue;
            if (!first) out.literal(",");
            first = false;
            json_append_log_record(out, events[i], record_tail_);
        }
        out.literal(R"(],"scope":{"name":)");
        out.string(kScopeName);
        if (!options.scope_version.empty()) {
            out.literal(R"(,"version":)");
            out.string(options.scope_version);
        }
        out.literal("}}]}");
    }
    out.literal("]}");
    out.finish();
}

}  // namespace overt::otlp
