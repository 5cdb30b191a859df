// SPDX-License-Identifier: MIT
// Event serialization in the seed's byte format (Go encoding/json conventions).
#include <overt/event.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>

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

void append_escaped(std::string& out, std::string_view s) {
    out.push_back('"');
    size_t i = 0;
    while (i < s.size()) {
        // Runs of plain bytes (nearly all text) go in one append.
        size_t run_end = i;
        while (run_end < s.size() && is_plain(static_cast<unsigned char>(s[run_end]))) ++run_end;
        if (run_end != i) {
            out.append(s.data() + i, run_end - i);
            i = run_end;
            if (i == s.size()) break;
        }
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                case '<': case '>': case '&':
                    out += "\\u00";
                    out.push_back(kHex[c >> 4]);
                    out.push_back(kHex[c & 0xF]);
                    break;
                default:
                    if (c < 0x20) {
                        out += "\\u00";
                        out.push_back(kHex[c >> 4]);
                        out.push_back(kHex[c & 0xF]);
                    } else {
                        out.push_back(static_cast<char>(c));
                    }
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
            out += "\\ufffd";
            ++i;
            continue;
        }
        if (cp == 0x2028) out += "\\u2028";
        else if (cp == 0x2029) out += "\\u2029";
        else out.append(s.data() + i, len);
        i += len;
    }
    out.push_back('"');
}

void append_key(std::string& out, std::string_view key) {
    out.push_back('"');
    out += key;
    out += "\":";
}

void append_field(std::string& out, std::string_view key, std::string_view value) {
    append_key(out, key);
    append_escaped(out, value);
    out.push_back(',');
}

void append_int(std::string& out, int64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, static_cast<size_t>(end - buf));
}

// Writes `value` as exactly `width` decimal digits at `at`.
void put_digits(char* at, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        at[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

// YYYY-MM-DDTHH:MM:SS without gmtime/strftime (the encoder's hot path). int64 nanoseconds
// span 1677-2262, so the year always has four digits.
void format_seconds(int64_t secs, std::string& out) {
    using namespace std::chrono;
    const sys_seconds time{seconds{secs}};
    const auto day = floor<days>(time);
    const year_month_day date{day};
    const hh_mm_ss clock{time - day};
    char buf[19];
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
    out.assign(buf, sizeof buf);
}

}  // namespace

std::string format_timestamp(int64_t unix_nano) {
    int64_t secs = unix_nano / 1'000'000'000;
    int64_t nanos = unix_nano % 1'000'000'000;
    if (nanos < 0) {
        nanos += 1'000'000'000;
        secs -= 1;
    }
    std::string out;
    format_seconds(secs, out);
    if (nanos != 0) {
        char frac[10];
        frac[0] = '.';
        put_digits(frac + 1, static_cast<unsigned>(nanos), 9);
        size_t len = sizeof frac;
        while (len > 1 && frac[len - 1] == '0') --len;
        out.append(frac, len);
    }
    out.push_back('Z');
    return out;
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

void append_json(std::string& out, const Event& e) {
    static const Origin kEmptyOrigin;
    const Origin& o = e.origin ? *e.origin : kEmptyOrigin;
    out.push_back('{');
    append_key(out, "timestamp");
    append_escaped(out, format_timestamp(e.timestamp_unix_nano));
    out.push_back(',');
    append_field(out, "type", e.type);
    append_field(out, "name", e.name);
    append_field(out, "machine_id", o.machine_id);
    append_field(out, "tool_name", o.tool_name);
    append_field(out, "version", o.version);
    append_field(out, "os", o.os);
    append_field(out, "arch", o.arch);
    append_field(out, "go_version", o.runtime_version);
    append_field(out, "os_version", o.os_version);
    if (e.duration_ms != 0) {
        append_key(out, "duration_ms");
        append_int(out, e.duration_ms);
        out.push_back(',');
    }
    if (e.exit_code != 0) {
        append_key(out, "exit_code");
        append_int(out, e.exit_code);
        out.push_back(',');
    }
    if (!e.args.empty()) {
        append_key(out, "args");
        out.push_back('[');
        for (size_t i = 0; i < e.args.size(); ++i) {
            if (i) out.push_back(',');
            append_escaped(out, e.args[i]);
        }
        out += "],";
    }
    if (!e.error.empty()) append_field(out, "error", e.error);
    if (e.metadata && !e.metadata->empty()) {
        append_key(out, "metadata");
        out.push_back('{');
        bool first = true;
        for (const auto& [k, v] : *e.metadata) {
            if (!first) out.push_back(',');
            first = false;
            append_escaped(out, k);
            out.push_back(':');
            append_escaped(out, v);
        }
        out += "},";
    }
    append_key(out, "event_id");
    append_escaped(out, e.event_id);
    out.push_back('}');
}

std::string to_json(const Event& event) {
    std::string out;
    out.reserve(384);
    append_json(out, event);
    return out;
}

}  // namespace overt
