// SPDX-License-Identifier: MIT
// Descriptor-level file operations for the spill store, the counters, health and lock files:
// POSIX calls (openat, flock, fsync, renameat) on Linux and macOS; on Windows the same
// operations on CRT descriptors over CreateFileW handles (shared for delete, so a claimed
// file can still be removed), LockFileEx, FlushFileBuffers and MoveFileExW (replace, write
// through). A "directory descriptor" on Windows is an open handle that keeps the directory from
// being renamed or removed, with its path. errno is set on failure on both.
// Internal to libovert.
#pragma once

#include <fcntl.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

// The open flags are POSIX's; Windows lacks a few, which mean nothing there or are implied.
#ifndef O_CLOEXEC
#define O_CLOEXEC 0x100000     // descriptors are not inherited by CreateProcess children
#endif
#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0x200000    // reparse points are not followed
#endif
#ifndef O_DIRECTORY
#define O_DIRECTORY 0x400000
#endif
#ifndef O_NONBLOCK
#define O_NONBLOCK 0
#endif

namespace overt::platform {

inline constexpr int kCurrentDirFd = -100;  // AT_FDCWD

int open_file(const std::string& path, int flags, unsigned mode = 0600);
int open_at(int dir_fd, const std::string& name, int flags, unsigned mode = 0600);
int close_file(int fd);
long long read_file(int fd, void* buffer, size_t size);
long long write_file(int fd, const void* buffer, size_t size);
long long read_at(int fd, void* buffer, size_t size, uint64_t offset);
int truncate_file(int fd, uint64_t size);
// fsync; on Windows FlushFileBuffers (a directory needs none: MoveFileExW writes through).
int sync_file(int fd);

enum class FileLock { shared, exclusive, unlock };
// flock() semantics: advisory, whole file, per open file. wait=false: fails with EWOULDBLOCK.
bool lock_file(int fd, FileLock lock, bool wait = true);

int rename_at(int from_dir_fd, const std::string& from, int to_dir_fd, const std::string& to);
int unlink_at(int dir_fd, const std::string& name, bool directory = false);
int mkdir_at(int dir_fd, const std::string& name, unsigned mode = 0700);
int make_dir(const std::string& path, unsigned mode = 0700);
// The names in the directory (no "." or ".."); false if it cannot be read.
bool list_dir(int dir_fd, std::vector<std::string>& names);

struct FileStatus {
    bool regular = false;
    bool directory = false;
    bool symlink = false;
    uint64_t size = 0;
    uint64_t device = 0;
    uint64_t inode = 0;
    uint64_t links = 1;
    int64_t mtime_ns = 0;  // since the Unix epoch
    uint64_t owner_uid = 0;  // POSIX uid; 0 on Windows
    bool owned_by_user = false;
    bool writable_by_others = false;    // group or world write bit; Windows: not checked here
    bool accessible_by_others = false;  // any group or world bit
};
bool stat_fd(int fd, FileStatus& status);
bool stat_at(int dir_fd, const std::string& name, FileStatus& status);  // does not follow links
bool stat_path(const std::string& path, FileStatus& status, bool follow = true);

bool is_terminal(int fd);
bool process_exists(int64_t pid);
int64_t current_pid();

}  // namespace overt::platform
