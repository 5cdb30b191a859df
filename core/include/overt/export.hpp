// SPDX-License-Identifier: MIT
// OVERT_API marks what libovert exports: the classes and functions of these headers. The rest
// of libovert is compiled with hidden visibility, so nothing else is part of its ABI.
#pragma once

#if defined(OVERT_STATIC) || defined(_WIN32)
// A static libovert exports nothing. Windows exports through the build's export rules until
// its in-tree programs stop linking libovert's internals (see core/CMakeLists.txt).
#define OVERT_API
#else
#define OVERT_API __attribute__((visibility("default")))
#endif
