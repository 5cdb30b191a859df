// SPDX-License-Identifier: MIT
// The file backend's few system calls: POSIX (file_io_posix.cpp) or the Windows CRT
// (file_io_windows.cpp). A plugin links nothing of libovert, so it has its own.
#pragma once

#include <string>

namespace overt_file_backend {

// open(O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600); -1 with errno set on failure.
int open_for_append(const std::string& path);
// mkdir -p of the parent directories of `path`, each new one 0700; 0 or the errno.
int create_parent_dirs(const std::string& path);
long long write_some(int fd, const char* data, size_t size);
int sync_to_disk(int fd);
int close_file(int fd);

}  // namespace overt_file_backend
