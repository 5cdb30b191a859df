// SPDX-License-Identifier: MIT
#include "platform/user.hpp"

#include "platform/windows_account.hpp"
#include "platform/windows_text.hpp"

#include <aclapi.h>
#include <lmcons.h>

namespace overt::platform {
namespace {

std::string without_trailing_separators(std::string path) {
    while (path.size() > 3 && (path.back() == '\\' || path.back() == '/')) path.pop_back();
    return path;
}

}  // namespace

std::string home_dir() { return without_trailing_separators(windows::environment(L"USERPROFILE")); }

std::string user_name() {
    wchar_t name[UNLEN + 1];
    DWORD size = UNLEN + 1;
    return GetUserNameW(name, &size) ? windows::narrow(name) : std::string();
}

void identity_sources(std::string& environment_home, std::string& environment_user, std::string& account_home,
                      std::string& account_user) {
    environment_home = home_dir();
    environment_user = windows::environment(L"USERNAME");
    account_home = without_trailing_separators(windows::environment(L"HOMEDRIVE") + windows::environment(L"HOMEPATH"));
    account_user = user_name();
}

bool is_system_account_name(const std::string& name) {
    return name == "SYSTEM" || name == "Administrator" || name == "LocalService" || name == "NetworkService";
}

std::string config_base() { return windows::environment(L"APPDATA"); }

std::string state_base() { return windows::environment(L"LOCALAPPDATA"); }

std::string user_temp_dir() {
    wchar_t buffer[MAX_PATH + 1];
    const DWORD n = GetTempPathW(MAX_PATH + 1, buffer);
    std::string base = n ? without_trailing_separators(windows::narrow(buffer, static_cast<int>(n))) : "C:\\Windows\\Temp";
    std::string user = user_name();
    return base + "\\overt-" + (user.empty() ? std::string("user") : user);
}

bool is_absolute_path(const std::string& path) {
    return path.size() >= 3 && path[1] == ':' && (path[2] == '\\' || path[2] == '/');
}

std::string join_path(const std::string& base, const std::string& name) {
    const bool ends_in_separator = !base.empty() && (base.back() == '\\' || base.back() == '/');
    return base + (ends_in_separator ? "" : "\\") + name;
}

// Ours: a directory (no reparse point) owned by the current user.
bool is_private_dir(const std::string& path) {
    const DWORD attributes = GetFileAttributesW(windows::widen(path).c_str());
    if (attributes == INVALID_FILE_ATTRIBUTES || !(attributes & FILE_ATTRIBUTE_DIRECTORY) ||
        (attributes & FILE_ATTRIBUTE_REPARSE_POINT))
        return false;
    PSID owner = nullptr;
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    if (GetNamedSecurityInfoW(windows::widen(path).c_str(), SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION, &owner,
                              nullptr, nullptr, nullptr, &descriptor) != ERROR_SUCCESS)
        return false;
    const bool mine = windows::is_current_user(owner);
    LocalFree(descriptor);
    return mine;
}

// Under %LOCALAPPDATA% and %APPDATA% new directories inherit the profile's ACL (the user,
// SYSTEM, Administrators), which is what private means there.
bool ensure_private_dir(const std::string& path) {
    if (path.empty()) return false;
    for (size_t at = path.find_first_of("\\/", 3); at != std::string::npos; at = path.find_first_of("\\/", at + 1)) {
        const std::wstring parent = windows::widen(path.substr(0, at));
        if (!CreateDirectoryW(parent.c_str(), nullptr) && GetLastError() != ERROR_ALREADY_EXISTS) return false;
    }
    if (!CreateDirectoryW(windows::widen(path).c_str(), nullptr) && GetLastError() != ERROR_ALREADY_EXISTS) return false;
    return is_private_dir(path);
}

bool can_create_files_in(const std::string& dir) {
    const std::wstring probe = windows::widen(dir + "\\.overt-write-test-" + std::to_string(GetCurrentProcessId()));
    HANDLE file = CreateFileW(probe.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                              FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, nullptr);
    if (file == INVALID_HANDLE_VALUE) return false;
    CloseHandle(file);
    return true;
}

bool may_write_in(const std::string& dir) { return can_create_files_in(dir); }

void restrict_dir_to_user(const std::string&) {}

}  // namespace overt::platform
