// SPDX-License-Identifier: MIT
// Finding overt-sender and the data dir's sender lock; starting it is the platform's
// (sender_launch_posix.cpp, sender_launch_windows.cpp).
#include "delivery/sender_spawn.hpp"

#include "platform/fd.hpp"
#include "platform/system.hpp"
#include "plugin/builtin_backends.hpp"
#include "support/libovert_dir.hpp"
#include "support/trusted_file.hpp"

#include <cerrno>
#include <filesystem>
#include <thread>
#include <vector>

namespace overt::delivery {
namespace {

bool trusted_program(const std::string& path, std::string& why) {
    const std::filesystem::path p(path);
    try {
        support::open_trusted(p.parent_path().string(), p.filename().string());
        if (!is_executable(path)) {
            why = path + ": not executable";
            return false;
        }
        return true;
    } catch (const support::Refusal& refusal) {
        why = path + ": " + refusal.what();
        return false;
    }
}

// The sender and the helpers it is started through all pass the checks.
bool trusted_with_helpers(const std::string& program, std::string& why) {
    if (!trusted_program(program, why)) return false;
    for (const auto& helper : sender_helper_programs(program))
        if (!trusted_program(helper, why)) return false;
    return true;
}

std::string sender_lock_path(const std::string& data_dir) {
    return (std::filesystem::path(data_dir) / kSenderLockName).string();
}

}  // namespace

std::string find_sender_program(std::string& why) {
    if (const char* configured = platform::trusted_getenv("OVERT_SENDER"); configured && *configured) {
        if (trusted_with_helpers(configured, why)) return configured;
        why = "OVERT_SENDER=" + std::string(configured) + ": " + why;
        return {};
    }
    // A static libovert's tool forks its own sender instead: an installed overt-sender has none
    // of the tool's built-in backends and may speak another version's request.
    if (plugin::libovert_linked_statically()) {
        why = "libovert is linked statically into this program";
        return {};
    }
    std::vector<std::string> candidates;
    if (std::string dir = support::libovert_dir(); !dir.empty()) candidates.push_back(sender_program_beside(dir));
    const std::string installed = std::string(OVERT_SENDER_INSTALL_DIR) + "/" + sender_program_name();
    candidates.push_back(installed);
    for (const auto& candidate : candidates) {
        std::error_code ec;
        if (!std::filesystem::exists(candidate, ec)) continue;
        if (trusted_with_helpers(candidate, why)) return candidate;
        return {};
    }
    why = std::string(sender_program_name()) + " not found beside libovert nor in " + OVERT_SENDER_INSTALL_DIR;
    return {};
}

int lock_for_sender(const std::string& data_dir) {
    int fd = platform::open_file(sender_lock_path(data_dir), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return -1;
    if (!platform::lock_file(fd, platform::FileLock::shared)) {
        platform::close_file(fd);
        return -1;
    }
    return fd;
}

bool sender_running(const std::string& data_dir) {
    int fd = platform::open_file(sender_lock_path(data_dir), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return false;
    const bool running = !platform::lock_file(fd, platform::FileLock::exclusive, false) && errno == EWOULDBLOCK;
    platform::close_file(fd);  // releases the exclusive lock if we got it
    return running;
}

bool wait_for_senders(const std::string& data_dir, std::chrono::steady_clock::time_point deadline) {
    int fd = platform::open_file(sender_lock_path(data_dir), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return true;  // no sender ever ran here
    bool idle = false;
    for (;;) {
        if (platform::lock_file(fd, platform::FileLock::exclusive, false)) {
            idle = true;
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    platform::close_file(fd);  // releases the exclusive lock at once
    return idle;
}


}  // namespace overt::delivery
