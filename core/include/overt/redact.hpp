// Redaction of free text (args, error messages, metadata values) before it is buffered.
//
// Passes, in order: the seed's (URL credentials, key=value secrets, Authorization headers,
// provider token prefixes, 41+ character tokens), then overt's own: the home directory
// prefix -> "~", the user name as a whole word -> "<user>", e-mail addresses -> "<email>",
// IPv4 and IPv6 addresses -> "<ip>". Redacting twice gives the same text as redacting once.
#pragma once

#include <string>
#include <string_view>

namespace overt {

std::string redact(std::string_view text);

// True for an HTTP header name that probably carries a credential (seed §5.5: a fixed list of
// names, case-insensitive, or a name containing auth/token/key/secret/bearer/password/credential
// as a word, or "authorization" anywhere).
bool looks_sensitive_header(std::string_view name);

}  // namespace overt
