// SPDX-License-Identifier: MIT
// The current user as the platform knows them, and where their per-user files go.
// POSIX (Linux; macOS would be the same path): $HOME or the passwd entry, XDG dirs, uid-owned
// 0700 dirs. Windows: %USERPROFILE%, %APPDATA% / %LOCALAPPDATA%, dirs whose owner is the user.
// Internal to libovert.
#pragma once

#include <string>

namespace overt::platform {

std::string home_dir();   // "" when unknown
std::string user_name();  // the account name; "" when unknown
// Every home dir and account name the redactor should hide (environment and account data).
void identity_sources(std::string& environment_home, std::string& environment_user, std::string& account_home,
                      std::string& account_user);
// A name privileged accounts go by, too common to redact ("root", "SYSTEM").
bool is_system_account_name(const std::string& name);

// Per-user bases, with the platform's own override variables applied:
std::string config_base();  // $XDG_CONFIG_HOME or ~/.config; %APPDATA%
std::string state_base();   // $XDG_STATE_HOME or ~/.local/state; %LOCALAPPDATA%  ("" if unknown)
// The per-user temp dir under the system's temp dir: $TMPDIR/overt-<uid>; %TEMP%\overt-<user>.
std::string user_temp_dir();
bool is_absolute_path(const std::string& path);
// base + separator + name: '/' on POSIX, '\\' on Windows; none added after a base that
// ends in one already.
std::string join_path(const std::string& base, const std::string& name);

// An existing directory that is ours and nobody else may write to.
bool is_private_dir(const std::string& path);
// Creates path and its missing parents (private to the user); true if path is then private.
bool ensure_private_dir(const std::string& path);
// The user may create files in dir (access(W_OK | X_OK); on Windows a probe file).
bool may_write_in(const std::string& dir);
// Creating (and removing) a probe file in dir works.
bool can_create_files_in(const std::string& dir);
// Restricts an existing dir to the user (chmod 0700; on Windows the profile's ACLs already do).
void restrict_dir_to_user(const std::string& path);

}  // namespace overt::platform
