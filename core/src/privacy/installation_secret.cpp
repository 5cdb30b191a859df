// SPDX-License-Identifier: MIT
#include "privacy/installation_secret.hpp"

#include "platform/files.hpp"
#include "platform/system.hpp"
#include "platform/user.hpp"
#include "support/atomic_file.hpp"
#include "support/logger.hpp"

#include <overt/data_dir.hpp>

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
    std::string secret = platform::read_private_file(path, 2 * kSecretBytes + 1);
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
    if (!platform::fill_random(random, sizeof random)) return {};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string secret;
    for (unsigned char byte : random) {
        secret += kHex[byte >> 4];
        secret += kHex[byte & 0xf];
    }
    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    platform::restrict_dir_to_user(dir.string());
    std::string error;
    // Two processes creating it at once: the file last renamed wins; read it back so both agree.
    if (!support::write_file_atomically(support::AtomicWrite::at(path), secret + "\n", error)) {
        detail::logger()->warn("overt: cannot keep the installation secret: {}", error);
        return {};
    }
    return read_secret(path);
}

}  // namespace overt::privacy
