// SPDX-License-Identifier: MIT
#include "platform/files.hpp"

#include "platform/user.hpp"
#include "platform/windows_text.hpp"

namespace overt::platform {

// The profile's ACL keeps the file the user's; a file under it owned by someone else (or a
// reparse point) is not read.
std::string read_private_file(const std::string& path, size_t max_bytes) {
    const std::wstring wide = windows::widen(path);
    HANDLE file = CreateFileW(wide.c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING,
                              FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
    if (file == INVALID_HANDLE_VALUE) return {};
    BY_HANDLE_FILE_INFORMATION info{};
    std::string text(max_bytes, '\0');
    DWORD n = 0;
    const bool regular = GetFileInformationByHandle(file, &info) &&
                         !(info.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT));
    if (!regular || !ReadFile(file, text.data(), static_cast<DWORD>(text.size()), &n, nullptr)) n = 0;
    CloseHandle(file);
    text.resize(n);
    return text;
}

}  // namespace overt::platform
