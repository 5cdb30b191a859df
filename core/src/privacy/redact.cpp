// Redaction with hand-written scanners instead of std::regex: each pass first checks for a
// cheap trigger (a character or literal it needs), so ordinary text costs one or two scans.
// The seed's passes (spec Appendix A) keep the seed's exact output; overt's passes follow.
#include <overt/redact.hpp>

#include "privacy/redact_identity.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace overt {
namespace {

bool is_word(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

size_t ifind(std::string_view text, std::string_view needle, size_t from) {
    for (size_t i = from; i + needle.size() <= text.size(); ++i)
        if (iequals(text.substr(i, needle.size()), needle)) return i;
    return std::string_view::npos;
}

// Our own replacement markers: never redacted again (keeps redact() idempotent even for a user
// called "user" or "ip").
constexpr std::array<std::string_view, 5> kMarkers = {"<redacted-token>", "<redacted>", "<user>", "<email>", "<ip>"};

size_t marker_at(std::string_view text, size_t at) {
    if (text[at] != '<') return 0;
    for (auto marker : kMarkers)
        if (text.substr(at, marker.size()) == marker) return marker.size();
    return 0;
}

// Pass 1: (https?://)[^/\s:@]+:[^/\s@]+@  ->  scheme + "<redacted>@"
std::string url_credentials(std::string_view text) {
    std::string out;
    size_t copied = 0;
    for (size_t at = text.find("://"); at != std::string_view::npos; at = text.find("://", at + 3)) {
        size_t scheme_start;
        if (at >= 5 && text.substr(at - 5, 5) == "https") scheme_start = at - 5;
        else if (at >= 4 && text.substr(at - 4, 4) == "http") scheme_start = at - 4;
        else continue;
        if (scheme_start < copied) continue;
        size_t i = at + 3;
        size_t user_end = i;
        while (user_end < text.size() && !is_space(text[user_end]) && !std::strchr("/:@", text[user_end])) ++user_end;
        if (user_end == i || user_end >= text.size() || text[user_end] != ':') continue;
        size_t pass_end = user_end + 1;
        while (pass_end < text.size() && !is_space(text[pass_end]) && !std::strchr("/@", text[pass_end])) ++pass_end;
        if (pass_end == user_end + 1 || pass_end >= text.size() || text[pass_end] != '@') continue;
        out.append(text.substr(copied, i - copied)).append("<redacted>@");
        copied = pass_end + 1;
        at = pass_end - 2;
    }
    if (copied == 0) return std::string(text);
    out.append(text.substr(copied));
    return out;
}

// Pass 2: (?i)\b(apikey|api_key|key|access_token|refresh_token|token|secret|password|auth|
// authorization|signature)=([^&\s]+)  ->  name=***
// The alternatives are all word characters, so the name is the whole word run before '='.
std::string key_value_secrets(std::string_view text) {
    static constexpr std::array<std::string_view, 11> kNames = {
        "apikey", "api_key", "key", "access_token", "refresh_token", "token",
        "secret", "password", "auth", "authorization", "signature"};
    std::string out;
    size_t copied = 0;
    for (size_t eq = text.find('=', 0); eq != std::string_view::npos; eq = text.find('=', eq + 1)) {
        if (eq < copied) continue;
        size_t start = eq;
        while (start > copied && is_word(text[start - 1])) --start;
        if (start == copied && start > 0 && is_word(text[start - 1])) continue;  // run began inside a replaced value
        std::string_view name = text.substr(start, eq - start);
        if (std::none_of(kNames.begin(), kNames.end(), [&](std::string_view n) { return iequals(n, name); })) continue;
        size_t value_end = eq + 1;
        while (value_end < text.size() && text[value_end] != '&' && !is_space(text[value_end])) ++value_end;
        if (value_end == eq + 1) continue;
        out.append(text.substr(copied, eq + 1 - copied)).append("***");
        copied = value_end;
        eq = value_end - 1;
    }
    if (copied == 0) return std::string(text);
    out.append(text.substr(copied));
    return out;
}

// Pass 3: (?i)(authorization:\s*)(bearer|basic|digest|apikey)\s+([A-Za-z0-9._~\-+/=]+)
//   -> prefix + scheme + " ***"
std::string authorization_headers(std::string_view text) {
    static constexpr std::array<std::string_view, 4> kSchemes = {"bearer", "basic", "digest", "apikey"};
    auto is_credential = [](char c) { return is_alnum(c) || std::strchr("._~-+/=", c) != nullptr; };
    std::string out;
    size_t copied = 0;
    for (size_t at = ifind(text, "authorization:", 0); at != std::string_view::npos;
         at = ifind(text, "authorization:", at + 1)) {
        size_t i = at + 14;
        while (i < text.size() && is_space(text[i])) ++i;
        size_t scheme_end = 0;
        for (auto scheme : kSchemes)
            if (iequals(text.substr(i, scheme.size()), scheme)) {
                scheme_end = i + scheme.size();
                break;
            }
        if (scheme_end == 0) continue;
        size_t value = scheme_end;
        while (value < text.size() && is_space(text[value])) ++value;
        if (value == scheme_end) continue;
        size_t value_end = value;
        while (value_end < text.size() && is_credential(text[value_end])) ++value_end;
        if (value_end == value) continue;
        out.append(text.substr(copied, scheme_end - copied)).append(" ***");
        copied = value_end;
        at = value_end - 1;
    }
    if (copied == 0) return std::string(text);
    out.append(text.substr(copied));
    return out;
}

// Pass 4: provider token prefixes. The seed kept up to the last '_' (or first '-'); we keep
// the provider's prefix only, which is the same for the common shapes (sk-***, ghp_***) and
// never leaks part of a token that itself contains '_' or '-'.
struct ProviderToken {
    std::string_view prefix;
    size_t min_length;
    size_t max_length;  // 0 = unbounded
    bool (*allowed)(char);
};

bool token_dash(char c) { return is_alnum(c) || c == '_' || c == '-'; }
bool token_alnum(char c) { return is_alnum(c); }
bool token_underscore(char c) { return is_alnum(c) || c == '_'; }
bool token_slack(char c) { return is_alnum(c) || c == '-'; }
bool token_aws(char c) { return (c >= 'A' && c <= 'Z') || is_digit(c); }

std::string provider_tokens(std::string text) {
    static const std::array<ProviderToken, 12> kTokens = {{
        {"sk-", 16, 0, token_dash},         {"ghp_", 30, 0, token_alnum},       {"gho_", 30, 0, token_alnum},
        {"ghs_", 30, 0, token_alnum},       {"github_pat_", 30, 0, token_underscore},
        {"xoxb-", 10, 0, token_slack},      {"xoxa-", 10, 0, token_slack},      {"xoxp-", 10, 0, token_slack},
        {"xoxr-", 10, 0, token_slack},      {"xoxs-", 10, 0, token_slack},      {"AIza", 30, 0, token_dash},
        {"AKIA", 16, 16, token_aws},
    }};
    for (const auto& token : kTokens) {
        for (size_t at = text.find(token.prefix); at != std::string::npos; at = text.find(token.prefix, at + 1)) {
            size_t begin = at + token.prefix.size();
            size_t end = begin;
            while (end < text.size() && token.allowed(text[end]) && (token.max_length == 0 || end - begin < token.max_length)) ++end;
            if (end - begin < token.min_length) continue;
            text.replace(begin, end - begin, "***");
        }
    }
    return text;
}

// Pass 5: \b[A-Za-z0-9_\-]{41,}\b  ->  <redacted-token>, emulated run by run.
std::string long_tokens(std::string_view text) {
    auto in_class = [](char c) { return is_word(c) || c == '-'; };
    auto boundary = [&](size_t at) {
        bool before = at > 0 && is_word(text[at - 1]);
        bool after = at < text.size() && is_word(text[at]);
        return before != after;
    };
    std::string out;
    size_t copied = 0;
    size_t i = 0;
    while (i < text.size()) {
        if (!in_class(text[i])) {
            ++i;
            continue;
        }
        size_t run_end = i;
        while (run_end < text.size() && in_class(text[run_end])) ++run_end;
        if (run_end - i >= 41) {
            for (size_t start = i; start + 41 <= run_end; ++start) {
                if (!boundary(start)) continue;
                size_t end = run_end;
                while (end >= start + 41 && !boundary(end)) --end;
                if (end < start + 41) continue;
                out.append(text.substr(copied, start - copied)).append("<redacted-token>");
                copied = end;
                start = end - 1;
            }
        }
        i = run_end;
    }
    if (copied == 0) return std::string(text);
    out.append(text.substr(copied));
    return out;
}

// Replaces each occurrence of `needle` accepted by `fits(text, begin, end)` with `marker`,
// skipping our own markers.
template <typename Fits>
std::string replace_literal(std::string_view text, std::string_view needle, std::string_view marker, Fits fits) {
    std::string out;
    size_t copied = 0;
    for (size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) {
        if (at < copied) continue;
        bool inside_marker = false;
        for (size_t back = at; back-- > 0 && at - back < 17;) {
            if (size_t size = marker_at(text, back); size && back + size > at) inside_marker = true;
            if (text[back] == '<') break;
        }
        if (inside_marker || !fits(text, at, at + needle.size())) continue;
        out.append(text.substr(copied, at - copied)).append(marker);
        copied = at + needle.size();
    }
    if (copied == 0) return std::string(text);
    out.append(text.substr(copied));
    return out;
}

bool is_path_char(char c) { return is_word(c) || c == '.' || c == '-'; }

std::string home_paths(std::string_view text, const std::string& home) {
    return replace_literal(text, home, "~", [](std::string_view t, size_t begin, size_t end) {
        bool starts = begin == 0 || !is_path_char(t[begin - 1]);
        bool ends = end == t.size() || !is_path_char(t[end]);
        return starts && ends;
    });
}

// Any other account's home (/home/<name>, /Users/<name>) names a person too: the name segment
// becomes <user>. Runs after the current user's home became "~".
std::string other_home_paths(std::string_view text, std::string_view prefix) {
    std::string out;
    size_t copied = 0;
    for (size_t at = text.find(prefix); at != std::string_view::npos; at = text.find(prefix, at + 1)) {
        if (at < copied || (at > 0 && is_path_char(text[at - 1]))) continue;
        const size_t begin = at + prefix.size();
        size_t end = begin;
        while (end < text.size() && is_path_char(text[end])) ++end;
        if (end == begin) continue;
        out.append(text.substr(copied, begin - copied)).append("<user>");
        copied = end;
    }
    if (copied == 0) return std::string(text);
    out.append(text.substr(copied));
    return out;
}

std::string user_names(std::string_view text, const std::string& user) {
    return replace_literal(text, user, "<user>", [](std::string_view t, size_t begin, size_t end) {
        return (begin == 0 || !is_word(t[begin - 1])) && (end == t.size() || !is_word(t[end]));
    });
}

// local@domain.tld: local [A-Za-z0-9._%+-]+, domain labels [A-Za-z0-9-]+ joined by '.', with a
// final label of 2+ letters.
std::string email_addresses(std::string_view text) {
    auto is_local = [](char c) { return is_alnum(c) || std::strchr("._%+-", c) != nullptr; };
    std::string out;
    size_t copied = 0;
    for (size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
        size_t begin = at;
        while (begin > copied && is_local(text[begin - 1])) --begin;
        while (begin < at && text[begin] == '.') ++begin;
        if (begin == at) continue;
        size_t end = at + 1;
        size_t last_dot = 0;
        while (end < text.size() && (is_alnum(text[end]) || text[end] == '-' || text[end] == '.')) {
            if (text[end] == '.') {
                if (text[end - 1] == '.' || text[end - 1] == '@') break;
                last_dot = end;
            }
            ++end;
        }
        while (end > at + 1 && text[end - 1] == '.') --end;
        if (last_dot == 0 || last_dot + 1 >= end) continue;
        std::string_view tld = text.substr(last_dot + 1, end - last_dot - 1);
        if (tld.size() < 2 || !std::all_of(tld.begin(), tld.end(), is_alpha)) continue;
        out.append(text.substr(copied, begin - copied)).append("<email>");
        copied = end;
        at = end - 1;
    }
    if (copied == 0) return std::string(text);
    out.append(text.substr(copied));
    return out;
}

// IPv6: a run of hex digits, ':' and '.' with at least two ':' that inet_pton accepts, not glued
// to a word (so "std::string" or a MAC address survive).
std::string ipv6_addresses(std::string_view text) {
    auto in_run = [](char c) { return is_hex(c) || c == ':' || c == '.'; };
    std::string out;
    size_t copied = 0;
    size_t i = 0;
    while (i < text.size()) {
        if (!in_run(text[i])) {
            ++i;
            continue;
        }
        size_t end = i;
        while (end < text.size() && in_run(text[end])) ++end;
        size_t run_end = end;
        bool glued = (i > 0 && (is_alnum(text[i - 1]) || text[i - 1] == '_')) ||
                     (end < text.size() && (is_alnum(text[end]) || text[end] == '_'));
        if (!glued && std::count(text.begin() + i, text.begin() + end, ':') >= 2) {
            while (end > i && text[end - 1] == '.') --end;
            for (int attempt = 0; attempt < 2 && end > i; ++attempt) {
                std::string candidate(text.substr(i, end - i));
                in6_addr address{};
                if (candidate.size() <= 45 && inet_pton(AF_INET6, candidate.c_str(), &address) == 1) {
                    out.append(text.substr(copied, i - copied)).append("<ip>");
                    copied = end;
                    break;
                }
                if (text[end - 1] != ':') break;
                --end;  // "fe80::1:" at the end of a phrase
            }
        }
        i = run_end;
    }
    if (copied == 0) return std::string(text);
    out.append(text.substr(copied));
    return out;
}

// IPv4: four dot-separated decimal octets (each 0-255, at most 3 digits), not part of a longer
// dotted number and not prefixed by a letter (so v1.2.3.4 and 1.2.3.4.5 survive; a bare
// 1.2.3.4 is taken for an address: privacy wins over version strings).
std::string ipv4_addresses(std::string_view text) {
    std::string out;
    size_t copied = 0;
    size_t i = 0;
    while (i < text.size()) {
        if (!is_digit(text[i]) || (i > 0 && (is_alnum(text[i - 1]) || text[i - 1] == '.' || text[i - 1] == '_'))) {
            ++i;
            continue;
        }
        size_t at = i;
        bool ok = true;
        for (int octet = 0; octet < 4 && ok; ++octet) {
            if (octet > 0) {
                if (at >= text.size() || text[at] != '.') ok = false;
                else ++at;
            }
            size_t digits = 0;
            int value = 0;
            while (ok && at < text.size() && is_digit(text[at]) && digits < 4) value = value * 10 + (text[at++] - '0'), ++digits;
            if (digits == 0 || digits > 3 || value > 255) ok = false;
        }
        if (ok && at < text.size() && (is_alnum(text[at]) || text[at] == '_')) ok = false;
        if (ok && at + 1 < text.size() && text[at] == '.' && is_digit(text[at + 1])) ok = false;
        if (!ok) {
            while (i < text.size() && (is_digit(text[i]) || text[i] == '.')) ++i;
            continue;
        }
        out.append(text.substr(copied, i - copied)).append("<ip>");
        copied = at;
        i = at;
    }
    if (copied == 0) return std::string(text);
    out.append(text.substr(copied));
    return out;
}

}  // namespace

std::string redact(std::string_view text) {
    if (text.empty()) return {};
    // One scan for the triggers every pass needs.
    bool has_at = false, has_equals = false, has_colon = false, has_dot = false, has_digit = false;
    size_t longest_run = 0, run = 0;
    for (char c : text) {
        has_at |= c == '@';
        has_equals |= c == '=';
        has_colon |= c == ':';
        has_dot |= c == '.';
        has_digit |= is_digit(c);
        run = (is_word(c) || c == '-') ? run + 1 : 0;
        longest_run = std::max(longest_run, run);
    }
    std::string out(text);
    if (has_at && has_colon) out = url_credentials(out);
    if (has_equals) out = key_value_secrets(out);
    if (has_colon) out = authorization_headers(out);
    if (longest_run >= 14) out = provider_tokens(std::move(out));
    if (longest_run >= 41) out = long_tokens(out);
    const auto& identity = privacy::current_identity();
    for (const auto& home : identity.home_dirs)
        if (out.find(home) != std::string::npos) out = home_paths(out, home);
    for (std::string_view prefix : {std::string_view("/home/"), std::string_view("/Users/")})
        if (out.find(prefix) != std::string::npos) out = other_home_paths(out, prefix);
    for (const auto& user : identity.user_names)
        if (out.find(user) != std::string::npos) out = user_names(out, user);
    if (has_at) out = email_addresses(out);
    if (has_colon) out = ipv6_addresses(out);
    if (has_dot && has_digit) out = ipv4_addresses(out);
    return out;
}

bool looks_sensitive_header(std::string_view name) {
    static constexpr std::array<std::string_view, 10> kNames = {
        "Authorization", "Proxy-Authorization", "Cookie",       "Set-Cookie",      "X-API-Key",
        "X-API-Token",   "X-Auth-Token",        "X-Access-Token", "X-CSRF-Token", "X-Session-Token"};
    for (auto known : kNames)
        if (iequals(known, name)) return true;
    if (ifind(name, "authorization", 0) != std::string_view::npos) return true;
    // (?i)\b(auth|token|key|secret|bearer|password|credential)\b
    static constexpr std::array<std::string_view, 7> kWords = {"auth", "token", "key", "secret", "bearer", "password", "credential"};
    for (auto word : kWords)
        for (size_t at = ifind(name, word, 0); at != std::string_view::npos; at = ifind(name, word, at + 1)) {
            size_t end = at + word.size();
            if ((at == 0 || !is_word(name[at - 1])) && (end == name.size() || !is_word(name[end]))) return true;
        }
    return false;
}

}  // namespace overt
