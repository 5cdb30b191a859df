// SPDX-License-Identifier: MIT
#include "platform/shared_library.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>

namespace overt::platform {

std::string_view plugin_file_prefix() { return "libovert-"; }
std::string_view plugin_file_suffix() { return ".so"; }

// glibc's words for a non-ELF file vary with its length ("file too short", "invalid ELF header").
std::string not_a_shared_library(const support::TrustedFile& file) {
    unsigned char magic[4] = {};
    const int fd = static_cast<int>(file.native_handle());
    if (::pread(fd, magic, sizeof magic, 0) != static_cast<ssize_t>(sizeof magic) || magic[0] != 0x7f ||
        magic[1] != 'E' || magic[2] != 'L' || magic[3] != 'F')
        return "not an ELF shared object (no ELF header)";
    return {};
}

namespace {

// dlerror() text from Boost's exception, with the /proc/self/fd/N alias replaced by the path.
std::string dlerror_text(const std::exception& e, const support::TrustedFile& file) {
    std::string text = e.what();
    static constexpr std::string_view marker = "(dlerror system message: ";
    if (size_t start = text.find(marker); start != std::string::npos) {
        start += marker.size();
        size_t end = text.rfind(')');
        text = text.substr(start, end > start ? end - start : std::string::npos);
    }
    const std::string alias = file.load_path();
    for (size_t at = text.find(alias); at != std::string::npos; at = text.find(alias, at + 1))
        text.replace(at, alias.size(), file.resolved_path());
    return text;
}

}  // namespace

// Through the checked descriptor, so the inode checked is the one loaded. The caller keeps
// the file open as long as the library is loaded: glibc knows it by its /proc/self/fd/N name.
void load_checked_library(boost::dll::shared_library& library, const support::TrustedFile& file) {
    try {
        library.load(file.load_path(), boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
        throw support::Refusal(dlerror_text(e, file));
    }
}

std::string module_dir_of(const void* address) {
    Dl_info info{};
    if (::dladdr(address, &info) == 0 || !info.dli_fname) return {};
    std::error_code ec;
    auto path = std::filesystem::canonical(info.dli_fname, ec);
    return ec ? std::string() : path.parent_path().string();
}

}  // namespace overt::platform
