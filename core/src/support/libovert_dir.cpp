// SPDX-License-Identifier: MIT
#include "support/libovert_dir.hpp"

#include "platform/shared_library.hpp"

namespace overt::support {

// This very function lives in libovert.
std::string libovert_dir() { return platform::module_dir_of(reinterpret_cast<const void*>(&libovert_dir)); }

}  // namespace overt::support
