// SPDX-License-Identifier: MIT
// Event serialization in the seed's byte format (Go encoding/json conventions).
#include <overt/event.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <limits>

namespace overt {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Go's encoding/json string escaping: ", \, control characters, and additionally <, >, &,
// U+2028 and U+2029 (HTML-safe). Invalid UTF-8 bytes become U+FFFD, as Go does.
// Bytes copied as they are: printable ASCII other than ", \, <, > and &. A table, as the scan
// runs over every byte of every event.
constexpr auto kPlainBytes = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&';
    return plain;
}();

bool is_plain(unsigned char c) { return kPlainBytes[c]; }

// The JSON is written through a cursor into space sized beforehand (json_bound): no capacity
// check per byte (perf: std::string::push_back, out of line, was 17 % of a file-plugin batch).
// An escaped byte takes at most 6 bytes ("\u00XX", "\ufffd" for an invalid one).
constexpr size_t kMaxEscapedPerByte = 6;

size_t quoted_bound(std::string_view s) { return 2 + kMaxEscapedPerByte * s.size(); }

char* put(char* at, std::string_view text) {
    std::memcpy(at, text.data(), text.size());
    return at + text.size();
}

char* put_unicode_escape(char* at, unsigned char c) {
    at = put(at, "\\u00");
    *at++ = kHex[c >> 4];
    *at++ = kHex[c & 0xF];
    return at;
}

char* put_escaped(char* at, std::string_view s) {
    *at++ = '"';
    size_t i = 0;
    while (i < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (is_plain(c)) {  // nearly all text
            *at++ = static_cast<char>(c);
            ++i;
            continue;
        }
        if (c < 0x80) {
            switch (c) {
                case '"': at = put(at, "\\\""); break;
                case '\\': at = put(at, "\\\\"); break;
                case '\n': at = put(at, "\\n"); break;
                case '\r': at = put(at, "\\r"); break;
                case '\t': at = put(at, "\\t"); break;
                default: at = put_unicode_escape(at, c); break;  // <, >, &, other control characters
            }
            ++i;
            continue;
        }
        // Multi-byte UTF-8: validate, copy, escape U+2028/U+2029.
        size_t len = 0;
        uint32_t cp = 0;
        if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
        bool valid = len != 0 && i + len <= s.size();
        for (size_t k = 1; valid && k < len; ++k) {
            unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) valid = false;
            else cp = (cp << 6) | (cc & 0x3F);
        }
        if (valid) {
            // Reject overlong encodings, surrogates and out-of-range code points.
            if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
                cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                valid = false;
        }
        if (!valid) {
            at = put(at, "\\ufffd");
            ++i;
            continue;
        }
        if (cp == 0x2028) at = put(at, "\\u2028");
        else if (cp == 0x2029) at = put(at, "\\u2029");
        else at = put(at, s.substr(i, len));
        i += len;
    }
    *at++ = '"';
    return at;
}

// `,"key":` and the escaped value; `key_text` is the literal with its quotes and colon.
char* put_field(char* at, std::string_view key_text, std::string_view value) {
    return put_escaped(put(at, key_text), value);
}

char* put_int(char* at, int64_t v) {
    return std::to_chars(at, at + 20, v).ptr;  // 20 characters hold any int64
}

