// SPDX-License-Identifier: MIT
// Where libovert's runtime files are: overt-sender, overt-detach and the transport module are
// found in <that dir>/overt/, the default plugins in <that dir>/overt/plugins, in a build tree as
// in an install.
#pragma once

#include <string>

namespace overt::support {

// The canonical directory of the loaded libovert.so. For libovert linked into the program
// itself (overt's own command, overt-sender and tests, or a static build), the library dir
// beside the program that holds overt/: <bin>/../<libdir> or <bin>/../lib for a program in
// bin/, the parent for one in <libdir>/overt/; else the program's own dir. "" if the loader
// cannot say.
std::string libovert_dir();

}  // namespace overt::support
