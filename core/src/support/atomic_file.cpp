// SPDX-License-Identifier: MIT
#include "support/atomic_file.hpp"

#include "platform/fd.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>

namespace overt::support {
namespace {

std::atomic<uint64_t> g_temp_sequence{0};

bool write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const long long n = platform::write_file(fd, text.data(), text.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        text.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

}  // namespace

void fsync_directory(const std::filesystem::path& dir) {
    int fd = platform::open_file(dir.empty() ? std::string(".") : dir.string(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    platform::sync_file(fd);
    platform::close_file(fd);
}

bool write_file_atomically(const AtomicWrite& write, std::string_view content, std::string& error) {
    std::filesystem::path temp = write.temp;
    if (temp.empty())
        temp = write.target.parent_path() / ("." + write.target.filename().string() + "." +
                                             std::to_string(platform::current_pid()) + "." +
                                             std::to_string(g_temp_sequence.fetch_add(1)) + ".tmp");
    const int at = write.dir_fd >= 0 ? write.dir_fd : platform::kCurrentDirFd;
    const auto shown = [&](const std::filesystem::path& name) {
        return (write.dir_fd >= 0 && !write.shown_dir.empty() ? write.shown_dir / name : name).string();
    };
    int fd = platform::open_at(at, temp.string(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, write.mode);
    if (fd < 0) {
        error = "cannot create " + shown(temp) + ": " + std::strerror(errno);
        return false;
    }
    bool ok = write_all(fd, content) && (write.durability == Durability::deferred || platform::sync_file(fd) == 0);
    int saved = errno;
    if (platform::close_file(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (!ok || platform::rename_at(at, temp.string(), at, write.target.string()) != 0) {
        if (ok) saved = errno;
        error = "cannot write " + shown(write.target) + ": " + std::strerror(saved);
        platform::unlink_at(at, temp.string());
        return false;
    }
    if (write.durability == Durability::fsync) {
        if (write.dir_fd >= 0)
            platform::sync_file(write.dir_fd);
        else
            fsync_directory(write.target.parent_path());
    }
    return true;
}

}  // namespace overt::support