// Writes `value` as exactly `width` decimal digits at `at`.
void put_digits(char* at, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        at[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

// "00" to "99": the nanoseconds of every timestamp are written two digits a step, as each
// step is a multiply and a shift.
constexpr auto kDigitPairs = [] {
    std::array<char, 200> pairs{};
    for (int i = 0; i < 100; ++i) {
        pairs[2 * i] = static_cast<char>('0' + i / 10);
        pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
    }
    return pairs;
}();

// Writes `value` (< 10^9) as exactly nine decimal digits at `at`.
void put_nine_digits(char* at, uint32_t value) {
    at[0] = static_cast<char>('0' + value / 100'000'000);
    value %= 100'000'000;
    for (int i = 7; i > 0; i -= 2) {
        std::memcpy(at + i, &kDigitPairs[2 * (value % 100)], 2);
        value /= 100;
    }
}

// YYYY-MM-DDTHH:MM:SS without gmtime/strftime (the encoder's hot path). int64 nanoseconds
// span 1677-2262, so the year always has four digits. The events of a batch mostly share
// their second: the last one is remembered per thread.
constexpr size_t kSecondsLength = 19;
void format_seconds(int64_t secs, char* buf) {
    thread_local int64_t last_secs = std::numeric_limits<int64_t>::min();
    thread_local char last_text[kSecondsLength];
    if (secs == last_secs) {
        std::memcpy(buf, last_text, kSecondsLength);
        return;
    }
    using namespace std::chrono;
    const sys_seconds time{seconds{secs}};
    const auto day = floor<days>(time);
    const year_month_day date{day};
    const hh_mm_ss clock{time - day};
    put_digits(buf, static_cast<unsigned>(static_cast<int>(date.year())), 4);
    buf[4] = '-';
    put_digits(buf + 5, static_cast<unsigned>(date.month()), 2);
    buf[7] = '-';
    put_digits(buf + 8, static_cast<unsigned>(date.day()), 2);
    buf[10] = 'T';
    put_digits(buf + 11, static_cast<unsigned>(clock.hours().count()), 2);
    buf[13] = ':';
    put_digits(buf + 14, static_cast<unsigned>(clock.minutes().count()), 2);
    buf[16] = ':';
    put_digits(buf + 17, static_cast<unsigned>(clock.seconds().count()), 2);
    std::memcpy(last_text, buf, kSecondsLength);
    last_secs = secs;
}

// RFC 3339 as format_timestamp() writes it, at most kTimestampBound characters at `at`.
constexpr size_t kTimestampBound = 19 + 10 + 1;  // seconds, '.' and nine digits, 'Z'
char* put_timestamp(char* at, int64_t unix_nano) {
    int64_t secs = unix_nano / 1'000'000'000;
    int64_t nanos = unix_nano % 1'000'000'000;
    if (nanos < 0) {
        nanos += 1'000'000'000;
        secs -= 1;
    }
    char* text = at;
    format_seconds(secs, text);
    size_t len = kSecondsLength;
    if (nanos != 0) {
        text[len] = '.';
        put_nine_digits(text + len + 1, static_cast<uint32_t>(nanos));
        len += 10;
        while (text[len - 1] == '0') --len;
    }
    text[len++] = 'Z';
    return text + len;
}

}  // namespace

std::string format_timestamp(int64_t unix_nano) {
    char text[kTimestampBound];
    return std::string(text, put_timestamp(text, unix_nano));
}

void append_timestamp(std::string& out, int64_t unix_nano) {
    char text[kTimestampBound];  // not a resize of `out`: it zero-fills what is cut again
    out.append(text, put_timestamp(text, unix_nano));
}

bool parse_timestamp(std::string_view s, int64_t& unix_nano) {
    // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)
    auto digits = [&](size_t pos, size_t count, int& value) {
        if (pos + count > s.size()) return false;
        value = 0;
        for (size_t k = 0; k < count; ++k) {
            char c = s[pos + k];
            if (c < '0' || c > '9') return false;
            value = value * 10 + (c - '0');
        }
        return true;
    };
    int year, mon, day, hour, min, sec;
    if (!digits(0, 4, year) || s.size() < 20 || s[4] != '-' || !digits(5, 2, mon) || s[7] != '-' ||
        !digits(8, 2, day) || (s[10] != 'T' && s[10] != 't') || !digits(11, 2, hour) || s[13] != ':' ||
        !digits(14, 2, min) || s[16] != ':' || !digits(17, 2, sec))
        return false;
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) return false;
    size_t pos = 19;
    int64_t nanos = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int count = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (count < 9) nanos = nanos * 10 + (s[pos] - '0');
            ++count;
            ++pos;
        }
        if (count == 0) return false;
        for (int k = count; k < 9; ++k) nanos *= 10;
    }
    int64_t offset = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int oh, om;
        if (!digits(pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(pos + 4, 2, om))
            return false;
        offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return false;
    }
    if (pos != s.size()) return false;
    // Days from civil (Howard Hinnant's algorithm).
    int y = year - (mon <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = static_cast<unsigned>(y - era * 400);
    unsigned doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
    int64_t secs = days * 86400 + hour * 3600 + min * 60 + sec - offset;
    // int64 nanoseconds reach only 1677-09-21 .. 2262-04-11: anything outside is malformed
    // for us, not an overflow.
    int64_t nanos_total = 0;
    if (__builtin_mul_overflow(secs, int64_t{1'000'000'000}, &nanos_total) ||
        __builtin_add_overflow(nanos_total, static_cast<int64_t>(nanos), &nanos_total))
        return false;
    unix_nano = nanos_total;
    return true;
}

// The origin's fields as JSON, `,"machine_id":...` to `,"os_version":"..."`: the same for every
// event of a process, so written once per thread and origin (perf: escaping was 37 % of a
// file-plugin batch, the origin ~45 % of the bytes escaped). The cache holds the origin it
// was written for, so its address cannot be reused for another one while it is cached.
std::string written_origin_fields(const Origin& o) {
    std::string json(128 + quoted_bound(o.machine_id) + quoted_bound(o.tool_name) + quoted_bound(o.version) +
                         quoted_bound(o.os) + quoted_bound(o.arch) + quoted_bound(o.runtime_version) +
                         quoted_bound(o.os_version),
                     '\0');
    char* at = json.data();
    at = put_field(at, ",\"machine_id\":", o.machine_id);
    at = put_field(at, ",\"tool_name\":", o.tool_name);
    at = put_field(at, ",\"version\":", o.version);
    at = put_field(at, ",\"os\":", o.os);
    at = put_field(at, ",\"arch\":", o.arch);
    at = put_field(at, ",\"go_version\":", o.runtime_version);
    at = put_field(at, ",\"os_version\":", o.os_version);
    json.resize(static_cast<size_t>(at - json.data()));
    return json;
}

const std::string& origin_fields_json(const std::shared_ptr<const Origin>& origin) {
    if (!origin) {
        static const std::string kNoOrigin = written_origin_fields(Origin{});
        return kNoOrigin;
    }
    struct Cached {
        std::shared_ptr<const Origin> origin;
        std::string json;
    };
    thread_local Cached cached;
    if (cached.origin != origin) {
        cached.json = written_origin_fields(*origin);
        cached.origin = origin;
    }
    return cached.json;
}

void append_json(std::string& out, const Event& e) {
    const std::string& origin_json = origin_fields_json(e.origin);
    // Keys, punctuation, the timestamp and two integers fit in kFixedBound; each string adds
    // its quoted_bound and its separator.
    constexpr size_t kFixedBound = 512;
    size_t bound = kFixedBound + origin_json.size() + quoted_bound(e.type.view()) + quoted_bound(e.name) +
                   quoted_bound(e.error()) + quoted_bound(e.event_id.view());
    const std::vector<std::string>& args = e.args();
    for (const auto& arg : args) bound += quoted_bound(arg) + 1;
    if (e.metadata)
        for (const auto& [k, v] : *e.metadata) bound += quoted_bound(k) + quoted_bound(v) + 2;
    const size_t start = out.size();
    out.resize(start + bound);
    char* at = out.data() + start;

    at = put(at, "{\"timestamp\":\"");  // digits, '-', ':', 'T', '.', 'Z': nothing to escape
    at = put_timestamp(at, e.timestamp_unix_nano);
    *at++ = '"';
    at = put_field(at, ",\"type\":", e.type.view());
    at = put_field(at, ",\"name\":", e.name);
    at = put(at, origin_json);
    if (e.duration_ms != 0) at = put_int(put(at, ",\"duration_ms\":"), e.duration_ms);
    if (e.exit_code != 0) at = put_int(put(at, ",\"exit_code\":"), e.exit_code);
    if (!args.empty()) {
        at = put(at, ",\"args\":[");
        for (size_t i = 0; i < args.size(); ++i) {
            if (i) *at++ = ',';
            at = put_escaped(at, args[i]);
        }
        *at++ = ']';
    }
    if (!e.error().empty()) at = put_field(at, ",\"error\":", e.error());
    if (e.metadata && !e.metadata->empty()) {
        at = put(at, ",\"metadata\":{");
        bool first = true;
        for (const auto& [k, v] : *e.metadata) {
            if (!first) *at++ = ',';
            first = false;
            at = put_escaped(at, k);
            *at++ = ':';
            at = put_escaped(at, v);
        }
        *at++ = '}';
    }
    at = put_field(at, ",\"event_id\":", e.event_id.view());
    *at++ = '}';
    out.resize(static_cast<size_t>(at - out.data()));
}

std::string to_json(const Event& event) {
    std::string out;
    out.reserve(384);
    append_json(out, event);
    return out;
}

}  // namespace overt
