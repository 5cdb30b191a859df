// SPDX-License-Identifier: MIT
// Paths are UTF-8 (as everywhere in overt), so the wide CRT calls get them converted.
#include "file_io.hpp"

#include <windows.h>

#include <fcntl.h>
#include <io.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <direct.h>

namespace overt_file_backend {
namespace {

std::wstring wide(const std::string& text) {
    if (text.empty()) return {};
    const int size = MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
    std::wstring out(static_cast<size_t>(size), L'\0');
    MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), size);
    return out;
}

}  // namespace

// _O_NOINHERIT: not inherited by processes the tool starts (O_CLOEXEC's counterpart).
int open_for_append(const std::string& path) {
    return _wopen(wide(path).c_str(), _O_WRONLY | _O_APPEND | _O_CREAT | _O_BINARY | _O_NOINHERIT, _S_IREAD | _S_IWRITE);
}

// Either separator; "C:\" itself is not created. New folders inherit the parent's ACL.
int create_parent_dirs(const std::string& path) {
    const size_t first = path.size() > 2 && path[1] == ':' ? 3 : 1;
    for (size_t at = path.find_first_of("\\/", first); at != std::string::npos; at = path.find_first_of("\\/", at + 1)) {
        if (_wmkdir(wide(path.substr(0, at)).c_str()) != 0 && errno != EEXIST) return errno;
    }
    return 0;
}

long long write_some(int fd, const char* data, size_t size) {
    return _write(fd, data, static_cast<unsigned>(std::min<size_t>(size, 1u << 30)));
}
int sync_to_disk(int fd) { return _commit(fd); }
int close_file(int fd) { return _close(fd); }

}  // namespace overt_file_backend
