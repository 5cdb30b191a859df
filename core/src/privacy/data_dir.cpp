// SPDX-License-Identifier: MIT
// Per-tool state and config directories. Unlike the seed (which fell back to a bare shared
// temp dir, so every tool could read every other tool's spill files), each candidate here is
// private to the user and to the tool.
#include <overt/data_dir.hpp>

#include "support/short_digest.hpp"

#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>
#include <system_error>

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace overt {
namespace {

std::string env_or(const char* name, std::string fallback) {
    const char* value = std::getenv(name);
    return value && *value ? std::string(value) : std::move(fallback);
}

std::string home_dir() {
    if (const char* home = std::getenv("HOME"); home && *home) return home;
    if (const struct passwd* entry = getpwuid(getuid()); entry && entry->pw_dir) return entry->pw_dir;
    return {};
}

// An existing directory is acceptable only if it is ours and nobody else may write to it.
bool is_private_dir(const std::string& path) {
    struct stat info {};
    if (lstat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) return false;
    return info.st_uid == geteuid() && (info.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

// Creates the missing parents (0700) and the directory itself; the final directory must be
// private. Parents that already exist are left as they are (e.g. /tmp).
bool ensure_private_dir(const std::string& path) {
    if (path.empty()) return false;
    for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        const std::string parent = path.substr(0, slash);
        if (mkdir(parent.c_str(), 0700) != 0 && errno != EEXIST) return false;
    }
    if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) return false;
    return is_private_dir(path);
}

bool probe_writable(const std::string& dir) {
    const std::string probe = dir + "/.overt-write-test-" + std::to_string(getpid());
    int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return false;
    ::close(fd);
    return ::unlink(probe.c_str()) == 0;
}

bool usable(const std::string& dir) { return ensure_private_dir(dir) && probe_writable(dir); }

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
    const std::string base = env_or("XDG_CONFIG_HOME", home_dir() + "/.config");
    return base + "/overt/" + sanitize_tool_name(tool_name);
}

namespace {

// The candidates, in order: config.data_dir, the XDG state dir, the per-user temp dir (under
// its parent, which has to be private too).
struct Candidate {
    std::string dir;
    std::string private_parent;  // created first when resolving; "" = none needed
};

std::vector<Candidate> candidates(const Config& config) {
    const std::string tool = sanitize_tool_name(config.tool_name);
    std::vector<Candidate> out;
    if (!config.data_dir.empty()) out.push_back({config.data_dir, ""});
    const std::string home = home_dir();
    const std::string state_base = env_or("XDG_STATE_HOME", home.empty() ? std::string() : home + "/.local/state");
    if (!state_base.empty() && state_base.front() == '/') out.push_back({state_base + "/overt/" + tool, ""});
    std::string temp_base = env_or("TMPDIR", "/tmp");
    while (temp_base.size() > 1 && temp_base.back() == '/') temp_base.pop_back();
    const std::string user_temp = temp_base + "/overt-" + std::to_string(geteuid());
    out.push_back({user_temp + "/" + tool, user_temp});
    return out;
}

}  // namespace

std::string resolve_data_dir(const Config& config) {
    for (const auto& candidate : candidates(config)) {
        if (!candidate.private_parent.empty() && !ensure_private_dir(candidate.private_parent)) continue;
        if (usable(candidate.dir)) return candidate.dir;
    }
    return {};
}

std::string existing_data_dir(const Config& config) {
    for (const auto& candidate : candidates(config))
        if (is_private_dir(candidate.dir)) return candidate.dir;
    return {};
}

}  // namespace overt
