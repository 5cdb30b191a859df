// SPDX-License-Identifier: MIT
#include "platform/shared_library.hpp"

#include "platform/windows_text.hpp"

#include <filesystem>

namespace overt::platform {

std::string_view plugin_file_prefix() { return "overt-"; }
std::string_view plugin_file_suffix() { return ".dll"; }

// "MZ", then at 0x3c the offset of "PE\0\0"; a DLL has IMAGE_FILE_DLL in the file header.
std::string not_a_shared_library(const support::TrustedFile& file) {
    HANDLE handle = reinterpret_cast<HANDLE>(file.native_handle());
    auto read_at = [handle](uint64_t offset, void* buffer, DWORD size) {
        OVERLAPPED at{};
        at.Offset = static_cast<DWORD>(offset);
        at.OffsetHigh = static_cast<DWORD>(offset >> 32);
        DWORD got = 0;
        return ReadFile(handle, buffer, size, &got, &at) && got == size;
    };
    IMAGE_DOS_HEADER dos{};
    if (!read_at(0, &dos, sizeof dos) || dos.e_magic != IMAGE_DOS_SIGNATURE) return "not a Windows DLL (no MZ header)";
    DWORD signature = 0;
    IMAGE_FILE_HEADER header{};
    const auto pe = static_cast<uint64_t>(static_cast<uint32_t>(dos.e_lfanew));
    if (!read_at(pe, &signature, sizeof signature) || signature != IMAGE_NT_SIGNATURE ||
        !read_at(pe + sizeof signature, &header, sizeof header))
        return "not a Windows DLL (no PE header)";
    if (!(header.Characteristics & IMAGE_FILE_DLL)) return "not a Windows DLL (a PE image, but not a DLL)";
    if (header.Machine != IMAGE_FILE_MACHINE_AMD64) return "a DLL for another machine type (not x64)";
    return {};
}

// LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | SYSTEM32: the DLL's own dependencies come from its folder
// and System32 only, never the current directory or PATH. Boost.DLL passes the flags through to
// LoadLibraryExW; the path is absolute, so Boost adds no search of its own.
void load_checked_library(boost::dll::shared_library& library, const support::TrustedFile& file) {
    const auto mode = static_cast<boost::dll::load_mode::type>(LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR |
                                                                LOAD_LIBRARY_SEARCH_SYSTEM32);
    boost::dll::fs::error_code ec;
    library.load(std::filesystem::path(windows::widen(file.load_path())), mode, ec);
    if (ec) throw support::Refusal(windows::error_text(static_cast<DWORD>(ec.value())));
}

std::string module_dir_of(const void* address) {
    HMODULE module = nullptr;
    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            static_cast<LPCWSTR>(address), &module))
        return {};
    wchar_t path[32768];
    const DWORD n = GetModuleFileNameW(module, path, static_cast<DWORD>(std::size(path)));
    if (n == 0 || n >= std::size(path)) return {};
    return windows::narrow(std::filesystem::path(std::wstring(path, n)).parent_path().wstring());
}

}  // namespace overt::platform
