// SPDX-License-Identifier: MIT
// A random secret per user installation, for machines whose id inputs anyone could guess
// (containers and CI runners: no /etc/machine-id, no MAC, only a host and a user name).
// Mixed into their machine id, it keeps the id stable for a tool yet unlinkable across tools
// and uncomputable from outside. Kept 0600 in ${XDG_CONFIG_HOME:-~/.config}/overt/.
#pragma once

#include <string>

namespace overt::privacy {

// The path of the secret file.
std::string installation_secret_path();

// The secret (64 hex characters). Creates it (0600, atomically) only when `create` is true:
// a tool creates it once consent is granted, never before. "" when there is none and it may not
// be created, or it cannot be read or written; a file that is not a private regular file of
// this user is not used.
std::string installation_secret(bool create);

}  // namespace overt::privacy
