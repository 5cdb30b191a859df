// The pseudonymous machine id: the seed's hash of machine-id, MAC, hostname and user name,
// salted with the tool's name so two tools on one machine get unrelated ids.
//
// Salting: id = first 8 bytes of SHA-256(raw + ":" + tool_name), as 16 lowercase hex chars,
// where raw = the parts joined with ':'. With an empty salt the ":" is not appended, which is
// exactly the seed's unsalted id.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace overt {

// Computed once per process per tool name; thread-safe.
std::string hashed_machine_id(std::string_view tool_name);

// The hash itself: parts joined with ':', then ":" + salt unless salt is empty.
std::string machine_id_from_parts(const std::vector<std::string>& parts, std::string_view salt);

// The raw inputs of this machine in the seed's order: /etc/machine-id (trimmed), the first
// non-loopback MAC, the hostname, and the user name only if the lookup succeeds.
std::vector<std::string> machine_id_parts();

}  // namespace overt
