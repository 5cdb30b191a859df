// SPDX-License-Identifier: MIT
// Trust checks on a file overt loads or runs (a plugin, the transport module, overt-sender),
// done before anything loads it (loading runs its code). Implemented per platform:
// platform/trusted_file_posix.cpp (owner and mode bits), platform/trusted_file_windows.cpp
// (owner SID, DACL, reparse points). Internal to libovert.
#pragma once

#include <compare>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace overt::support {

// Why a plugin file is not used. what() is the reason alone; callers add the path.
class Refusal : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

// Which file it is, whatever name it was reached by: (st_dev, st_ino); on Windows (volume
// serial number, file index).
struct FileIdentity {
    uint64_t device = 0;
    uint64_t inode = 0;
    auto operator<=>(const FileIdentity&) const = default;
};

// An open, checked plugin file. The open file keeps the checked inode so the bytes hashed and
// loaded are the ones that passed the checks (on Windows it is open without FILE_SHARE_WRITE
// or FILE_SHARE_DELETE: nobody can change, rename or delete it until it is closed).
class TrustedFile {
   public:
    TrustedFile(intptr_t handle, std::string resolved_path, FileIdentity identity) noexcept
        : handle_(handle), resolved_path_(std::move(resolved_path)), identity_(identity) {}
    ~TrustedFile();
    TrustedFile(TrustedFile&& other) noexcept;
    TrustedFile(const TrustedFile&) = delete;
    TrustedFile& operator=(const TrustedFile&) = delete;
    TrustedFile& operator=(TrustedFile&&) = delete;

    // The descriptor (POSIX) or the HANDLE (Windows).
    intptr_t native_handle() const noexcept { return handle_; }
    const std::string& resolved_path() const noexcept { return resolved_path_; }
    FileIdentity identity() const noexcept { return identity_; }
    // The name to load it by: "/proc/self/fd/N" (loads exactly the checked inode); on Windows
    // the resolved path, which the open handle keeps from being replaced.
    std::string load_path() const;

   private:
    intptr_t handle_;
    std::string resolved_path_;
    FileIdentity identity_;
};

// Opens <dir>/<file_name> if it is a regular file (a symlink or reparse point only when it
// resolves inside the same directory) and
//   POSIX: owned by root or the current user, neither it nor its directory group- or
//          world-writable;
//   Windows: owned by the user, Administrators, SYSTEM or TrustedInstaller, and neither its
//          DACL nor its directory's grants write to Everyone, Users or Authenticated Users.
// Throws Refusal.
TrustedFile open_trusted(const std::string& dir, const std::string& file_name);

// Lowercase hex SHA-256 of the whole checked file (positioned reads; the offset is untouched).
std::string sha256_hex(const TrustedFile& file);

// Lowercase hex SHA-256 of the file at path; throws Refusal when it cannot be read.
std::string sha256_hex_of_path(const std::string& path);

}  // namespace overt::support
