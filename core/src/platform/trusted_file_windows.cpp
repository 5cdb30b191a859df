// SPDX-License-Identifier: MIT
// Windows trust checks: the owner SID and the DACL of the file and of its folder, reparse points
// resolved and kept inside the folder. The file stays open without FILE_SHARE_WRITE or
// FILE_SHARE_DELETE, so what was checked is what is hashed and loaded.
#include "support/trusted_file.hpp"

#include "platform/sha256.hpp"
#include "platform/windows_account.hpp"
#include "platform/windows_text.hpp"

#include <aclapi.h>
#include <sddl.h>

#include <array>
#include <memory>

namespace overt::support {
namespace {

using platform::windows::error_text;
using platform::windows::is_current_user;
using platform::windows::narrow;
using platform::windows::widen;

struct LocalMemory {
    void* memory = nullptr;
    ~LocalMemory() {
        if (memory) LocalFree(memory);
    }
};

struct Handle {
    HANDLE value = INVALID_HANDLE_VALUE;
    ~Handle() {
        if (value != INVALID_HANDLE_VALUE) CloseHandle(value);
    }
};

// "\\?\C:\dir" -> "C:\dir"; "\\?\UNC\server\share" -> "\\server\share".
std::string final_path(HANDLE handle) {
    std::wstring buffer(32768, L'\0');
    const DWORD n = GetFinalPathNameByHandleW(handle, buffer.data(), static_cast<DWORD>(buffer.size()), FILE_NAME_NORMALIZED);
    if (n == 0 || n >= buffer.size()) throw Refusal("cannot resolve its path: " + error_text(GetLastError()));
    buffer.resize(n);
    if (buffer.rfind(L"\\\\?\\UNC\\", 0) == 0) buffer = L"\\\\" + buffer.substr(8);
    else if (buffer.rfind(L"\\\\?\\", 0) == 0) buffer = buffer.substr(4);
    return narrow(buffer);
}

std::string sid_text(PSID sid) {
    LPWSTR text = nullptr;
    if (!sid || !ConvertSidToStringSidW(sid, &text)) return "an unknown SID";
    std::string out = narrow(text);
    LocalFree(text);
    return out;
}

bool sid_is(PSID sid, const wchar_t* text) {
    PSID known = nullptr;
    if (!ConvertStringSidToSidW(text, &known)) return false;
    const bool same = EqualSid(sid, known);
    LocalFree(known);
    return same;
}

constexpr const wchar_t* kAdministrators = L"S-1-5-32-544";
constexpr const wchar_t* kLocalSystem = L"S-1-5-18";
constexpr const wchar_t* kTrustedInstaller = L"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464";
// The groups nearly everyone is in: write for them is write for anyone.
constexpr std::array<std::pair<const wchar_t*, const char*>, 3> kBroadGroups{{
    {L"S-1-1-0", "Everyone"}, {L"S-1-5-32-545", "Users"}, {L"S-1-5-11", "Authenticated Users"}}};
constexpr ACCESS_MASK kWriteRights = FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | FILE_WRITE_ATTRIBUTES |
                                     FILE_DELETE_CHILD | DELETE | WRITE_DAC | WRITE_OWNER | GENERIC_WRITE | GENERIC_ALL;

void check_security(HANDLE handle, const std::string& what) {
    PSID owner = nullptr;
    PACL dacl = nullptr;
    LocalMemory descriptor;
    const DWORD result = GetSecurityInfo(handle, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                                         &owner, nullptr, &dacl, nullptr, &descriptor.memory);
    if (result != ERROR_SUCCESS) throw Refusal("cannot read the security of " + what + ": " + error_text(result));
    if (!owner || !(is_current_user(owner) || sid_is(owner, kAdministrators) || sid_is(owner, kLocalSystem) ||
                    sid_is(owner, kTrustedInstaller)))
        throw Refusal(what + " is owned by " + sid_text(owner) +
                      ", not by the current user, Administrators, SYSTEM or TrustedInstaller");
    if (!dacl) throw Refusal(what + " has no DACL (anyone may write to it)");
    for (DWORD i = 0; i < dacl->AceCount; ++i) {
        void* ace = nullptr;
        if (!GetAce(dacl, i, &ace)) continue;
        const auto* header = static_cast<ACE_HEADER*>(ace);
        if (header->AceType != ACCESS_ALLOWED_ACE_TYPE || (header->AceFlags & INHERIT_ONLY_ACE)) continue;
        const auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(ace);
        if (!(allowed->Mask & kWriteRights)) continue;
        PSID sid = const_cast<DWORD*>(&allowed->SidStart);
        for (const auto& [group_sid, group_name] : kBroadGroups)
            if (sid_is(sid, group_sid)) throw Refusal(what + " grants write to " + group_name);
    }
}

std::string parent_of(const std::string& path) {
    const size_t separator = path.find_last_of("\\/");
    return separator == std::string::npos ? std::string() : path.substr(0, separator);
}

bool same_path(const std::string& a, const std::string& b) {
    return CompareStringOrdinal(widen(a).c_str(), -1, widen(b).c_str(), -1, TRUE) == CSTR_EQUAL;
}

}  // namespace

TrustedFile::~TrustedFile() {
    if (handle_ != -1) CloseHandle(reinterpret_cast<HANDLE>(handle_));
}

TrustedFile::TrustedFile(TrustedFile&& other) noexcept
    : handle_(other.handle_), resolved_path_(std::move(other.resolved_path_)), identity_(other.identity_) {
    other.handle_ = -1;
}

std::string TrustedFile::load_path() const { return resolved_path_; }

TrustedFile open_trusted(const std::string& dir, const std::string& file_name) {
    Handle dir_handle;
    // FILE_FLAG_BACKUP_SEMANTICS opens a directory; a reparse point (junction) is followed and
    // the folder checked is where it leads.
    dir_handle.value = CreateFileW(widen(dir).c_str(), READ_CONTROL | FILE_READ_ATTRIBUTES,
                                   FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                                   FILE_FLAG_BACKUP_SEMANTICS, nullptr);
    if (dir_handle.value == INVALID_HANDLE_VALUE)
        throw Refusal("cannot open its directory: " + error_text(GetLastError()));
    const std::string dir_real = final_path(dir_handle.value);
    check_security(dir_handle.value, "its directory " + dir_real);

    const std::string target = dir_real + "\\" + file_name;
    HANDLE handle = CreateFileW(widen(target).c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING,
                                FILE_ATTRIBUTE_NORMAL, nullptr);
    if (handle == INVALID_HANDLE_VALUE) throw Refusal("cannot open: " + error_text(GetLastError()));
    BY_HANDLE_FILE_INFORMATION info{};
    if (!GetFileInformationByHandle(handle, &info)) {
        CloseHandle(handle);
        throw Refusal("cannot stat: " + error_text(GetLastError()));
    }
    const FileIdentity identity{info.dwVolumeSerialNumber,
                                (static_cast<uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow};
    TrustedFile file(reinterpret_cast<intptr_t>(handle), final_path(handle), identity);
    if (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) throw Refusal("not a regular file");
    // A symbolic link or junction to a sibling is fine; anything else would let a trusted
    // folder vouch for a file it does not hold.
    if (!same_path(parent_of(file.resolved_path()), dir_real))
        throw Refusal("reparse point leads outside its directory, to " + file.resolved_path());
    check_security(handle, "the file");
    return file;
}

std::string sha256_hex(const TrustedFile& file) {
    HANDLE handle = reinterpret_cast<HANDLE>(file.native_handle());
    platform::Sha256 hash;
    std::array<unsigned char, 64 * 1024> buffer;
    uint64_t offset = 0;
    for (;;) {
        OVERLAPPED at{};
        at.Offset = static_cast<DWORD>(offset);
        at.OffsetHigh = static_cast<DWORD>(offset >> 32);
        DWORD n = 0;
        if (!ReadFile(handle, buffer.data(), static_cast<DWORD>(buffer.size()), &n, &at)) {
            if (GetLastError() == ERROR_HANDLE_EOF) break;
            throw Refusal("cannot read for the sha256 check: " + error_text(GetLastError()));
        }
        if (n == 0) break;
        hash.update(buffer.data(), n);
        offset += n;
    }
    return platform::hex_prefix(hash.finish());
}

}  // namespace overt::support
