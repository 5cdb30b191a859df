// SPDX-License-Identifier: MIT
#include "platform/system.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <arpa/inet.h>
#include <net/if.h>
#include <pthread.h>
#include <sys/random.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace overt::platform {
namespace {

std::string read_trimmed_line(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) return {};
    std::ostringstream content;
    content << in.rdbuf();
    std::string text = content.str();
    auto is_space = [](unsigned char c) { return std::isspace(c) != 0; };
    text.erase(text.begin(), std::find_if_not(text.begin(), text.end(), is_space));
    text.erase(std::find_if_not(text.rbegin(), text.rend(), is_space).base(), text.end());
    return text;
}

}  // namespace

std::string os_machine_id() { return read_trimmed_line("/etc/machine-id"); }

// Go's net.Interfaces() on Linux: index order; loopback skipped; a hardware address that is
// all zeros or IP-sized (tunnels) counts as none.
std::string first_mac_address() {
    std::error_code error;
    std::map<long, std::string> by_index;
    for (const auto& entry : std::filesystem::directory_iterator("/sys/class/net", error)) {
        const auto dir = entry.path();
        unsigned long flags = std::strtoul(read_trimmed_line(dir / "flags").c_str(), nullptr, 16);
        if (flags & IFF_LOOPBACK) continue;
        std::string address = read_trimmed_line(dir / "address");
        std::transform(address.begin(), address.end(), address.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        size_t bytes = address.empty() ? 0 : std::count(address.begin(), address.end(), ':') + 1;
        bool nonzero = address.find_first_not_of("0:") != std::string::npos;
        if (bytes == 0 || bytes == 4 || bytes == 16 || !nonzero) continue;
        std::string index_text = read_trimmed_line(dir / "ifindex");
        if (index_text.empty()) continue;
        by_index.emplace(std::strtol(index_text.c_str(), nullptr, 10), std::move(address));
    }
    return by_index.empty() ? std::string() : by_index.begin()->second;
}

std::string host_name() {
    char buffer[256] = {};
    if (gethostname(buffer, sizeof buffer - 1) != 0) return {};
    return buffer;
}

bool fill_random(void* buffer, size_t size) {
    auto* bytes = static_cast<unsigned char*>(buffer);
    size_t got = 0;
    while (got < size) {
        const ssize_t n = ::getrandom(bytes + got, size - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        got += static_cast<size_t>(n);
    }
    return true;
}

std::string program_path() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.string();
}

// sh puts xdg-open in the background and exits at once, so we wait only for sh and leave no
// zombie. The URL is an argument, never part of the shell text.
void open_with_desktop(const std::string& url) {
    const char* display = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    if (!(display && *display) && !(wayland && *wayland)) return;
    const char* argv[] = {"/bin/sh", "-c", "xdg-open \"$1\" </dev/null >/dev/null 2>&1 &", "sh", url.c_str(), nullptr};
    pid_t shell = 0;
    if (posix_spawn(&shell, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv), environ) == 0)
        waitpid(shell, nullptr, 0);
}

bool is_ipv6_address(const std::string& text) {
    in6_addr address{};
    return inet_pton(AF_INET6, text.c_str(), &address) == 1;
}

const char* trusted_getenv(const char* name) { return ::secure_getenv(name); }

void on_fork_in_child(void (*fn)()) { ::pthread_atfork(nullptr, nullptr, fn); }

}  // namespace overt::platform
