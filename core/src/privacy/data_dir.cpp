// SPDX-License-Identifier: MIT
// Per-tool state and config directories. Unlike the seed (which fell back to a bare shared
// temp dir, so every tool could read every other tool's spill files), each candidate here is
// private to the user and to the tool.
#include <overt/data_dir.hpp>

#include "platform/user.hpp"
#include "support/short_digest.hpp"

#include <string>
#include <vector>

namespace overt {
namespace {

bool usable(const std::string& dir) { return platform::ensure_private_dir(dir) && platform::can_create_files_in(dir); }

}  // namespace

std::string sanitize_tool_name(std::string_view tool_name) {
    std::string safe;
    for (char c : tool_name) {
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
        safe += keep ? c : '_';
    }
    if (safe.empty() || safe == "." || safe == "..") safe = "_" + safe;
    // "my tool" and "my_tool" must not share consent or data: a changed name gets the digest
    // of the exact one.
    if (safe != tool_name) safe += "-" + support::sha256_prefix_hex(tool_name, 8);
    return safe;
}

std::string user_config_dir(std::string_view tool_name) {
    return platform::join_path(platform::join_path(platform::config_base(), "overt"), sanitize_tool_name(tool_name));
}

namespace {

// The candidates, in order: config.data_dir, the state dir (XDG; %LOCALAPPDATA%), the per-user temp dir (under
// its parent, which has to be private too).
struct Candidate {
    std::string dir;
    std::string private_parent;  // created first when resolving; "" = none needed
};

std::vector<Candidate> candidates(const Config& config) {
    const std::string tool = sanitize_tool_name(config.tool_name);
    std::vector<Candidate> out;
    if (!config.data_dir.empty()) out.push_back({config.data_dir, ""});
    const std::string state_base = platform::state_base();
    if (platform::is_absolute_path(state_base))
        out.push_back({platform::join_path(platform::join_path(state_base, "overt"), tool), ""});
    const std::string user_temp = platform::user_temp_dir();
    out.push_back({platform::join_path(user_temp, tool), user_temp});
    return out;
}

}  // namespace

std::string resolve_data_dir(const Config& config) {
    for (const auto& candidate : candidates(config)) {
        if (!candidate.private_parent.empty() && !platform::ensure_private_dir(candidate.private_parent)) continue;
        if (usable(candidate.dir)) return candidate.dir;
    }
    return {};
}

std::string existing_data_dir(const Config& config) {
    for (const auto& candidate : candidates(config))
        if (platform::is_private_dir(candidate.dir)) return candidate.dir;
    return {};
}

}  // namespace overt
