// SPDX-License-Identifier: MIT
// OVERT_API marks what libovert exports: the classes and functions of these headers. The rest
// of libovert is compiled with hidden visibility, so nothing else is part of its ABI.
#pragma once

// OVERT_LOCAL keeps a member of an exported class out of the ABI (the Impl behind a class).
#if defined(OVERT_STATIC) || defined(_WIN32)
// A static libovert exports nothing. Windows exports through the build's export rules until
// its in-tree programs stop linking libovert's internals (see core/CMakeLists.txt).
#define OVERT_API
#define OVERT_LOCAL
#else
#define OVERT_API __attribute__((visibility("default")))
#define OVERT_LOCAL __attribute__((visibility("hidden")))
#endif
