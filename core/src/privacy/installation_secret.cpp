// SPDX-License-Identifier: MIT
#include "privacy/installation_secret.hpp"

#include "support/atomic_file.hpp"
#include "support/logger.hpp"

#include <overt/data_dir.hpp>

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace overt::privacy {
namespace {

constexpr size_t kSecretBytes = 32;
constexpr const char* kFileName = "installation-secret";

bool is_hex_secret(const std::string& text) {
    return text.size() == 2 * kSecretBytes && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// The secret in the file, if the file is a private regular file of ours holding one.
std::string read_secret(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return {};
    struct stat st {};
    char text[2 * kSecretBytes + 2] = {};
    ssize_t n = -1;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
        (st.st_mode & (S_IRWXG | S_IRWXO)) == 0)
        n = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    std::string secret = n > 0 ? std::string(text, static_cast<size_t>(n)) : std::string();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    return is_hex_secret(secret) ? secret : std::string();
}

}  // namespace

std::string installation_secret_path() {
    // The parent of any tool's config dir: the secret is the installation's, beside the tools' dirs.
    return (std::filesystem::path(user_config_dir("x")).parent_path() / kFileName).string();
}

std::string installation_secret(bool create) {
    const std::string path = installation_secret_path();
    if (std::string secret = read_secret(path); !secret.empty() || !create) return secret;
    unsigned char random[kSecretBytes];
    size_t got = 0;
    while (got < sizeof random) {
        const ssize_t n = ::getrandom(random + got, sizeof random - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return {};
        got += static_cast<size_t>(n);
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string secret;
    for (unsigned char byte : random) {
        secret += kHex[byte >> 4];
        secret += kHex[byte & 0xf];
    }
    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    ::chmod(dir.c_str(), 0700);
    std::string error;
    // Two processes creating it at once: the file last renamed wins; read it back so both agree.
    if (!support::write_file_atomically(support::AtomicWrite::at(path), secret + "\n", error)) {
        detail::logger()->warn("overt: cannot keep the installation secret: {}", error);
        return {};
    }
    return read_secret(path);
}

}  // namespace overt::privacy
