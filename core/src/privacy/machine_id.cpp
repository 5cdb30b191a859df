// SPDX-License-Identifier: MIT
// The Go package's machine id, salted per tool; on machines whose inputs anyone could guess,
// salted with the installation secret too.
#include <overt/machine_id.hpp>

#include "privacy/installation_secret.hpp"
#include "support/short_digest.hpp"


#include "platform/system.hpp"
#include "platform/user.hpp"

#include <map>
#include <mutex>

namespace overt {

std::vector<std::string> machine_id_parts() {
    std::vector<std::string> parts{platform::os_machine_id(), platform::first_mac_address(), platform::host_name()};
    if (std::string user = platform::user_name(); !user.empty()) parts.push_back(std::move(user));
    return parts;
}

std::string machine_id_from_parts(const std::vector<std::string>& parts, std::string_view salt) {
    std::string raw;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i) raw += ':';
        raw += parts[i];
    }
    if (!salt.empty()) {
        raw += ':';
        raw += salt;
    }
    return support::sha256_prefix_hex(raw, 16);
}

bool machine_id_parts_are_guessable(const std::vector<std::string>& parts) {
    // Without an OS machine id (/etc/machine-id, MachineGuid) and a MAC only the host and user names are left.
    return parts.size() < 2 || (parts[0].empty() && parts[1].empty());
}

std::string machine_id_for(const std::vector<std::string>& parts, std::string_view tool_name,
                           std::string_view installation_secret) {
    if (!machine_id_parts_are_guessable(parts) || installation_secret.empty())
        return machine_id_from_parts(parts, tool_name);
    return machine_id_from_parts(parts, std::string(installation_secret) + ":" + std::string(tool_name));
}

std::string hashed_machine_id(std::string_view tool_name, MachineIdSecret secret) {
    static std::mutex mutex;
    static std::map<std::string, std::string, std::less<>> cache;
    static std::vector<std::string> parts;
    static bool have_parts = false;
    std::lock_guard lock(mutex);
    if (!have_parts) {
        parts = machine_id_parts();
        have_parts = true;
    }
    const bool guessable = machine_id_parts_are_guessable(parts);
    // An id computed without a secret is not cached: the secret may appear once consent is given.
    if (auto found = cache.find(tool_name); found != cache.end()) return found->second;
    const std::string installation =
        guessable ? privacy::installation_secret(secret == MachineIdSecret::create_if_needed) : std::string();
    std::string id = machine_id_for(parts, tool_name, installation);
    if (!guessable || !installation.empty()) cache.emplace(std::string(tool_name), id);
    return id;
}

}  // namespace overt
