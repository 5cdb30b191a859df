// SPDX-License-Identifier: MIT
// The per-process Origin: os and arch in Go's spelling (the seed's wire values), the compiler
// as runtime_version, and the kernel version as the seed reads it (spec §4.2).
#include <overt/collector.hpp>

#include <fstream>
#include <iterator>
#include <sstream>

namespace overt {
namespace {

constexpr const char* current_os() {
#if defined(__linux__)
    return "linux";
#elif defined(__APPLE__)
    return "darwin";
#elif defined(_WIN32)
    return "windows";
#elif defined(__FreeBSD__)
    return "freebsd";
#else
    return "unknown";
#endif
}

constexpr const char* current_arch() {
#if defined(__x86_64__) || defined(_M_X64)
    return "amd64";
#elif defined(__aarch64__) || defined(_M_ARM64)
    return "arm64";
#elif defined(__i386__) || defined(_M_IX86)
    return "386";
#elif defined(__arm__)
    return "arm";
#elif defined(__riscv) && __riscv_xlen == 64
    return "riscv64";
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
    return "ppc64le";
#elif defined(__s390x__)
    return "s390x";
#else
    return "unknown";
#endif
}

std::string compiler_version() {
#if defined(__clang__)
    return "clang " + std::to_string(__clang_major__) + "." + std::to_string(__clang_minor__) + "." +
           std::to_string(__clang_patchlevel__);
#elif defined(__GNUC__)
    return std::string("gcc ") + __VERSION__;
#else
    return "unknown";
#endif
}

// Linux: third whitespace-separated field of /proc/version; fewer fields: the whole text
// trimmed; unreadable: the os name.
std::string os_version() {
#if defined(__linux__)
    std::ifstream in("/proc/version");
    if (!in) return current_os();
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(content);
    std::string field;
    for (int i = 0; i < 3 && fields >> field; ++i) {
        if (i == 2) return field;
    }
    auto first = content.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return current_os();
    auto last = content.find_last_not_of(" \t\r\n");
    return content.substr(first, last - first + 1);
#else
    return current_os();
#endif
}

}  // namespace

Origin make_origin(std::string machine_id, std::string tool_name, std::string tool_version) {
    static const std::string kOsVersion = os_version();
    Origin origin;
    origin.machine_id = std::move(machine_id);
    origin.tool_name = std::move(tool_name);
    origin.version = std::move(tool_version);
    origin.os = current_os();
    origin.arch = current_arch();
    origin.runtime_version = compiler_version();
    origin.os_version = kOsVersion;
    return origin;
}

}  // namespace overt
