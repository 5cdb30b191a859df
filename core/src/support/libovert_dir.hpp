// SPDX-License-Identifier: MIT
// Where libovert was loaded from: overt-sender, overt-detach and the transport module are found
// in <that dir>/overt/, in a build tree as in an install.
#pragma once

#include <string>

namespace overt::support {

// The canonical directory of the loaded libovert; "" if the loader cannot say.
std::string libovert_dir();

}  // namespace overt::support
