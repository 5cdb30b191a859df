// SPDX-License-Identifier: MIT
// Scratch folders and environment overrides for the Windows tests.
#pragma once

#include "platform/windows_text.hpp"

#include <winsock2.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace overt::windows_test {

// Wine's ntdll exports wine_get_version; Windows' does not.
inline bool under_wine() {
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

// Removes `root` and everything under it, ignoring what cannot be removed, and tries again for a
// few seconds while something still holds a file there. Not std::filesystem::remove_all: GCC 12's
// loops for ever on Windows over an entry it cannot delete (seen under wine: sender.log, still
// open in the detached overt-sender, held the exit hand-off test until ctest's timeout).
inline void remove_tree(const std::filesystem::path& root) {
    const auto remove_entries = [](const std::filesystem::path& dir, const auto& self) -> void {
        std::error_code ec;
        std::vector<std::filesystem::path> children;
        for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
            children.push_back(it->path());
        for (const auto& child : children) {
            if (std::filesystem::is_directory(std::filesystem::symlink_status(child, ec))) self(child, self);
            std::filesystem::remove(child, ec);
        }
    };
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
        std::error_code ec;
        if (!std::filesystem::exists(std::filesystem::symlink_status(root, ec))) return;
        remove_entries(root, remove_entries);
        std::filesystem::remove(root, ec);
        if (!std::filesystem::exists(std::filesystem::symlink_status(root, ec))) return;
        if (std::chrono::steady_clock::now() >= give_up) return;  // left behind in %TEMP%
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

// A fresh folder under %TEMP%, removed at the end of the test.
class ScratchDir {
   public:
    explicit ScratchDir(const std::string& name)
        : path_(std::filesystem::temp_directory_path() /
                ("overt-test-" + name + "-" + std::to_string(GetCurrentProcessId()))) {
        remove_tree(path_);
        std::filesystem::create_directories(path_);
    }
    ~ScratchDir() { remove_tree(path_); }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

   private:
    std::filesystem::path path_;
};

// Sets an environment variable for the scope (wine sets the profile ones from its registry).
class ScopedEnvironment {
   public:
    ScopedEnvironment(const wchar_t* name, const std::wstring& value) : name_(name) {
        wchar_t old[32768];
        const DWORD n = GetEnvironmentVariableW(name, old, 32768);
        had_ = n > 0 && n < 32768;
        if (had_) old_.assign(old, n);
        SetEnvironmentVariableW(name, value.c_str());
    }
    ~ScopedEnvironment() { SetEnvironmentVariableW(name_.c_str(), had_ ? old_.c_str() : nullptr); }
    ScopedEnvironment(const ScopedEnvironment&) = delete;
    ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

   private:
    std::wstring name_, old_;
    bool had_ = false;
};

// A TCP listener on 127.0.0.1 at a free port, which `port` receives (after WSAStartup).
inline SOCKET listen_on_loopback(int backlog, int& port) {
    SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address);
    listen(listener, backlog);
    int size = sizeof address;
    getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size);
    port = ntohs(address.sin_port);
    return listener;
}

}  // namespace overt::windows_test
