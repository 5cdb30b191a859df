// SPDX-License-Identifier: MIT
// Redaction as a table of rules applied in one left-to-right pass.
//
// Each rule is a hand-written matcher tried only where it can start (a 256-entry table of first
// characters, then the rule's own left boundary). A matcher that fails scans at most the run of
// characters it starts (and a rule starts once per run) or a bounded window, and a matcher that
// succeeds consumes what it scanned, so the whole pass is linear in the input. The output is
// built by appending kept text and markers, never by replacing in place.
#include <overt/redact.hpp>

#include "privacy/redact_identity.hpp"

#include "platform/system.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>

namespace overt {
namespace {

// Character classes by table lookup: the scanners test several per byte.
enum CharClass : uint16_t {
    kWord = 1 << 0,        // [A-Za-z0-9_]
    kName = 1 << 1,        // word, '-', '.'
    kEmailLocal = 1 << 2,  // alnum, UTF-8, "._%+-"
    kCredential = 1 << 3,  // alnum, "._~-+/="
    kValueStop = 1 << 4,   // whitespace, '&', quotes, brackets: the end of an unquoted value
    kScheme = 1 << 5,      // alnum, "+.-"
    kAuthorityStop = 1 << 6,
};

constexpr std::array<uint16_t, 256> kClasses = [] {
    std::array<uint16_t, 256> classes{};
    for (int c = 0; c < 256; ++c) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
        auto in = [c](std::string_view set) { return set.find(static_cast<char>(c)) != std::string_view::npos; };
        uint16_t bits = 0;
        if (alnum || c == '_') bits |= kWord;
        if (alnum || in("_-.")) bits |= kName;
        if (alnum || c >= 0x80 || in("._%+-")) bits |= kEmailLocal;
        if (alnum || in("._~-+/=")) bits |= kCredential;
        if (space || in("&\"'<>)]}")) bits |= kValueStop;
        if (alnum || in("+.-")) bits |= kScheme;
        if (space || in("/?#\"'<>")) bits |= kAuthorityStop;
        classes[static_cast<size_t>(c)] = bits;
    }
    return classes;
}();

bool has_class(char c, uint16_t bits) { return (kClasses[static_cast<unsigned char>(c)] & bits) != 0; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower_letter(char c) { return c >= 'a' && c <= 'z'; }
bool is_alpha(char c) { return is_upper(c) || is_lower_letter(c); }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_word(char c) { return has_class(c, kWord); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_non_ascii(char c) { return static_cast<unsigned char>(c) >= 0x80; }
bool is_token_char(char c) { return is_word(c) || c == '-'; }
bool is_path_char(char c) { return is_word(c) || c == '.' || c == '-'; }
char lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

bool istarts_with(std::string_view text, size_t at, std::string_view prefix) {
    return at + prefix.size() <= text.size() && iequals(text.substr(at, prefix.size()), prefix);
}

bool starts_with(std::string_view text, size_t at, std::string_view prefix) {
    return at < text.size() && text[at] == prefix.front() && text.substr(at, prefix.size()) == prefix;
}

template <typename Pred>
size_t run_end(std::string_view text, size_t from, Pred pred) {
    while (from < text.size() && pred(text[from])) ++from;
    return from;
}

// Our own markers pass through untouched (keeps redact() idempotent, even for a user called
// "user" or "ip").
constexpr std::array<std::string_view, 7> kMarkers = {"<redacted-private-key>", "<redacted-token>", "<redacted>",
                                                      "<user>", "<email>", "<card>", "<ip>"};
constexpr std::string_view kValueMarker = "***";

bool starts_with_marker(std::string_view text, size_t at) {
    return at < text.size() && text[at] == '<' &&
           std::any_of(kMarkers.begin(), kMarkers.end(), [&](std::string_view marker) {
               return text.substr(at, marker.size()) == marker;
           });
}

// A match: text[at, replace_begin) is kept, text[replace_begin, replace_end) becomes marker,
// and the scan resumes at replace_end.
struct Hit {
    size_t replace_begin;
    size_t replace_end;
    std::string_view marker;
};

using Matcher = std::optional<Hit> (*)(std::string_view text, size_t at, const privacy::Identity& identity);

struct Rule {
    std::string_view name;
    std::string_view marker;  // as documented; a few rules keep a prefix in front of it
    bool (*can_start)(char);
    bool (*continues)(char);  // a character after which the rule cannot start (its left boundary)
    Matcher match;
    bool (*present)(std::string_view) = nullptr;  // a cheap whole-text test: false = skip the rule
};

// ---------------------------------------------------------------------------------------------
// Secret-looking names: split into words at '_', '-', '.' and lower-to-upper case changes.

struct NameWords {
    std::array<std::string_view, 8> words;  // views into the name; only the last 8 words count
    size_t count = 0;
    std::string_view last(size_t back = 0) const {
        return back < count ? words[(count - 1 - back) % words.size()] : std::string_view();
    }
};

NameWords split_name(std::string_view name) {
    NameWords out;
    size_t begin = 0;
    auto flush = [&](size_t end) {
        if (end > begin) out.words[out.count++ % out.words.size()] = name.substr(begin, end - begin);
        begin = end;
    };
    for (size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (c == '_' || c == '-' || c == '.') {
            flush(i);
            begin = i + 1;
        } else if (is_upper(c) && i > 0 && is_lower_letter(name[i - 1])) {
            flush(i);
        }
    }
    flush(name.size());
    return out;
}

// Case-insensitive: is `word` one of `list`?
bool in_list(std::string_view word, std::initializer_list<std::string_view> list) {
    return std::any_of(list.begin(), list.end(), [word](std::string_view item) { return iequals(word, item); });
}

bool icontains(std::string_view word, std::string_view needle) {
    for (size_t i = 0; i + needle.size() <= word.size(); ++i)
        if (iequals(word.substr(i, needle.size()), needle)) return true;
    return false;
}

bool iends_with(std::string_view word, std::string_view suffix) {
    return word.size() >= suffix.size() && iequals(word.substr(word.size() - suffix.size()), suffix);
}

// A name whose value is a secret: "secret"/"password"/"credential" anywhere, or a last word
// such as token, auth or "api key". Names of where a secret lives (..._FILE, ..._PATH) or of its
// kind (..._TYPE, ..._COUNT) are not secrets themselves. `weak_names_too`: the bare names "key",
// "sig", "auth" and "pass", which are secrets after '=' (query strings) but ordinary words before
// ':'.
bool is_secret_name(std::string_view name, bool weak_names_too) {
    if (name.empty() || name.size() > 96) return false;
    const NameWords words = split_name(name);
    if (words.count == 0) return false;
    const std::string_view last = words.last();
    if (in_list(last, {"file", "path", "dir", "name", "ref", "arn", "type", "count", "len", "length", "id", "url",
                       "env", "mode", "expiry", "expires", "ttl", "size", "hint", "policy"}))
        return false;
    // Strong words count inside a word too (PGPASSWORD, MYSECRET).
    for (size_t back = 0; back < std::min(words.count, words.words.size()); ++back)
        for (std::string_view strong : {"secret", "password", "passwd", "passphrase", "credential", "apikey",
                                        "privatekey"})
            if (icontains(words.last(back), strong)) return true;
    if (iequals(last, "pwd")) return words.count > 1;  // PWD alone is the working directory
    if (iends_with(last, "token") || in_list(last, {"authorization", "signature", "cookie", "pat"})) return true;
    if (words.count == 1 && in_list(last, {"key", "auth", "pass", "sig"})) return weak_names_too;
    if (in_list(last, {"auth", "pass"})) return true;
    if (iequals(last, "key"))
        return in_list(words.last(1), {"api", "access", "private", "secret", "signing", "encryption", "master",
                                       "client", "license", "account", "subscription", "auth", "app", "session"});
    return false;
}

bool is_auth_scheme(std::string_view word) {
    for (std::string_view scheme : {"bearer", "basic", "digest", "apikey", "token", "negotiate", "ntlm", "hoba"})
        if (iequals(word, scheme)) return true;
    return false;
}

bool is_credential_char(char c) { return has_class(c, kCredential); }

// ---------------------------------------------------------------------------------------------
// Rules, in table order.

std::optional<Hit> own_marker(std::string_view text, size_t at, const privacy::Identity&) {
    for (auto marker : kMarkers)
        if (starts_with(text, at, marker)) return Hit{at, at + marker.size(), marker};
    return std::nullopt;
}

// -----BEGIN [...] PRIVATE KEY[ BLOCK]----- ... -----END ...-----, or to the end of the text
// when the block was cut off.
std::optional<Hit> pem_private_key(std::string_view text, size_t at, const privacy::Identity&) {
    constexpr std::string_view kBegin = "-----BEGIN ";
    if (!starts_with(text, at, kBegin)) return std::nullopt;
    const size_t label = at + kBegin.size();
    const size_t label_end = text.find("-----", label);
    if (label_end == std::string_view::npos || label_end - label > 48) return std::nullopt;
    const std::string_view name = text.substr(label, label_end - label);
    if (name.find("PRIVATE KEY") == std::string_view::npos) return std::nullopt;
    const size_t end_line = text.find("-----END ", label_end + 5);
    if (end_line == std::string_view::npos) return Hit{at, text.size(), "<redacted-private-key>"};
    const size_t close = text.find("-----", end_line + 9);
    size_t end = close == std::string_view::npos || close - end_line > 64 ? text.size() : close + 5;
    return Hit{at, end, "<redacted-private-key>"};
}

bool is_scheme_char(char c) { return has_class(c, kScheme); }

// scheme://userinfo@host for any scheme: a userinfo with a password (up to the last '@' of the
// authority, so an unescaped '@' in the password does not leak its tail), or a long user name
// alone (a token used as the user, https://TOKEN@host).
std::optional<Hit> url_credentials(std::string_view text, size_t at, const privacy::Identity&) {
    if (!is_alpha(text[at]) || (at > 0 && is_scheme_char(text[at - 1]))) return std::nullopt;
    const size_t scheme_end = run_end(text, at, is_scheme_char);
    if (!starts_with(text, scheme_end, "://")) return std::nullopt;
    const size_t userinfo = scheme_end + 3;
    size_t authority_end = userinfo;
    size_t last_at = std::string_view::npos;
    while (authority_end < text.size() && !has_class(text[authority_end], kAuthorityStop)) {
        if (text[authority_end] == '@') last_at = authority_end;
        ++authority_end;
    }
    if (last_at == std::string_view::npos || last_at == userinfo) return std::nullopt;
    const std::string_view info = text.substr(userinfo, last_at - userinfo);
    const size_t colon = info.find(':');
    const bool has_password = colon != std::string_view::npos && colon + 1 < info.size();  // redis://:pw@
    if (!has_password && info.size() < 16) return std::nullopt;
    return Hit{userinfo, last_at + 1, "<redacted>@"};
}

bool is_name_char(char c) { return has_class(c, kName); }

// Where an unquoted value ends: whitespace, '&' (query strings), a quote or a closing bracket.
size_t unquoted_value_end(std::string_view text, size_t from) {
    return run_end(text, from, [](char c) { return !has_class(c, kValueStop); });
}

// Where a quoted value ends (at its closing quote, backslash escapes skipped), or the text's end
// when it is not closed.
size_t quoted_value_end(std::string_view text, size_t from, char quote) {
    for (size_t i = from; i < text.size(); ++i) {
        if (text[i] == '\\') ++i;
        else if (text[i] == quote) return i;
    }
    return text.size();
}

// A secret-looking name and its value:
//   NAME=value  NAME = "value"  --name=value  ?name=value&        (env, flags, query strings)
//   name: value  "name": "value"  'name': 'value'                 (YAML, JSON, headers)
//   --name value                                                 (a separated flag in one text)
//   Authorization: Scheme credential / Cookie: ... to the end of the line
// The value becomes "***"; the name, separator, quotes and an auth scheme word are kept.
std::optional<Hit> secret_assignment(std::string_view text, size_t at, const privacy::Identity&) {
    if (!is_name_char(text[at]) || (at > 0 && is_name_char(text[at - 1]))) return std::nullopt;
    const size_t name_end = run_end(text, at, is_name_char);
    size_t dashes = 0;
    while (at + dashes < name_end && text[at + dashes] == '-') ++dashes;
    const std::string_view name = text.substr(at + dashes, name_end - at - dashes);
    if (name.empty() || !is_alpha(name.front())) return std::nullopt;
    const char open_quote = at > 0 && (text[at - 1] == '"' || text[at - 1] == '\'') ? text[at - 1] : '\0';
    size_t i = name_end;
    if (open_quote && i + 1 < text.size() && text[i] == '\\' && text[i + 1] == open_quote) ++i;  // JSON in a string
    if (open_quote && i < text.size() && text[i] == open_quote) ++i;
    const size_t after_name = i;
    i = run_end(text, i, is_blank);
    if (i >= text.size()) return std::nullopt;
    const char separator = text[i];
    if (separator == '=' || separator == ':') {
        if (i + 1 < text.size() && text[i + 1] == separator) return std::nullopt;  // "==", "Token::x"
        if (!is_secret_name(name, separator == '=')) return std::nullopt;
        size_t value = run_end(text, i + 1, is_blank);
        if (value >= text.size() || starts_with_marker(text, value)) return std::nullopt;  // already redacted
        if (text[value] == '\\' && value + 1 < text.size() && (text[value + 1] == '"' || text[value + 1] == '\'')) {
            // \"value\" (JSON inside a JSON string): up to the next escaped quote.
            const size_t close = text.find(std::string{'\\', text[value + 1]}, value + 2);
            const size_t end = close == std::string_view::npos ? text.size() : close;
            if (end == value + 2) return std::nullopt;
            return Hit{value + 2, end, kValueMarker};
        }
        if (text[value] == '"' || text[value] == '\'') {
            const size_t close = quoted_value_end(text, value + 1, text[value]);
            if (close == value + 1) return std::nullopt;
            return Hit{value + 1, close, kValueMarker};
        }
        const NameWords words = split_name(name);
        const bool whole_line = separator == ':' && in_list(words.last(), {"authorization", "cookie"});
        // A header quoted on a command line (-H 'Authorization: ...') ends at its quote.
        const char header_quote = at > 0 && (text[at - 1] == '"' || text[at - 1] == '\'') ? text[at - 1] : '\n';
        auto line_end = [&](size_t from) {
            return run_end(text, from, [header_quote](char c) { return c != '\n' && c != '\r' && c != header_quote; });
        };
        if (separator == ':') {
            // "Authorization: Bearer T", "X-Auth: Basic T": the scheme word stays.
            const size_t word_end = run_end(text, value, is_alpha);
            if (word_end > value && is_auth_scheme(text.substr(value, word_end - value)) && word_end < text.size() &&
                is_blank(text[word_end])) {
                const size_t credential = run_end(text, word_end, is_blank);
                const size_t credential_end = run_end(text, credential, is_credential_char);
                if (credential_end == credential) return std::nullopt;
                return Hit{credential, whole_line ? line_end(credential_end) : credential_end, kValueMarker};
            }
            if (word_end > value && word_end == run_end(text, value, [](char c) { return !is_space(c); }) &&
                is_auth_scheme(text.substr(value, word_end - value)))
                return std::nullopt;  // "Authorization: Bearer" with nothing after it
        }
        size_t value_end = whole_line ? line_end(value) : unquoted_value_end(text, value);
        while (whole_line && value_end > value && is_blank(text[value_end - 1])) --value_end;
        if (value_end == value) return std::nullopt;
        if (text.substr(value, value_end - value) == kValueMarker) return std::nullopt;
        return Hit{value, value_end, kValueMarker};
    }
    // "--password hunter2" inside one text; the next word must not be another flag.
    if (dashes != 2 || open_quote || after_name == i || !is_blank(text[after_name])) return std::nullopt;
    if (text[i] == '-' || starts_with_marker(text, i) || !is_secret_name(name, true)) return std::nullopt;
    const size_t value_end = run_end(text, i, [](char c) { return !is_space(c); });
    if (text.substr(i, value_end - i) == kValueMarker) return std::nullopt;
    return Hit{i, value_end, kValueMarker};
}

// A bare "Bearer T" (outside an Authorization header): T must look like a credential (8+
// characters with a digit or a symbol), so "bearer of bad news" survives.
std::optional<Hit> bearer_token(std::string_view text, size_t at, const privacy::Identity&) {
    if (!istarts_with(text, at, "bearer") || (at > 0 && is_word(text[at - 1]))) return std::nullopt;
    const size_t spaces = at + 6;
    if (spaces >= text.size() || !is_blank(text[spaces])) return std::nullopt;
    const size_t credential = run_end(text, spaces, is_blank);
    const size_t end = run_end(text, credential, is_credential_char);
    if (end - credential < 8) return std::nullopt;
    const bool shaped = std::any_of(text.begin() + credential, text.begin() + end,
                                    [](char c) { return is_digit(c) || !is_alpha(c); });
    if (!shaped) return std::nullopt;
    return Hit{credential, end, kValueMarker};
}

// Provider tokens (GitHub, GitLab, Stripe, AWS, Slack, Google, OpenAI, npm, PyPI, Hugging Face,
// Shopify, DigitalOcean, SendGrid): the prefix stays, the rest becomes "***".
struct ProviderToken {
    std::string_view prefix;
    size_t min_length;
    bool (*allowed)(char);
};

bool token_dash(char c) { return is_token_char(c); }
bool token_alnum(char c) { return is_alnum(c); }
bool token_underscore(char c) { return is_word(c); }
bool token_slack(char c) { return is_alnum(c) || c == '-'; }
bool token_upper(char c) { return is_upper(c) || is_digit(c); }
bool token_hex(char c) { return is_hex(c); }
bool token_dotted(char c) { return is_token_char(c) || c == '.'; }

constexpr std::array<ProviderToken, 26> kProviderTokens = {{
    {"github_pat_", 30, token_underscore}, {"ghp_", 30, token_alnum},  {"gho_", 30, token_alnum},
    {"ghu_", 30, token_alnum},             {"ghs_", 30, token_alnum},  {"ghr_", 30, token_alnum},
    {"glpat-", 20, token_dash},            {"glptt-", 20, token_dash}, {"sk_live_", 16, token_alnum},
    {"sk_test_", 16, token_alnum},         {"rk_live_", 16, token_alnum}, {"rk_test_", 16, token_alnum},
    {"sk-", 16, token_dash},               {"xoxb-", 10, token_slack}, {"xoxa-", 10, token_slack},
    {"xoxp-", 10, token_slack},            {"xoxr-", 10, token_slack}, {"xoxs-", 10, token_slack},
    {"AIza", 30, token_dash},              {"AKIA", 16, token_upper},  {"ASIA", 16, token_upper},
    {"npm_", 36, token_alnum},             {"pypi-", 50, token_dash},  {"hf_", 30, token_alnum},
    {"shpat_", 32, token_hex},             {"SG.", 40, token_dotted},
}};

std::optional<Hit> provider_token(std::string_view text, size_t at, const privacy::Identity&) {
    if (at > 0 && is_token_char(text[at - 1])) return std::nullopt;
    for (const auto& token : kProviderTokens) {
        if (!starts_with(text, at, token.prefix)) continue;
        const size_t begin = at + token.prefix.size();
        const size_t end = run_end(text, begin, token.allowed);
        if (end - begin < token.min_length) continue;
        if (end < text.size() && is_word(text[end])) continue;  // glued to more text: not this token
        return Hit{begin, end, kValueMarker};
    }
    return std::nullopt;
}

bool is_base64url(char c) { return is_alnum(c) || c == '_' || c == '-'; }

// eyJ<header>.<payload>.<signature> (the signature may be empty for alg "none").
std::optional<Hit> json_web_token(std::string_view text, size_t at, const privacy::Identity&) {
    if (!starts_with(text, at, "eyJ") || (at > 0 && (is_base64url(text[at - 1]) || text[at - 1] == '.')))
        return std::nullopt;
    const size_t header_end = run_end(text, at, is_base64url);
    if (header_end - at < 10 || header_end >= text.size() || text[header_end] != '.') return std::nullopt;
    const size_t payload_end = run_end(text, header_end + 1, is_base64url);
    if (payload_end - header_end - 1 < 4 || payload_end >= text.size() || text[payload_end] != '.')
        return std::nullopt;
    const size_t signature_end = run_end(text, payload_end + 1, is_base64url);
    return Hit{at, signature_end, "<redacted-token>"};
}

// 32+ hex digits labelled as a key by the word before them ("api key 3f2a…", "token
// 3f2a…"): unlabelled hex (git and content hashes) survives.
std::optional<Hit> labelled_hex_key(std::string_view text, size_t at, const privacy::Identity&) {
    if (!is_hex(text[at]) || (at > 0 && is_word(text[at - 1]))) return std::nullopt;
    const size_t end = run_end(text, at, is_hex);
    if (end - at < 32 || (end < text.size() && is_word(text[end]))) return std::nullopt;
    size_t label_end = at;
    while (label_end > 0 && at - label_end < 4 && (is_blank(text[label_end - 1]) || text[label_end - 1] == ':'))
        --label_end;
    if (label_end == at) return std::nullopt;
    size_t label = label_end;
    while (label > 0 && label_end - label < 40 && is_name_char(text[label - 1])) --label;
    if (!is_secret_name(text.substr(label, label_end - label), true)) return std::nullopt;
    return Hit{at, end, kValueMarker};
}

bool luhn_valid(std::string_view digits) {
    int sum = 0;
    bool twice = false;
    for (size_t i = digits.size(); i-- > 0;) {
        int digit = digits[i] - '0';
        if (twice) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
        sum += digit;
        twice = !twice;
    }
    return sum % 10 == 0;
}

// A card network's number range (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay,
// Maestro): keeps Luhn-valid timestamps and ids (which mostly start with 1) apart from cards.
bool is_card_prefix(std::string_view digits) {
    const int two = (digits[0] - '0') * 10 + (digits[1] - '0');
    const int four = two * 100 + (digits[2] - '0') * 10 + (digits[3] - '0');
    if (digits[0] == '4') return true;
    if (two >= 50 && two <= 69) return true;
    if (four >= 2221 && four <= 2720) return true;
    return two == 34 || two == 37 || two == 30 || two == 36 || two == 38 || two == 35;
}

// 13 to 19 digits, optionally in groups split by one space or '-', Luhn-checked. When more
// digit groups follow ("4111 1111 1111 1111 12 25"), the longest run of whole groups that is a
// card number counts.
std::optional<Hit> card_number(std::string_view text, size_t at, const privacy::Identity&) {
    if (!is_digit(text[at]) || (at > 0 && (is_alnum(text[at - 1]) || text[at - 1] == '.' || text[at - 1] == '-')))
        return std::nullopt;
    std::array<char, 20> buffer{};
    struct GroupEnd {
        size_t digits;
        size_t end;
    };
    std::array<GroupEnd, 20> group_ends{};
    size_t groups = 0;
    size_t count = 0;
    size_t i = at;
    char separator = '\0';
    while (i < text.size() && count < buffer.size()) {
        if (is_digit(text[i])) {
            buffer[count++] = text[i++];
            continue;
        }
        const char c = text[i];
        if ((c == ' ' || c == '-') && (separator == '\0' || separator == c) && i + 1 < text.size() &&
            is_digit(text[i + 1])) {
            group_ends[groups++] = {count, i};
            separator = c;
            ++i;
            continue;
        }
        break;
    }
    const bool ends_cleanly = count < buffer.size() && !(i < text.size() && (is_alnum(text[i]) || text[i] == '_'));
    if (ends_cleanly && groups < group_ends.size()) group_ends[groups++] = {count, i};
    for (size_t g = groups; g-- > 0;) {
        const auto [digits_count, end] = group_ends[g];
        if (digits_count < 13 || digits_count > 19) continue;
        const std::string_view digits(buffer.data(), digits_count);
        if (is_card_prefix(digits) && luhn_valid(digits)) return Hit{at, end, "<card>"};
    }
    return std::nullopt;
}

bool is_email_local(char c) { return has_class(c, kEmailLocal); }
bool is_domain_char(char c) { return is_alnum(c) || is_non_ascii(c) || c == '-'; }

// local@domain.tld, ASCII or internationalised (UTF-8 in the local part and the labels, a
// letter, UTF-8 or punycode top-level label).
std::optional<Hit> email_address(std::string_view text, size_t at, const privacy::Identity&) {
    if (!is_email_local(text[at]) || (at > 0 && is_email_local(text[at - 1]))) return std::nullopt;
    const size_t local_begin = run_end(text, at, [](char c) { return c == '.'; });  // "...bob@" keeps its dots
    const size_t local_end = run_end(text, at, is_email_local);
    if (local_begin == local_end) return std::nullopt;
    if (local_end >= text.size() || text[local_end] != '@') return std::nullopt;
    size_t end = local_end + 1;
    size_t last_dot = 0;
    while (end < text.size()) {
        if (is_domain_char(text[end])) {
            ++end;
        } else if (text[end] == '.' && end + 1 < text.size() && is_domain_char(text[end + 1]) &&
                   text[end - 1] != '@') {
            last_dot = end++;
        } else {
            break;
        }
    }
    if (last_dot == 0) return std::nullopt;
    const std::string_view tld = text.substr(last_dot + 1, end - last_dot - 1);
    const bool letters = tld.size() >= 2 && std::all_of(tld.begin(), tld.end(), [](char c) {
                             return is_alpha(c) || is_non_ascii(c);
                         });
    if (!letters && !(tld.size() > 4 && istarts_with(tld, 0, "xn--"))) return std::nullopt;
    return Hit{local_begin, end, "<email>"};
}

// \b[A-Za-z0-9_-]{41,}\b, except a run of hex digits alone (git and content hashes).
std::optional<Hit> long_token(std::string_view text, size_t at, const privacy::Identity&) {
    if (!is_token_char(text[at]) || (at > 0 && is_token_char(text[at - 1]))) return std::nullopt;
    const size_t end = run_end(text, at, is_token_char);
    if (end - at < 41) return std::nullopt;
    if (std::all_of(text.begin() + at, text.begin() + end, is_hex)) return std::nullopt;
    return Hit{at, end, "<redacted-token>"};
}

std::optional<Hit> home_directory(std::string_view text, size_t at, const privacy::Identity& identity) {
    if (at > 0 && is_path_char(text[at - 1])) return std::nullopt;
    for (const auto& home : identity.home_dirs) {
        if (!starts_with(text, at, home)) continue;
        const size_t end = at + home.size();
        if (end < text.size() && is_path_char(text[end])) continue;
        return Hit{at, end, "~"};
    }
    return std::nullopt;
}

// Any other account's home (/home/<name>, /Users/<name>) names a person too.
std::optional<Hit> other_home(std::string_view text, size_t at, const privacy::Identity&) {
    if (at > 0 && is_path_char(text[at - 1])) return std::nullopt;
    for (std::string_view prefix : {std::string_view("/home/"), std::string_view("/Users/")}) {
        if (!starts_with(text, at, prefix)) continue;
        const size_t begin = at + prefix.size();
        const size_t end = run_end(text, begin, is_path_char);
        if (end == begin) return std::nullopt;
        return Hit{begin, end, "<user>"};
    }
    return std::nullopt;
}

// C:\Users\<name>\..., C:/Users/<name>/... and JSON-escaped C:\\Users\\<name>. A Windows user
// name may hold spaces, so it runs to the next separator on the line (within 64 characters).
std::optional<Hit> windows_profile(std::string_view text, size_t at, const privacy::Identity&) {
    if (!is_alpha(text[at]) || (at > 0 && is_word(text[at - 1])) || at + 2 >= text.size() || text[at + 1] != ':')
        return std::nullopt;
    size_t i = at + 2;
    const char separator = text[i];
    if (separator != '\\' && separator != '/') return std::nullopt;
    const size_t width = (separator == '\\' && i + 1 < text.size() && text[i + 1] == '\\') ? 2 : 1;
    i += width;
    if (!istarts_with(text, i, "users")) return std::nullopt;
    i += 5;
    if (i + width > text.size() || text[i] != separator || (width == 2 && text[i + 1] != separator))
        return std::nullopt;
    const size_t begin = i + width;
    size_t end = begin;
    while (end < text.size() && end - begin <= 64 && text[end] != separator && !std::strchr("/\"'\n\r\t<>", text[end]))
        ++end;
    if (end - begin > 64 || end >= text.size() || text[end] != separator)
        end = run_end(text, begin, [separator](char c) { return !is_space(c) && c != separator && c != '"' && c != '\''; });
    if (end == begin || text[begin] == '<') return std::nullopt;
    const std::string_view name = text.substr(begin, end - begin);
    for (std::string_view shared : {"public", "default", "default user", "all users"})
        if (iequals(name, shared)) return std::nullopt;
    return Hit{begin, end, "<user>"};
}

// ~name/...: another account's home in shell notation.
std::optional<Hit> tilde_user(std::string_view text, size_t at, const privacy::Identity&) {
    if (text[at] != '~' || (at > 0 && (is_path_char(text[at - 1]) || text[at - 1] == '~'))) return std::nullopt;
    const size_t begin = at + 1;
    if (begin >= text.size() || !(is_alpha(text[begin]) || text[begin] == '_')) return std::nullopt;
    const size_t end = run_end(text, begin, is_path_char);
    if (end >= text.size() || text[end] != '/') return std::nullopt;
    return Hit{begin, end, "<user>"};
}

// The user's own name as a whole word, in any case.
std::optional<Hit> user_name(std::string_view text, size_t at, const privacy::Identity& identity) {
    if (at > 0 && is_word(text[at - 1])) return std::nullopt;
    for (const auto& user : identity.user_names) {
        if (!istarts_with(text, at, user)) continue;
        const size_t end = at + user.size();
        if (end < text.size() && is_word(text[end])) continue;
        return Hit{at, end, "<user>"};
    }
    return std::nullopt;
}

bool is_ipv6_char(char c) { return is_hex(c) || c == ':' || c == '.'; }

// A run of hex digits, ':' and '.' with at least two ':' that inet_pton accepts, not glued to a
// word (so "std::string" or a time survive).
std::optional<Hit> ipv6_address(std::string_view text, size_t at, const privacy::Identity&) {
    if (!is_ipv6_char(text[at]) || (at > 0 && is_ipv6_char(text[at - 1]))) return std::nullopt;
    if (at > 0 && (is_alnum(text[at - 1]) || text[at - 1] == '_')) return std::nullopt;
    size_t end = run_end(text, at, is_ipv6_char);
    if (end < text.size() && (is_alnum(text[end]) || text[end] == '_')) return std::nullopt;
    if (std::count(text.begin() + at, text.begin() + end, ':') < 2) return std::nullopt;
    while (end > at && text[end - 1] == '.') --end;
    for (int attempt = 0; attempt < 2 && end > at; ++attempt) {
        if (end - at > 45) return std::nullopt;
        std::string candidate(text.substr(at, end - at));
        if (platform::is_ipv6_address(candidate)) return Hit{at, end, "<ip>"};
        if (text[end - 1] != ':') break;
        --end;  // "fe80::1:" at the end of a phrase
    }
    return std::nullopt;
}

// Four dot-separated decimal octets (each 0-255, at most 3 digits), not part of a longer dotted
// number and not prefixed by a letter (so v1.2.3.4 and 1.2.3.4.5 survive; a bare 1.2.3.4 is
// taken for an address: privacy wins over version strings).
std::optional<Hit> ipv4_address(std::string_view text, size_t at, const privacy::Identity&) {
    if (!is_digit(text[at]) || (at > 0 && (is_alnum(text[at - 1]) || text[at - 1] == '.' || text[at - 1] == '_')))
        return std::nullopt;
    size_t i = at;
    for (int octet = 0; octet < 4; ++octet) {
        if (octet > 0) {
            if (i >= text.size() || text[i] != '.') return std::nullopt;
            ++i;
        }
        size_t digits = 0;
        int value = 0;
        while (i < text.size() && is_digit(text[i]) && digits < 4) value = value * 10 + (text[i++] - '0'), ++digits;
        if (digits == 0 || digits > 3 || value > 255) return std::nullopt;
    }
    if (i < text.size() && (is_alnum(text[i]) || text[i] == '_')) return std::nullopt;
    if (i + 1 < text.size() && text[i] == '.' && is_digit(text[i + 1])) return std::nullopt;
    return Hit{at, i, "<ip>"};
}

bool starts_marker(char c) { return c == '<'; }
bool starts_dash(char c) { return c == '-'; }
bool starts_letter(char c) { return is_alpha(c); }
bool starts_name(char c) { return is_name_char(c); }
bool starts_b(char c) { return c == 'b' || c == 'B'; }
bool starts_provider(char c) {
    return std::any_of(kProviderTokens.begin(), kProviderTokens.end(),
                       [c](const ProviderToken& token) { return token.prefix.front() == c; });
}
bool starts_e(char c) { return c == 'e'; }
bool starts_hex(char c) { return is_hex(c); }
bool starts_digit(char c) { return is_digit(c); }
bool starts_email(char c) { return is_email_local(c); }
bool starts_token(char c) { return is_token_char(c); }
bool starts_slash(char c) { return c == '/'; }
bool starts_tilde(char c) { return c == '~'; }
bool starts_word(char c) { return is_word(c); }
bool starts_ipv6(char c) { return is_hex(c) || c == ':'; }
bool never(char) { return false; }
bool has_pem(std::string_view text) { return text.find("-----BEGIN ") != std::string_view::npos; }
bool has_scheme(std::string_view text) { return text.find("://") != std::string_view::npos; }
bool has_at(std::string_view text) { return text.find('@') != std::string_view::npos; }
bool has_jwt(std::string_view text) { return text.find("eyJ") != std::string_view::npos; }
bool has_drive(std::string_view text) {
    return text.find(":\\") != std::string_view::npos || text.find(":/") != std::string_view::npos;
}
bool has_home(std::string_view text) {
    return text.find("/home/") != std::string_view::npos || text.find("/Users/") != std::string_view::npos;
}
bool has_tilde(std::string_view text) { return text.find('~') != std::string_view::npos; }
bool has_colon(std::string_view text) { return text.find(':') != std::string_view::npos; }
bool has_dot(std::string_view text) { return text.find('.') != std::string_view::npos; }
bool continues_jwt(char c) { return is_base64url(c) || c == '.'; }
bool continues_number(char c) { return is_alnum(c) || c == '.' || c == '-'; }
bool continues_tilde(char c) { return is_path_char(c) || c == '~'; }
bool continues_ipv6(char c) { return is_ipv6_char(c) || is_alnum(c) || c == '_'; }
bool continues_ipv4(char c) { return is_alnum(c) || c == '.' || c == '_'; }

// Order matters where two rules could start at one position: the first wins.
constexpr std::array<Rule, 18> kRules = {{
    {"our own markers (left as they are)", "", starts_marker, never, own_marker},
    {"PEM private-key block", "<redacted-private-key>", starts_dash, never, pem_private_key, has_pem},
    {"credentials in a URL (any scheme://user:pass@)", "<redacted>@", starts_letter, is_scheme_char, url_credentials, has_scheme},
    {"value of a secret-looking name (NAME=, name:, \"name\": \"...\", --name X, headers)", "***", starts_name,
     is_name_char, secret_assignment},
    {"bare Bearer credential", "Bearer ***", starts_b, is_word, bearer_token},
    {"provider token (GitHub, GitLab, Stripe, AWS, Slack, Google, OpenAI, npm, PyPI, ...)", "<prefix>***",
     starts_provider, is_token_char, provider_token},
    {"JSON Web Token", "<redacted-token>", starts_e, continues_jwt, json_web_token, has_jwt},
    {"32+ hex digits labelled as a key or token", "***", starts_hex, is_word, labelled_hex_key},
    {"payment card number (Luhn-checked, 13-19 digits)", "<card>", starts_digit, continues_number, card_number},
    {"e-mail address (internationalised too)", "<email>", starts_email, is_email_local, email_address, has_at},
    {"token-shaped string of 41+ characters (not hex alone)", "<redacted-token>", starts_token, is_token_char,
     long_token},
    {"the user's home directory", "~", starts_slash, is_path_char, home_directory},
    {"another account's home (/home/NAME, /Users/NAME)", "<user>", starts_slash, is_path_char, other_home, has_home},
    {"Windows profile path (C:\\Users\\NAME)", "<user>", starts_letter, is_word, windows_profile, has_drive},
    {"~NAME/ path", "<user>", starts_tilde, continues_tilde, tilde_user, has_tilde},
    {"the user's name, any case", "<user>", starts_word, is_word, user_name},
    {"IPv6 address", "<ip>", starts_ipv6, continues_ipv6, ipv6_address, has_colon},
    {"IPv4 address", "<ip>", starts_digit, continues_ipv4, ipv4_address, has_dot},
}};

static_assert(kRules.size() <= 32, "rules are selected through a 32-bit mask");

// For each first character, the rules that may start with it.
// And for each character, the rules that cannot start right after it: inside a word most
// positions then try no rule at all.
struct StartTable {
    std::array<uint32_t, 256> rules{};
    std::array<uint32_t, 256> allowed_after{};
    StartTable() {
        for (int c = 0; c < 256; ++c)
            for (size_t r = 0; r < kRules.size(); ++r) {
                if (kRules[r].can_start(static_cast<char>(c))) rules[static_cast<size_t>(c)] |= 1u << r;
                if (!kRules[r].continues(static_cast<char>(c))) allowed_after[static_cast<size_t>(c)] |= 1u << r;
            }
    }
};

const StartTable& start_table() {
    static const StartTable table;
    return table;
}

constexpr auto kRuleInfo = [] {
    std::array<RedactionRuleInfo, kRules.size() - 1> info{};
    for (size_t r = 1; r < kRules.size(); ++r) info[r - 1] = {kRules[r].name, kRules[r].marker};
    return info;
}();

// The rules that find secrets rather than people (the first eight of kRules): what messages
// are masked with, so an error still names the host, the path and the address it was about.
constexpr uint32_t kSecretRules = (1u << 0) | (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) |
                                  (1u << 6) | (1u << 7);

// Messages show one marker for every secret ("***", "***@" for URL credentials), so a reader
// sees at once what was hidden without learning the event markers.
std::string_view message_marker(std::string_view marker) {
    if (marker.empty() || marker.front() != '<') return marker;
    return marker.back() == '@' ? std::string_view("***@") : kValueMarker;
}

// Usage text names its values in capitals ("KEY=VALUE", "--token TOKEN"): no secret looks like
// that, and messages must keep saying what was expected. (Values from ${VAR}s are masked anyway.)
bool is_placeholder(std::string_view value) {
    return !value.empty() && value.size() <= 24 &&
           std::all_of(value.begin(), value.end(), [](char c) { return is_upper(c) || c == '_'; });
}

std::string apply_rules(std::string_view text, uint32_t enabled, bool message_markers) {
    const auto& identity = privacy::current_identity();
    const auto& table = start_table();
    // Whole-text tests pay off on long texts only; a short name is cheaper to scan directly.
    if (text.size() >= 256)
        for (size_t r = 0; r < kRules.size(); ++r)
            if (kRules[r].present && !kRules[r].present(text)) enabled &= ~(1u << r);
    std::string out;
    size_t copied = 0;
    size_t at = 0;
    while (at < text.size()) {
        uint32_t candidates = table.rules[static_cast<unsigned char>(text[at])] & enabled;
        if (at > 0) candidates &= table.allowed_after[static_cast<unsigned char>(text[at - 1])];
        std::optional<Hit> hit;
        int rule = 0;
        while (candidates && !hit) {
            rule = __builtin_ctz(candidates);
            candidates &= candidates - 1;
            hit = kRules[static_cast<size_t>(rule)].match(text, at, identity);
        }
        if (!hit || hit->replace_end <= at ||
            (message_markers && is_placeholder(text.substr(hit->replace_begin, hit->replace_end - hit->replace_begin)))) {
            ++at;
            continue;
        }
        // Rule 0 keeps a marker that is already there, whatever its style.
        const std::string_view marker = message_markers && rule != 0 ? message_marker(hit->marker) : hit->marker;
        if (out.empty()) out.reserve(text.size());
        out.append(text.substr(copied, hit->replace_begin - copied)).append(marker);
        copied = at = hit->replace_end;
    }
    if (copied == 0) return std::string(text);
    out.append(text.substr(copied));
    return out;
}

}  // namespace

std::string redact(std::string_view text) { return apply_rules(text, ~0u, false); }

std::string redact_secrets(std::string_view text) { return apply_rules(text, kSecretRules, true); }

std::vector<std::string> redact_args(std::span<const std::string> args) {
    std::vector<std::string> out;
    out.reserve(args.size());
    bool value_is_secret = false;
    for (const auto& arg : args) {
        if (value_is_secret && !arg.starts_with("-")) {
            out.emplace_back(kValueMarker);
            value_is_secret = false;
            continue;
        }
        out.push_back(redact(arg));
        const std::string_view flag(arg);
        value_is_secret = flag.size() > 2 && flag.starts_with("--") && flag.find('=') == std::string_view::npos &&
                          std::all_of(flag.begin() + 2, flag.end(), is_name_char) && is_secret_name(flag.substr(2), true);
    }
    return out;
}

std::span<const RedactionRuleInfo> redaction_rules() { return kRuleInfo; }

bool looks_sensitive_header(std::string_view name) {
    static constexpr std::array<std::string_view, 10> kNames = {
        "Authorization", "Proxy-Authorization", "Cookie",       "Set-Cookie",      "X-API-Key",
        "X-API-Token",   "X-Auth-Token",        "X-Access-Token", "X-CSRF-Token", "X-Session-Token"};
    for (auto known : kNames)
        if (iequals(known, name)) return true;
    auto ifind = [&](std::string_view needle, size_t from) {
        for (size_t i = from; i + needle.size() <= name.size(); ++i)
            if (iequals(name.substr(i, needle.size()), needle)) return i;
        return std::string_view::npos;
    };
    if (ifind("authorization", 0) != std::string_view::npos) return true;
    // (?i)\b(auth|token|key|secret|bearer|password|credential)\b
    static constexpr std::array<std::string_view, 7> kWords = {"auth", "token", "key", "secret", "bearer", "password", "credential"};
    for (auto word : kWords)
        for (size_t at = ifind(word, 0); at != std::string_view::npos; at = ifind(word, at + 1)) {
            size_t end = at + word.size();
            if ((at == 0 || !is_word(name[at - 1])) && (end == name.size() || !is_word(name[end]))) return true;
        }
    return false;
}

}  // namespace overt
