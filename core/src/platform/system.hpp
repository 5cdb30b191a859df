// SPDX-License-Identifier: MIT
// Machine facts and randomness from the system. Internal to libovert.
#pragma once

#include <cstddef>
#include <string>

namespace overt::platform {

std::string os_machine_id();      // /etc/machine-id; MachineGuid (HKLM\SOFTWARE\Microsoft\Cryptography)
std::string first_mac_address();  // the first non-loopback hardware address, "aa:bb:..", lowercase
std::string host_name();          // gethostname(); the computer name
bool fill_random(void* buffer, size_t size);  // getrandom(); BCryptGenRandom. false on failure

// The running program's file: /proc/self/exe; GetModuleFileNameW(nullptr). "" if unknown.
std::string program_path();

// Hands a URL (a mailto: link) to the desktop's handler, fire and forget: xdg-open when there
// is a display; ShellExecuteW on Windows.
void open_with_desktop(const std::string& url);

// inet_pton(AF_INET6) accepts text.
bool is_ipv6_address(const std::string& text);

// An environment variable that names code to load or run: secure_getenv() (none for a setuid
// or setgid program); plain getenv() on Windows, which has no such programs. nullptr if unset.
const char* trusted_getenv(const char* name);

// Registers fn to run in the child after fork() (no fork on Windows: never runs there).
void on_fork_in_child(void (*fn)());

}  // namespace overt::platform
