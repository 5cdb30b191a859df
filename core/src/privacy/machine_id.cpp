// SPDX-License-Identifier: MIT
// The Go package's machine id, salted per tool; on machines whose inputs anyone could guess,
// salted with the installation secret too.
#include <overt/machine_id.hpp>

#include "privacy/installation_secret.hpp"
#include "support/short_digest.hpp"


#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include <net/if.h>
#include <pwd.h>
#include <unistd.h>

namespace overt {
namespace {

std::string trim(std::string text) {
    auto is_space = [](unsigned char c) { return std::isspace(c) != 0; };
    text.erase(text.begin(), std::find_if_not(text.begin(), text.end(), is_space));
    text.erase(std::find_if_not(text.rbegin(), text.rend(), is_space).base(), text.end());
    return text;
}

std::string read_trimmed(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) return {};
    std::ostringstream content;
    content << in.rdbuf();
    return trim(content.str());
}

std::string os_machine_id() { return read_trimmed("/etc/machine-id"); }

// Go's net.Interfaces() on Linux: index order; loopback skipped; a hardware address that is
// all zeros or IP-sized (tunnels) counts as none.
std::string first_mac_address() {
    std::error_code error;
    std::map<long, std::string> by_index;
    for (const auto& entry : std::filesystem::directory_iterator("/sys/class/net", error)) {
        const auto dir = entry.path();
        unsigned long flags = std::strtoul(read_trimmed(dir / "flags").c_str(), nullptr, 16);
        if (flags & IFF_LOOPBACK) continue;
        std::string address = read_trimmed(dir / "address");
        std::transform(address.begin(), address.end(), address.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        size_t bytes = address.empty() ? 0 : std::count(address.begin(), address.end(), ':') + 1;
        bool nonzero = address.find_first_not_of("0:") != std::string::npos;
        if (bytes == 0 || bytes == 4 || bytes == 16 || !nonzero) continue;
        std::string index_text = read_trimmed(dir / "ifindex");
        if (index_text.empty()) continue;
        by_index.emplace(std::strtol(index_text.c_str(), nullptr, 10), std::move(address));
    }
    return by_index.empty() ? std::string() : by_index.begin()->second;
}

std::string host_name() {
    char buffer[256] = {};
    if (gethostname(buffer, sizeof buffer - 1) != 0) return {};
    return buffer;
}

bool user_name(std::string& name) {
    struct passwd entry {};
    struct passwd* found = nullptr;
    std::string buffer(16384, '\0');
    if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) return false;
    name = found->pw_name;
    return true;
}

}  // namespace

std::vector<std::string> machine_id_parts() {
    std::vector<std::string> parts{os_machine_id(), first_mac_address(), host_name()};
    std::string user;
    if (user_name(user)) parts.push_back(std::move(user));
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
    // Without /etc/machine-id and a MAC only the host and user names are left.
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
