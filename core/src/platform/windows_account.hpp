// SPDX-License-Identifier: MIT
// The account this process runs as, for the Windows ownership checks. Windows-only; internal
// to libovert's platform layer.
#pragma once

#include <windows.h>

#include <memory>

namespace overt::platform::windows {

// Whether sid is the user of this process's token.
inline bool is_current_user(PSID sid) {
    HANDLE token = nullptr;
    if (!sid || !OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return false;
    DWORD size = 0;
    GetTokenInformation(token, TokenUser, nullptr, 0, &size);
    auto buffer = std::make_unique<char[]>(size ? size : 1);
    const bool ok = size && GetTokenInformation(token, TokenUser, buffer.get(), size, &size);
    CloseHandle(token);
    return ok && EqualSid(sid, reinterpret_cast<TOKEN_USER*>(buffer.get())->User.Sid);
}

}  // namespace overt::platform::windows
