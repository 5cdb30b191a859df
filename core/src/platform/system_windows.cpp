// SPDX-License-Identifier: MIT
#include "platform/system.hpp"

#include "platform/windows_text.hpp"

#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <bcrypt.h>
#include <shellapi.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace overt::platform {

std::string os_machine_id() {
    wchar_t guid[64] = {};
    DWORD size = sizeof guid;
    // KEY_WOW64_64KEY: a 32-bit build would otherwise read the redirected (empty) view.
    if (RegGetValueW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Cryptography", L"MachineGuid",
                     RRF_RT_REG_SZ | RRF_SUBKEY_WOW6464KEY, nullptr, guid, &size) != ERROR_SUCCESS)
        return {};
    return windows::narrow(guid);
}

// The first physical adapter in the system's order: no loopback, no tunnel, a 6-byte address.
std::string first_mac_address() {
    ULONG size = 16 * 1024;
    std::vector<unsigned char> buffer(size);
    ULONG result = ERROR_BUFFER_OVERFLOW;
    for (int attempt = 0; attempt < 3 && result == ERROR_BUFFER_OVERFLOW; ++attempt) {
        buffer.resize(size);
        result = GetAdaptersAddresses(AF_UNSPEC, GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER,
                                      nullptr, reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()), &size);
    }
    if (result != NO_ERROR) return {};
    for (auto* adapter = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()); adapter; adapter = adapter->Next) {
        if (adapter->IfType == IF_TYPE_SOFTWARE_LOOPBACK || adapter->IfType == IF_TYPE_TUNNEL) continue;
        if (adapter->PhysicalAddressLength != 6) continue;
        bool nonzero = false;
        for (ULONG i = 0; i < 6; ++i) nonzero = nonzero || adapter->PhysicalAddress[i] != 0;
        if (!nonzero) continue;
        char text[18];
        const unsigned char* a = adapter->PhysicalAddress;
        std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5]);
        return text;
    }
    return {};
}

std::string host_name() {
    wchar_t name[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD size = MAX_COMPUTERNAME_LENGTH + 1;
    return GetComputerNameW(name, &size) ? windows::narrow(name) : std::string();
}

bool fill_random(void* buffer, size_t size) {
    return BCryptGenRandom(nullptr, static_cast<PUCHAR>(buffer), static_cast<ULONG>(size),
                           BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0;
}

std::string program_path() {
    wchar_t path[32768];
    const DWORD n = GetModuleFileNameW(nullptr, path, 32768);
    return n > 0 && n < 32768 ? windows::narrow(path, static_cast<int>(n)) : std::string();
}

void open_with_desktop(const std::string& url) {
    ShellExecuteW(nullptr, L"open", windows::widen(url).c_str(), nullptr, nullptr, SW_SHOWNORMAL);
}

bool is_ipv6_address(const std::string& text) {
    IN6_ADDR address{};
    return inet_pton(AF_INET6, text.c_str(), &address) == 1;
}

const char* trusted_getenv(const char* name) { return std::getenv(name); }

void on_fork_in_child(void (*)()) {}

}  // namespace overt::platform
