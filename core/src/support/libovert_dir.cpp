// SPDX-License-Identifier: MIT
#include "support/libovert_dir.hpp"

#include "platform/shared_library.hpp"
#include "platform/system.hpp"

#include <filesystem>

namespace overt::support {

namespace {

namespace fs = std::filesystem;

bool holds_overt_runtime(const fs::path& dir) {
    std::error_code ec;
    return fs::is_directory(dir / "overt", ec);
}

// The library dir a program linking libovert in shares its runtime files with.
std::string runtime_dir_beside_program(const fs::path& program) {
    const fs::path bin = program.parent_path();
    const fs::path candidates[] = {
        bin,                                       // Windows, or libovert.so beside the program
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
    // This very function lives in libovert, wherever libovert was linked.
    const std::string module_dir = platform::module_dir_of(reinterpret_cast<const void*>(&libovert_dir));
    if (module_dir.empty()) return {};
    const std::string program = platform::program_path();
    std::error_code ec;
    if (program.empty() || !fs::equivalent(fs::path(program).parent_path(), module_dir, ec)) return module_dir;
    return runtime_dir_beside_program(program);
}

}  // namespace overt::support
