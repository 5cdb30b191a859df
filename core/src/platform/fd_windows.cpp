// SPDX-License-Identifier: MIT
#include "platform/fd.hpp"

#include "platform/windows_text.hpp"

#include <io.h>

#include <cerrno>
#include <map>
#include <mutex>
#include <vector>

namespace overt::platform {
namespace {

using windows::narrow;
using windows::widen;

// Directory "descriptors": numbers far above the CRT's, each an open directory handle (which
// keeps the directory from being renamed or removed while it is used) and its path.
constexpr int kFirstDirFd = 1 << 24;
struct OpenDir {
    HANDLE handle;
    std::wstring path;
};
std::mutex g_dirs_mutex;
std::map<int, OpenDir>& open_dirs() {
    static auto& dirs = *new std::map<int, OpenDir>;  // never destroyed: used until exit
    return dirs;
}
int g_next_dir_fd = kFirstDirFd;

int set_errno_from_last_error() {
    switch (GetLastError()) {
        case ERROR_FILE_NOT_FOUND:
        case ERROR_PATH_NOT_FOUND: errno = ENOENT; break;
        case ERROR_FILE_EXISTS:
        case ERROR_ALREADY_EXISTS: errno = EEXIST; break;
        case ERROR_ACCESS_DENIED:
        case ERROR_SHARING_VIOLATION: errno = EACCES; break;
        case ERROR_LOCK_VIOLATION:
        case ERROR_IO_PENDING: errno = EWOULDBLOCK; break;
        case ERROR_DIR_NOT_EMPTY: errno = ENOTEMPTY; break;
        case ERROR_DISK_FULL: errno = ENOSPC; break;
        default: errno = EIO; break;
    }
    return -1;
}

// The path `name` names relative to dir_fd (or the current directory).
std::wstring path_in(int dir_fd, const std::string& name) {
    if (dir_fd == kCurrentDirFd) return widen(name);
    std::lock_guard lock(g_dirs_mutex);
    auto found = open_dirs().find(dir_fd);
    if (found == open_dirs().end()) return {};
    return found->second.path + L"\\" + widen(name);
}

int open_directory(const std::wstring& path) {
    HANDLE handle = CreateFileW(path.c_str(), FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES | READ_CONTROL,
                                FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING,
                                FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
    if (handle == INVALID_HANDLE_VALUE) return set_errno_from_last_error();
    BY_HANDLE_FILE_INFORMATION info{};
    if (!GetFileInformationByHandle(handle, &info) || !(info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ||
        (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)) {
        CloseHandle(handle);
        errno = ENOTDIR;
        return -1;
    }
    std::lock_guard lock(g_dirs_mutex);
    const int fd = g_next_dir_fd++;
    open_dirs().emplace(fd, OpenDir{handle, path});
    return fd;
}

HANDLE os_handle(int fd) {
    {
        std::lock_guard lock(g_dirs_mutex);
        if (auto found = open_dirs().find(fd); found != open_dirs().end()) return found->second.handle;
    }
    return reinterpret_cast<HANDLE>(_get_osfhandle(fd));
}

int open_wide(const std::wstring& path, int flags) {
    if (path.empty()) {
        errno = EBADF;
        return -1;
    }
    if (flags & O_DIRECTORY) return open_directory(path);
    const int access_mode = flags & (O_RDONLY | O_WRONLY | O_RDWR);
    DWORD access = access_mode == O_WRONLY ? GENERIC_WRITE : access_mode == O_RDWR ? GENERIC_READ | GENERIC_WRITE : GENERIC_READ;
    if (flags & O_APPEND) access = (access & ~GENERIC_WRITE) | FILE_APPEND_DATA | SYNCHRONIZE;
    DWORD disposition = OPEN_EXISTING;
    if ((flags & O_CREAT) && (flags & O_EXCL)) disposition = CREATE_NEW;
    else if ((flags & O_CREAT) && (flags & O_TRUNC)) disposition = CREATE_ALWAYS;
    else if (flags & O_CREAT) disposition = OPEN_ALWAYS;
    else if (flags & O_TRUNC) disposition = TRUNCATE_EXISTING;
    // FILE_SHARE_DELETE: as on POSIX, an open file can be renamed over or removed.
    HANDLE handle = CreateFileW(path.c_str(), access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                disposition, FILE_ATTRIBUTE_NORMAL | ((flags & O_NOFOLLOW) ? FILE_FLAG_OPEN_REPARSE_POINT : 0),
                                nullptr);
    if (handle == INVALID_HANDLE_VALUE) return set_errno_from_last_error();
    int crt_flags = _O_BINARY | (access_mode == O_RDONLY ? _O_RDONLY : 0) | ((flags & O_APPEND) ? _O_APPEND : 0);
    const int fd = _open_osfhandle(reinterpret_cast<intptr_t>(handle), crt_flags);
    if (fd < 0) CloseHandle(handle);
    return fd;
}

int64_t filetime_to_unix_ns(const FILETIME& time) {
    const uint64_t ticks = (static_cast<uint64_t>(time.dwHighDateTime) << 32) | time.dwLowDateTime;
    return static_cast<int64_t>(ticks - 116'444'736'000'000'000ULL) * 100;
}

bool status_of_handle(HANDLE handle, FileStatus& status) {
    BY_HANDLE_FILE_INFORMATION info{};
    if (!GetFileInformationByHandle(handle, &info)) return set_errno_from_last_error() == 0;
    status.directory = (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
    status.symlink = (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0;
    status.regular = !status.directory && !status.symlink;
    status.size = (static_cast<uint64_t>(info.nFileSizeHigh) << 32) | info.nFileSizeLow;
    status.device = info.dwVolumeSerialNumber;
    status.inode = (static_cast<uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow;
    status.links = info.nNumberOfLinks;
    status.mtime_ns = filetime_to_unix_ns(info.ftLastWriteTime);
    // The per-user folders' ACLs keep others out; ownership is the trust checks' business.
    status.owned_by_user = true;
    return true;
}

bool status_of_path(const std::wstring& path, FileStatus& status, bool follow) {
    HANDLE handle = CreateFileW(path.c_str(), FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                nullptr, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | (follow ? 0 : FILE_FLAG_OPEN_REPARSE_POINT),
                                nullptr);
    if (handle == INVALID_HANDLE_VALUE) return set_errno_from_last_error() == 0;
    const bool ok = status_of_handle(handle, status);
    CloseHandle(handle);
    return ok;
}

}  // namespace

int open_file(const std::string& path, int flags, unsigned) { return open_wide(widen(path), flags); }
int open_at(int dir_fd, const std::string& name, int flags, unsigned) { return open_wide(path_in(dir_fd, name), flags); }

int close_file(int fd) {
    {
        std::lock_guard lock(g_dirs_mutex);
        if (auto found = open_dirs().find(fd); found != open_dirs().end()) {
            CloseHandle(found->second.handle);
            open_dirs().erase(found);
            return 0;
        }
    }
    return _close(fd);
}

long long read_file(int fd, void* buffer, size_t size) {
    return _read(fd, buffer, static_cast<unsigned>(std::min<size_t>(size, 1u << 30)));
}
long long write_file(int fd, const void* buffer, size_t size) {
    return _write(fd, buffer, static_cast<unsigned>(std::min<size_t>(size, 1u << 30)));
}

long long read_at(int fd, void* buffer, size_t size, uint64_t offset) {
    OVERLAPPED at{};
    at.Offset = static_cast<DWORD>(offset);
    at.OffsetHigh = static_cast<DWORD>(offset >> 32);
    DWORD got = 0;
    if (!ReadFile(os_handle(fd), buffer, static_cast<DWORD>(std::min<size_t>(size, 1u << 30)), &got, &at))
        return GetLastError() == ERROR_HANDLE_EOF ? 0 : set_errno_from_last_error();
    return got;
}

int truncate_file(int fd, uint64_t size) { return _chsize_s(fd, static_cast<long long>(size)) == 0 ? 0 : -1; }

int sync_file(int fd) {
    {
        std::lock_guard lock(g_dirs_mutex);
        if (open_dirs().count(fd)) return 0;
    }
    return FlushFileBuffers(os_handle(fd)) ? 0 : set_errno_from_last_error();
}

// One byte far past any content stands for the whole file, so the lock never blocks reads or
// writes of the data (LockFileEx locks are mandatory on the bytes they cover).
bool lock_file(int fd, FileLock lock, bool wait) {
    HANDLE handle = os_handle(fd);
    OVERLAPPED at{};
    at.Offset = 0xFFFFFFFE;
    at.OffsetHigh = 0x7FFFFFFF;
    if (lock == FileLock::unlock) return UnlockFileEx(handle, 0, 1, 0, &at) || set_errno_from_last_error() == 0;
    // flock converts a held lock; LockFileEx would stack a second one on the same handle.
    UnlockFileEx(handle, 0, 1, 0, &at);
    DWORD flags = (lock == FileLock::exclusive ? LOCKFILE_EXCLUSIVE_LOCK : 0) | (wait ? 0 : LOCKFILE_FAIL_IMMEDIATELY);
    if (LockFileEx(handle, flags, 0, 1, 0, &at)) return true;
    set_errno_from_last_error();
    if (!wait) errno = EWOULDBLOCK;
    return false;
}

namespace {

// rename(2)'s semantics (replace a file others hold open, if they let it be deleted) by
// FileRenameInfoEx with FILE_RENAME_FLAG_POSIX_SEMANTICS (Windows 10 1607+ on NTFS).
bool rename_with_posix_semantics(const std::wstring& source, const std::wstring& target) {
    HANDLE handle = CreateFileW(source.c_str(), DELETE | SYNCHRONIZE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                nullptr, OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
    if (handle == INVALID_HANDLE_VALUE) return false;
    const size_t size = sizeof(FILE_RENAME_INFO) + target.size() * sizeof(wchar_t);
    std::vector<unsigned char> buffer(size, 0);
    auto* info = reinterpret_cast<FILE_RENAME_INFO*>(buffer.data());
    info->Flags = FILE_RENAME_FLAG_REPLACE_IF_EXISTS | FILE_RENAME_FLAG_POSIX_SEMANTICS;
    info->FileNameLength = static_cast<DWORD>(target.size() * sizeof(wchar_t));
    std::copy(target.begin(), target.end(), info->FileName);
    // FileRenameInfoEx (22); mingw declares it only for _WIN32_WINNT 0x0A000002, not a valid value.
    constexpr auto kFileRenameInfoEx = static_cast<FILE_INFO_BY_HANDLE_CLASS>(22);
    const bool renamed = SetFileInformationByHandle(handle, kFileRenameInfoEx, info, static_cast<DWORD>(size));
    const DWORD error = GetLastError();
    CloseHandle(handle);
    SetLastError(error);
    return renamed;
}

}  // namespace

// MoveFileExW (replace, write through); a target another process holds open makes it fail
// with access denied on NTFS, where the POSIX-semantics rename still replaces it.
int rename_at(int from_dir_fd, const std::string& from, int to_dir_fd, const std::string& to) {
    const std::wstring source = path_in(from_dir_fd, from), target = path_in(to_dir_fd, to);
    if (MoveFileExW(source.c_str(), target.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) return 0;
    if (GetLastError() == ERROR_ACCESS_DENIED && rename_with_posix_semantics(source, target)) return 0;
    return set_errno_from_last_error();
}

int unlink_at(int dir_fd, const std::string& name, bool directory) {
    const std::wstring path = path_in(dir_fd, name);
    return (directory ? RemoveDirectoryW(path.c_str()) : DeleteFileW(path.c_str())) ? 0 : set_errno_from_last_error();
}

int mkdir_at(int dir_fd, const std::string& name, unsigned) {
    return CreateDirectoryW(path_in(dir_fd, name).c_str(), nullptr) ? 0 : set_errno_from_last_error();
}
int make_dir(const std::string& path, unsigned) {
    return CreateDirectoryW(widen(path).c_str(), nullptr) ? 0 : set_errno_from_last_error();
}

bool list_dir(int dir_fd, std::vector<std::string>& names) {
    const std::wstring pattern = path_in(dir_fd, "*");
    if (pattern.empty()) return false;
    WIN32_FIND_DATAW entry{};
    HANDLE find = FindFirstFileExW(pattern.c_str(), FindExInfoBasic, &entry, FindExSearchNameMatch, nullptr, 0);
    if (find == INVALID_HANDLE_VALUE) return GetLastError() == ERROR_FILE_NOT_FOUND;
    do {
        const std::wstring name = entry.cFileName;
        if (name != L"." && name != L"..") names.push_back(narrow(name));
    } while (FindNextFileW(find, &entry));
    FindClose(find);
    return true;
}

bool stat_fd(int fd, FileStatus& status) { return status_of_handle(os_handle(fd), status); }
bool stat_at(int dir_fd, const std::string& name, FileStatus& status) {
    return status_of_path(path_in(dir_fd, name), status, false);
}
bool stat_path(const std::string& path, FileStatus& status, bool follow) {
    return status_of_path(widen(path), status, follow);
}

bool is_terminal(int fd) { return _isatty(fd) != 0; }

bool process_exists(int64_t pid) {
    HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, static_cast<DWORD>(pid));
    if (!process) return GetLastError() == ERROR_ACCESS_DENIED;  // it exists, it is not ours
    DWORD code = 0;
    const bool running = GetExitCodeProcess(process, &code) && code == STILL_ACTIVE;
    CloseHandle(process);
    return running;
}

int64_t current_pid() { return GetCurrentProcessId(); }

}  // namespace overt::platform
