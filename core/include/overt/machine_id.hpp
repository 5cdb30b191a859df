// SPDX-License-Identifier: MIT
// The pseudonymous machine id: the seed's hash of machine-id, MAC, hostname and user name,
// salted with the tool's name so two tools on one machine get unrelated ids.
//
// Salting: id = first 8 bytes of SHA-256(raw + ":" + tool_name), as 16 lowercase hex chars,
// where raw = the parts joined with ':'. With an empty salt the ":" is not appended, which is
// exactly the seed's unsalted id.
#pragma once

#include <overt/export.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace overt {

enum class MachineIdSecret {
    use_if_present,     // never writes anything (a tool without consent, `overt status`)
    create_if_needed,   // a tool with consent: creates the installation secret if it needs one
};

// Computed once per process per tool name; thread-safe. Where neither /etc/machine-id nor a MAC
// address exists (containers, CI), only the host and user names are left, which anyone could
// guess: the id then also mixes in a random per-installation secret
// (${XDG_CONFIG_HOME:-~/.config}/overt/installation-secret, 0600), so it stays stable per tool
// and cannot be computed from outside nor linked across tools. Elsewhere it is the Go package's
// id, salted with the tool name, and needs no secret.
OVERT_API std::string hashed_machine_id(std::string_view tool_name,
                              MachineIdSecret secret = MachineIdSecret::use_if_present);

// No machine id and no MAC among `parts`: only names a stranger could guess.
OVERT_API bool machine_id_parts_are_guessable(const std::vector<std::string>& parts);

// The id hashed_machine_id computes from these parts and that secret ("" = none).
OVERT_API std::string machine_id_for(const std::vector<std::string>& parts, std::string_view tool_name,
                           std::string_view installation_secret);

// The hash itself: parts joined with ':', then ":" + salt unless salt is empty.
OVERT_API std::string machine_id_from_parts(const std::vector<std::string>& parts, std::string_view salt);

// The raw inputs of this machine in the seed's order: /etc/machine-id (trimmed), the first
// non-loopback MAC, the hostname, and the user name only if the lookup succeeds.
OVERT_API std::vector<std::string> machine_id_parts();

}  // namespace overt
