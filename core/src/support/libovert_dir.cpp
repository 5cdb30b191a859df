// SPDX-License-Identifier: MIT
#include "support/libovert_dir.hpp"

#include <dlfcn.h>

#include <filesystem>

namespace overt::support {

namespace {

namespace fs = std::filesystem;

std::string dir_of_code_here() {
    Dl_info info{};
    // This very function lives in libovert, wherever libovert was linked.
    if (::dladdr(reinterpret_cast<void*>(&dir_of_code_here), &info) == 0 || !info.dli_fname) return {};
    std::error_code ec;
    auto path = fs::canonical(info.dli_fname, ec);
    return ec ? std::string() : path.string();
}

bool holds_overt_runtime(const fs::path& dir) {
    std::error_code ec;
    return fs::is_directory(dir / "overt", ec);
}

// The library dir a program linking libovert statically shares its runtime files with.
std::string runtime_dir_beside_program(const fs::path& program) {
    const fs::path bin = program.parent_path();
    const fs::path candidates[] = {
        bin.parent_path() / OVERT_INSTALL_LIBDIR,  // an installed program: <prefix>/bin/overt
        bin.parent_path() / "lib",                 // the build tree: bin/ beside lib/
        bin.filename() == "overt" ? bin.parent_path() : fs::path(),  // overt-sender in <libdir>/overt/
    };
    for (const fs::path& candidate : candidates)
        if (!candidate.empty() && holds_overt_runtime(candidate)) return fs::weakly_canonical(candidate).string();
    return bin.string();
}

}  // namespace

std::string libovert_dir() {
    const std::string code = dir_of_code_here();
    if (code.empty()) return {};
    std::error_code ec;
    const fs::path program = fs::canonical("/proc/self/exe", ec);
    if (!ec && program == fs::path(code)) return runtime_dir_beside_program(program);
    return fs::path(code).parent_path().string();
}

}  // namespace overt::support
