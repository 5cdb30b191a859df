// SPDX-License-Identifier: MIT
// Masking of secrets in the messages overt writes (errors, refusals, logs, command output):
// the values registered here (what the config's ${VAR}s expanded to) and whatever the secret
// rules of the redaction table find (URL credentials, secret headers and query parameters,
// Bearer credentials, provider tokens), each shown as "***" ("scheme://***@host" for URL
// credentials). Linear in the text (times the few registered values) and never throws.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace overt::support {

// Shorter values are not registered: masking every "on" or "5000" would hide what a message
// is about, and a secret that short is no secret.
inline constexpr size_t kMinMaskedValueLength = 6;
// Past these, further values are ignored (a config does not hold that many secrets).
inline constexpr size_t kMaxMaskedValues = 64;
inline constexpr size_t kMaxMaskedValueLength = 4096;

// Masks `value` wherever it appears in later messages of this process. Thread-safe.
void add_masked_value(std::string_view value) noexcept;

// What was registered, so a process this one starts (overt-sender) masks the same values.
std::vector<std::string> masked_values();

std::string mask_secrets(std::string_view text) noexcept;

}  // namespace overt::support
