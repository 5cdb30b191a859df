// SPDX-License-Identifier: MIT
// Who "the user" is for redaction: home directories and user names, looked up once.
// Internal to libovert.
#pragma once

#include <string>
#include <vector>

namespace overt::privacy {

struct Identity {
    std::vector<std::string> home_dirs;   // longest first, no trailing '/'; never "/"
    std::vector<std::string> user_names;  // 3+ characters; "root" left out (too common a word)
};

// From $HOME and the password database, $USER and the password database.
Identity lookup_identity();

// The process-wide identity, looked up on first use.
const Identity& current_identity();

// Tests: replaces the process-wide identity (the previous one is kept alive).
void set_identity_for_testing(Identity identity);

}  // namespace overt::privacy
