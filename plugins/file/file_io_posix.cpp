// SPDX-License-Identifier: MIT
#include "file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace overt_file_backend {

int open_for_append(const std::string& path) {
    return ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

int create_parent_dirs(const std::string& path) {
    for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        const std::string dir = path.substr(0, slash);
        if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return errno;
    }
    return 0;
}

long long write_some(int fd, const char* data, size_t size) { return ::write(fd, data, size); }
int sync_to_disk(int fd) { return ::fsync(fd); }
int close_file(int fd) { return ::close(fd); }

}  // namespace overt_file_backend
