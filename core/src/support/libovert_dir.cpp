// SPDX-License-Identifier: MIT
#include "support/libovert_dir.hpp"

#include <dlfcn.h>

#include <filesystem>

namespace overt::support {

std::string libovert_dir() {
    Dl_info info{};
    // This very function lives in libovert.
    if (::dladdr(reinterpret_cast<void*>(&libovert_dir), &info) == 0 || !info.dli_fname) return {};
    std::error_code ec;
    auto path = std::filesystem::canonical(info.dli_fname, ec);
    return ec ? std::string() : path.parent_path().string();
}

}  // namespace overt::support
