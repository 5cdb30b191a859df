// SPDX-License-Identifier: MIT
// Backends this process must not load, each with the reason shown in backend_info. Set by
// overt-sender's worker from the supervisor's health records (a plugin that keeps killing the
// sender is quarantined); empty everywhere else.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace overt::plugin {

// backend id -> reason ("quarantined: ..."); replaces the previous list.
void set_quarantined_backends(std::map<std::string, std::string> reasons);

// The reason `backend_id` must not be loaded, or nullopt.
std::optional<std::string> quarantine_reason(const std::string& backend_id);

}  // namespace overt::plugin
