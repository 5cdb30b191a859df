// SPDX-License-Identifier: MIT
#include "platform/user.hpp"

#include <cerrno>
#include <cstdlib>

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace overt::platform {
namespace {

std::string env_text(const char* name) {
    const char* value = std::getenv(name);
    return value && *value ? std::string(value) : std::string();
}

bool account_entry(std::string& home, std::string& name) {
    struct passwd entry {};
    struct passwd* found = nullptr;
    std::string buffer(16384, '\0');
    if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) return false;
    if (found->pw_dir) home = found->pw_dir;
    if (found->pw_name) name = found->pw_name;
    return true;
}

}  // namespace

std::string home_dir() {
    if (std::string home = env_text("HOME"); !home.empty()) return home;
    std::string home, name;
    account_entry(home, name);
    return home;
}

std::string user_name() {
    std::string home, name;
    account_entry(home, name);
    return name;
}

void identity_sources(std::string& environment_home, std::string& environment_user, std::string& account_home,
                      std::string& account_user) {
    environment_home = env_text("HOME");
    environment_user = env_text("USER");
    account_entry(account_home, account_user);
}

bool is_system_account_name(const std::string& name) { return name == "root"; }

std::string config_base() {
    if (std::string base = env_text("XDG_CONFIG_HOME"); !base.empty()) return base;
    return home_dir() + "/.config";
}

std::string state_base() {
    if (std::string base = env_text("XDG_STATE_HOME"); !base.empty()) return base;
    const std::string home = home_dir();
    return home.empty() ? std::string() : home + "/.local/state";
}

std::string user_temp_dir() {
    std::string temp_base = env_text("TMPDIR");
    if (temp_base.empty()) temp_base = "/tmp";
    while (temp_base.size() > 1 && temp_base.back() == '/') temp_base.pop_back();
    return temp_base + "/overt-" + std::to_string(geteuid());
}

bool is_absolute_path(const std::string& path) { return !path.empty() && path.front() == '/'; }

std::string join_path(const std::string& base, const std::string& name) {
    return base + (!base.empty() && base.back() == '/' ? "" : "/") + name;
}

bool is_private_dir(const std::string& path) {
    struct stat info {};
    if (lstat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) return false;
    return info.st_uid == geteuid() && (info.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

// Parents that already exist are left as they are (e.g. /tmp); the ones made are 0700.
bool ensure_private_dir(const std::string& path) {
    if (path.empty()) return false;
    for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        const std::string parent = path.substr(0, slash);
        if (mkdir(parent.c_str(), 0700) != 0 && errno != EEXIST) return false;
    }
    if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) return false;
    return is_private_dir(path);
}

bool may_write_in(const std::string& dir) { return ::access(dir.c_str(), W_OK | X_OK) == 0; }

bool can_create_files_in(const std::string& dir) {
    const std::string probe = dir + "/.overt-write-test-" + std::to_string(getpid());
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return false;
    ::close(fd);
    return ::unlink(probe.c_str()) == 0;
}

void restrict_dir_to_user(const std::string& path) { ::chmod(path.c_str(), 0700); }

}  // namespace overt::platform
