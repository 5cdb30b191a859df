// SPDX-License-Identifier: MIT
// Redaction of free text (event names, metadata keys and values, args, error messages) before
// it is buffered.
//
// One left-to-right pass over a table of rules (see redaction_rules()); at each position the
// first rule that matches replaces what it found with its marker, so the cost is linear in the
// size of the text. Markers: "***" for values of secret-looking names, flags and headers (and
// after a provider token's prefix, e.g. "ghp_***"), "<redacted>@" for URL credentials,
// "<redacted-token>" for JWTs and long token-shaped strings, "<redacted-private-key>" for PEM
// private keys, "<card>" for payment card numbers, "<email>", "<ip>", "<user>" for user names
// (also in other accounts' home paths) and "~" for the user's home directory. Markers are
// never redacted again, so redacting twice gives the same text as redacting once; only where a
// match was glued to the text around it can a second pass find a little more (never less).
#pragma once

#include <overt/export.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace overt {

OVERT_API std::string redact(std::string_view text);

// Only the rules that find secrets (URL credentials, values of secret-looking names, headers and
// query parameters, Bearer credentials, provider tokens, JWTs, labelled hex keys, PEM private
// keys), each shown as "***" ("scheme://***@host" for URL credentials): for messages, which
// must still name the host, path or address they are about. Linear in the text.
OVERT_API std::string redact_secrets(std::string_view text);

// Command arguments: each is redacted, and the value following a separated secret flag
// ("--password", "--token", "--api-key" ...) becomes "***". "-p" is left alone on purpose: it is
// a port, "parents" or "print" in most tools, and its value cannot be told from ordinary text.
OVERT_API std::vector<std::string> redact_args(std::span<const std::string> args);

// The rule table, in the order the rules are tried at one position: what each class is called
// and the marker it leaves (for documentation and tests).
struct RedactionRuleInfo {
    std::string_view name;
    std::string_view marker;
};
OVERT_API std::span<const RedactionRuleInfo> redaction_rules();

// True for an HTTP header name that probably carries a credential (a fixed list of
// names, case-insensitive, or a name containing auth/token/key/secret/bearer/password/credential
// as a word, or "authorization" anywhere).
OVERT_API bool looks_sensitive_header(std::string_view name);

}  // namespace overt
