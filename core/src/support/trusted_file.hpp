// SPDX-License-Identifier: MIT
// Trust checks on a file overt loads or runs (a plugin, the transport module, overt-sender),
// done before anything loads it (dlopen runs its code).
// Internal to libovert.
#pragma once

#include <sys/types.h>

#include <stdexcept>
#include <string>

namespace overt::support {

// Why a plugin file is not used. what() is the reason alone; callers add the path.
class Refusal : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

// An open, checked plugin file. The fd keeps the checked inode so the bytes hashed and
// loaded are the ones that passed the checks.
class TrustedFile {
   public:
    TrustedFile(int fd, std::string resolved_path, dev_t device, ino_t inode) noexcept
        : fd_(fd), resolved_path_(std::move(resolved_path)), device_(device), inode_(inode) {}
    ~TrustedFile();
    TrustedFile(TrustedFile&& other) noexcept;
    TrustedFile(const TrustedFile&) = delete;
    TrustedFile& operator=(const TrustedFile&) = delete;
    TrustedFile& operator=(TrustedFile&&) = delete;

    int fd() const noexcept { return fd_; }
    const std::string& resolved_path() const noexcept { return resolved_path_; }
    dev_t device() const noexcept { return device_; }
    ino_t inode() const noexcept { return inode_; }
    // "/proc/self/fd/N": loading through it loads exactly the checked inode.
    std::string fd_path() const;

   private:
    int fd_;
    std::string resolved_path_;
    dev_t device_;
    ino_t inode_;
};

// Opens <dir>/<file_name> if it is a regular file (a symlink only when it resolves inside the
// same directory), owned by root or the current user, and neither it nor its directory is
// group- or world-writable. Throws Refusal.
TrustedFile open_trusted(const std::string& dir, const std::string& file_name);

// Lowercase hex SHA-256 of the whole file behind fd (read with pread; the offset is untouched).
std::string sha256_hex(int fd);

}  // namespace overt::support
