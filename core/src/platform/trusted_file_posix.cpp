// SPDX-License-Identifier: MIT
#include "support/trusted_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/sha256.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <system_error>

namespace overt::support {

namespace {

std::string errno_text(int error) { return std::system_category().message(error); }

std::string octal_mode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

void check_owner_and_mode(const struct stat& st, const std::string& what) {
    const uid_t me = geteuid();
    if (st.st_uid != 0 && st.st_uid != me) {
        throw Refusal(what + " is owned by uid " + std::to_string(st.st_uid) + ", not by root or the current user (uid " +
                      std::to_string(me) + ")");
    }
    if (st.st_mode & S_IWOTH) throw Refusal(what + " is world-writable (mode " + octal_mode(st.st_mode) + ")");
    if (st.st_mode & S_IWGRP) throw Refusal(what + " is group-writable (mode " + octal_mode(st.st_mode) + ")");
}

std::string real_path(const std::string& path) {
    std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(path.c_str(), nullptr), &std::free);
    if (!resolved) throw Refusal("cannot resolve " + path + ": " + errno_text(errno));
    return resolved.get();
}

std::string parent_of(const std::string& path) {
    size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

TrustedFile::~TrustedFile() {
    if (handle_ >= 0) ::close(static_cast<int>(handle_));
}

TrustedFile::TrustedFile(TrustedFile&& other) noexcept
    : handle_(other.handle_), resolved_path_(std::move(other.resolved_path_)), identity_(other.identity_) {
    other.handle_ = -1;
}

std::string TrustedFile::load_path() const { return "/proc/self/fd/" + std::to_string(handle_); }

TrustedFile open_trusted(const std::string& dir, const std::string& file_name) {
    const std::string dir_real = real_path(dir);
    struct stat dir_stat {};
    if (::stat(dir_real.c_str(), &dir_stat) != 0) throw Refusal("cannot stat its directory: " + errno_text(errno));
    check_owner_and_mode(dir_stat, "its directory " + dir_real);

    std::string target = dir_real + "/" + file_name;
    struct stat link_stat {};
    if (::lstat(target.c_str(), &link_stat) != 0) throw Refusal("cannot stat: " + errno_text(errno));
    if (S_ISLNK(link_stat.st_mode)) {
        // A link to a sibling (libovert-x.so -> libovert-x.so.1.2) is fine; anything else
        // would let a trusted directory vouch for a file it does not hold.
        const std::string resolved = real_path(target);
        if (parent_of(resolved) != dir_real) throw Refusal("symlink points outside its directory, to " + resolved);
        target = resolved;
        if (::lstat(target.c_str(), &link_stat) != 0) throw Refusal("cannot stat " + target + ": " + errno_text(errno));
    }
    if (!S_ISREG(link_stat.st_mode)) throw Refusal("not a regular file");

    const int fd = ::open(target.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) throw Refusal("cannot open: " + errno_text(errno));
    TrustedFile file(fd, target, {static_cast<uint64_t>(link_stat.st_dev), static_cast<uint64_t>(link_stat.st_ino)});
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw Refusal("cannot stat: " + errno_text(errno));
    if (!S_ISREG(st.st_mode) || st.st_dev != link_stat.st_dev || st.st_ino != link_stat.st_ino)
        throw Refusal("file was replaced while being checked");
    check_owner_and_mode(st, "the file");
    return file;
}

std::string sha256_hex(const TrustedFile& file) {
    const int fd = static_cast<int>(file.native_handle());
    platform::Sha256 hash;
    std::array<unsigned char, 64 * 1024> buffer;
    off_t offset = 0;
    for (;;) {
        const ssize_t n = ::pread(fd, buffer.data(), buffer.size(), offset);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Refusal("cannot read for the sha256 check: " + errno_text(errno));
        }
        if (n == 0) break;
        hash.update(buffer.data(), static_cast<size_t>(n));
        offset += n;
    }
    return platform::hex_prefix(hash.finish());
}

}  // namespace overt::support
