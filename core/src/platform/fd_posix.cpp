// SPDX-License-Identifier: MIT
#include "platform/fd.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace overt::platform {
namespace {

void fill_status(const struct stat& st, FileStatus& status) {
    status.regular = S_ISREG(st.st_mode);
    status.directory = S_ISDIR(st.st_mode);
    status.symlink = S_ISLNK(st.st_mode);
    status.size = static_cast<uint64_t>(st.st_size);
    status.device = static_cast<uint64_t>(st.st_dev);
    status.inode = static_cast<uint64_t>(st.st_ino);
    status.links = static_cast<uint64_t>(st.st_nlink);
    status.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    status.owner_uid = st.st_uid;
    status.owned_by_user = st.st_uid == ::geteuid();
    status.writable_by_others = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
    status.accessible_by_others = (st.st_mode & 077) != 0;
}

}  // namespace

int open_file(const std::string& path, int flags, unsigned mode) { return ::open(path.c_str(), flags, mode); }
int open_at(int dir_fd, const std::string& name, int flags, unsigned mode) {
    return ::openat(dir_fd == kCurrentDirFd ? AT_FDCWD : dir_fd, name.c_str(), flags, mode);
}
int close_file(int fd) { return ::close(fd); }
long long read_file(int fd, void* buffer, size_t size) { return ::read(fd, buffer, size); }
long long write_file(int fd, const void* buffer, size_t size) { return ::write(fd, buffer, size); }
long long read_at(int fd, void* buffer, size_t size, uint64_t offset) {
    return ::pread(fd, buffer, size, static_cast<off_t>(offset));
}
int truncate_file(int fd, uint64_t size) { return ::ftruncate(fd, static_cast<off_t>(size)); }
int sync_file(int fd) { return ::fsync(fd); }

bool lock_file(int fd, FileLock lock, bool wait) {
    int operation = lock == FileLock::shared ? LOCK_SH : lock == FileLock::exclusive ? LOCK_EX : LOCK_UN;
    if (!wait) operation |= LOCK_NB;
    int result;
    while ((result = ::flock(fd, operation)) != 0 && errno == EINTR) {
    }
    return result == 0;
}

int rename_at(int from_dir_fd, const std::string& from, int to_dir_fd, const std::string& to) {
    return ::renameat(from_dir_fd == kCurrentDirFd ? AT_FDCWD : from_dir_fd, from.c_str(),
                      to_dir_fd == kCurrentDirFd ? AT_FDCWD : to_dir_fd, to.c_str());
}
int unlink_at(int dir_fd, const std::string& name, bool directory) {
    return ::unlinkat(dir_fd == kCurrentDirFd ? AT_FDCWD : dir_fd, name.c_str(), directory ? AT_REMOVEDIR : 0);
}
int mkdir_at(int dir_fd, const std::string& name, unsigned mode) {
    return ::mkdirat(dir_fd == kCurrentDirFd ? AT_FDCWD : dir_fd, name.c_str(), mode);
}
int make_dir(const std::string& path, unsigned mode) { return ::mkdir(path.c_str(), mode); }

bool list_dir(int dir_fd, std::vector<std::string>& names) {
    // fdopendir owns (and closedir closes) its descriptor: give it a copy.
    const int copy = ::dup(dir_fd);
    if (copy < 0) return false;
    DIR* dir = ::fdopendir(copy);
    if (!dir) {
        ::close(copy);
        return false;
    }
    ::rewinddir(dir);
    while (const dirent* entry = ::readdir(dir)) {
        if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) names.emplace_back(entry->d_name);
    }
    ::closedir(dir);
    return true;
}

bool stat_fd(int fd, FileStatus& status) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return false;
    fill_status(st, status);
    return true;
}
bool stat_at(int dir_fd, const std::string& name, FileStatus& status) {
    struct stat st {};
    if (::fstatat(dir_fd == kCurrentDirFd ? AT_FDCWD : dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return false;
    fill_status(st, status);
    return true;
}
bool stat_path(const std::string& path, FileStatus& status, bool follow) {
    struct stat st {};
    if ((follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st)) != 0) return false;
    fill_status(st, status);
    return true;
}

bool is_terminal(int fd) { return ::isatty(fd) != 0; }
bool process_exists(int64_t pid) { return !(::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH); }
int64_t current_pid() { return ::getpid(); }

}  // namespace overt::platform
