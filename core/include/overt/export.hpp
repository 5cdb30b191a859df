// SPDX-License-Identifier: MIT
// OVERT_API marks what libovert exports: the classes and functions of these headers. The rest
// of libovert is compiled with hidden visibility, so nothing else is part of its ABI.
#pragma once

// OVERT_LOCAL keeps a member of an exported class out of the ABI (the Impl behind a class).
#if defined(OVERT_STATIC) || defined(_WIN32)
// A static libovert exports nothing. On Windows overt.dll still exports all of its own
// symbols (--export-all-symbols, core/CMakeLists.txt): OVERT_API there would need dllexport
// when building and dllimport for consumers, which is not done yet.
#define OVERT_API
#define OVERT_LOCAL
#else
#define OVERT_API __attribute__((visibility("default")))
#define OVERT_LOCAL __attribute__((visibility("hidden")))
#endif
