// SPDX-License-Identifier: MIT
#include "delivery/sender_process.hpp"

#include "platform/fd.hpp"
#include "platform/windows_text.hpp"

#include <io.h>
#include <shellapi.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cwchar>
#include <string>
#include <thread>

namespace overt::delivery {
namespace {

constexpr int64_t kMaxLogBytes = 256 * 1024;  // sender.log is started afresh past this
int g_sender_lock_fd = -1;

}  // namespace

// The tool passes the lock file's handle (made inheritable for this process only) as
// "--sender-lock=<handle>"; nothing else of the tool's is inherited (PROC_THREAD_ATTRIBUTE_HANDLE_LIST).
void prepare_sender_process(int) {
    int count = 0;
    if (LPWSTR* args = CommandLineToArgvW(GetCommandLineW(), &count)) {
        for (int i = 1; i < count; ++i) {
            if (std::wcsncmp(args[i], L"--sender-lock=", 14) != 0) continue;
            const auto handle = static_cast<intptr_t>(std::wcstoull(args[i] + 14, nullptr, 10));
            g_sender_lock_fd = _open_osfhandle(handle, 0);
        }
        LocalFree(args);
    }
    HANDLE log = GetStdHandle(STD_ERROR_HANDLE);
    LARGE_INTEGER size{};
    if (log != INVALID_HANDLE_VALUE && GetFileType(log) == FILE_TYPE_DISK && GetFileSizeEx(log, &size) &&
        size.QuadPart > kMaxLogBytes) {
        LARGE_INTEGER start{};
        if (SetFilePointerEx(log, start, nullptr, FILE_BEGIN)) SetEndOfFile(log);
    }
}

void release_request_input() {}

void hold_sender_lock(bool held) {
    if (g_sender_lock_fd >= 0)
        platform::lock_file(g_sender_lock_fd, held ? platform::FileLock::shared : platform::FileLock::unlock);
}

// No SIGALRM: a detached watchdog ends the process (exit code 142, as 128 + SIGALRM would).
Deadline arm_helper_alarm(int64_t flush_timeout_ms) {
    const int64_t timeout_ms = std::max<int64_t>(flush_timeout_ms, 0);
    std::thread([seconds = timeout_ms / 1000 + 2] {
        std::this_thread::sleep_for(std::chrono::seconds(seconds));
        std::_Exit(142);
    }).detach();
    return Clock::now() + std::chrono::milliseconds(timeout_ms);
}

DetachedHelper run_in_detached_helper(int sender_lock, const std::function<void()>&) {
    if (sender_lock >= 0) platform::close_file(sender_lock);
    return DetachedHelper::unsupported;
}

}  // namespace overt::delivery
