// SPDX-License-Identifier: MIT
// overt-sender.exe started with CreateProcessW: no console (DETACHED_PROCESS), its own process
// group, out of the tool's job where the job allows it (CREATE_BREAKAWAY_FROM_JOB), stdin the
// read end of a pipe carrying the request, stdout on NUL, stderr appended to sender.log, and
// only those handles and the sender lock inherited.
#include "delivery/sender_spawn.hpp"

#include "platform/windows_text.hpp"

#include <io.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <vector>

namespace overt::delivery {
namespace {

using platform::windows::error_text;
using platform::windows::widen;

struct OwnedHandle {
    HANDLE value = nullptr;
    ~OwnedHandle() {
        if (value && value != INVALID_HANDLE_VALUE) CloseHandle(value);
    }
};

HANDLE open_inheritable(const std::wstring& path, DWORD access, DWORD disposition) {
    SECURITY_ATTRIBUTES inherit{sizeof inherit, nullptr, TRUE};
    return CreateFileW(path.c_str(), access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, &inherit,
                       disposition, FILE_ATTRIBUTE_NORMAL, nullptr);
}

// "program" --sender-lock=<handle>, quoted for CommandLineToArgvW.
std::wstring command_line(const std::string& program, HANDLE lock) {
    std::wstring line = L"\"" + widen(program) + L"\"";
    if (lock) line += L" --sender-lock=" + std::to_wstring(reinterpret_cast<uintptr_t>(lock));
    return line;
}

}  // namespace

std::string detach_program_for(const std::string&) { return {}; }

const char* sender_program_name() { return "overt-sender.exe"; }

std::string sender_program_beside(const std::string& libovert_dir) {
    return libovert_dir + "\\" + sender_program_name();
}

std::vector<std::string> sender_helper_programs(const std::string&) { return {}; }

bool is_executable(const std::string& path) {
    DWORD type = 0;
    return GetBinaryTypeW(widen(path).c_str(), &type) && type == SCS_64BIT_BINARY;
}

bool spawn_sender(const std::string& program, const std::string& request, const std::string& log_path,
                  int sender_lock_fd, std::chrono::milliseconds, std::string& error) {
    SECURITY_ATTRIBUTES inherit{sizeof inherit, nullptr, TRUE};
    OwnedHandle read_end, write_end, output, log, lock;
    // The pipe holds the whole request, so writing it never waits for the sender.
    const DWORD buffer = static_cast<DWORD>(std::max<size_t>(request.size() + 4096, 64 * 1024));
    if (!CreatePipe(&read_end.value, &write_end.value, &inherit, buffer)) {
        error = "CreatePipe: " + error_text(GetLastError());
        return false;
    }
    SetHandleInformation(write_end.value, HANDLE_FLAG_INHERIT, 0);
    output.value = open_inheritable(L"NUL", GENERIC_WRITE, OPEN_EXISTING);
    log.value = log_path.empty() ? output.value
                                 : open_inheritable(widen(log_path), FILE_APPEND_DATA | SYNCHRONIZE, OPEN_ALWAYS);
    if (log_path.empty()) output.value = nullptr;  // one handle, closed once (as log)
    if (sender_lock_fd >= 0) {
        HANDLE source = reinterpret_cast<HANDLE>(_get_osfhandle(sender_lock_fd));
        DuplicateHandle(GetCurrentProcess(), source, GetCurrentProcess(), &lock.value, 0, TRUE, DUPLICATE_SAME_ACCESS);
    }
    HANDLE null_output = output.value ? output.value : log.value;

    std::vector<HANDLE> inherited{read_end.value};
    for (HANDLE h : {null_output, log.value, lock.value})
        if (h && h != INVALID_HANDLE_VALUE && std::find(inherited.begin(), inherited.end(), h) == inherited.end())
            inherited.push_back(h);
    SIZE_T size = 0;
    InitializeProcThreadAttributeList(nullptr, 1, 0, &size);
    auto attributes_memory = std::make_unique<char[]>(size);
    auto* attributes = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(attributes_memory.get());
    if (!InitializeProcThreadAttributeList(attributes, 1, 0, &size) ||
        !UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherited.data(),
                                   inherited.size() * sizeof(HANDLE), nullptr, nullptr)) {
        error = "handle list: " + error_text(GetLastError());
        return false;
    }
    STARTUPINFOEXW startup{};
    startup.StartupInfo.cb = sizeof startup;
    startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    startup.StartupInfo.hStdInput = read_end.value;
    startup.StartupInfo.hStdOutput = null_output;
    startup.StartupInfo.hStdError = log.value;
    startup.lpAttributeList = attributes;

    std::wstring line = command_line(program, lock.value);
    const std::wstring directory = std::filesystem::path(widen(program)).parent_path().wstring();
    PROCESS_INFORMATION process{};
    const DWORD flags = DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP | EXTENDED_STARTUPINFO_PRESENT | CREATE_UNICODE_ENVIRONMENT;
    BOOL started = CreateProcessW(widen(program).c_str(), line.data(), nullptr, nullptr, TRUE,
                                  flags | CREATE_BREAKAWAY_FROM_JOB, nullptr, directory.c_str(), &startup.StartupInfo,
                                  &process);
    // A job that does not allow breakaway refuses the flag: the sender then stays in it.
    if (!started && GetLastError() == ERROR_ACCESS_DENIED)
        started = CreateProcessW(widen(program).c_str(), line.data(), nullptr, nullptr, TRUE, flags, nullptr,
                                 directory.c_str(), &startup.StartupInfo, &process);
    DeleteProcThreadAttributeList(attributes);
    if (!started) {
        error = program + ": " + error_text(GetLastError());
        return false;
    }
    CloseHandle(process.hThread);
    CloseHandle(process.hProcess);
    DWORD written = 0;
    if (!WriteFile(write_end.value, request.data(), static_cast<DWORD>(request.size()), &written, nullptr) ||
        written != request.size()) {
        error = program + ": writing the request: " + error_text(GetLastError());
        return false;
    }
    return true;  // closing our end tells the sender the request is complete
}

}  // namespace overt::delivery
