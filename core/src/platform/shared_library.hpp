// SPDX-License-Identifier: MIT
// Loading a checked plugin or module file with Boost.DLL. POSIX: through /proc/self/fd/N;
// Windows: by its full path with the search limited
// to the DLL's own folder and System32 (never the current directory or PATH).
// Internal to libovert.
#pragma once

#include "platform/plugin_files.hpp"
#include "support/trusted_file.hpp"

#include <boost/dll/shared_library.hpp>

#include <string>

namespace overt::platform {

// Why the checked file is no shared library of this platform (its ELF or PE header), "" if
// it looks like one. The loader's own words for such files vary and mislead.
std::string not_a_shared_library(const support::TrustedFile& file);

// Loads the checked file into library; throws support::Refusal with the loader's reason.
void load_checked_library(boost::dll::shared_library& library, const support::TrustedFile& file);

// The directory of the loaded module (DLL, shared object or program) holding address.
std::string module_dir_of(const void* address);

}  // namespace overt::platform
