// SPDX-License-Identifier: MIT
// OVERT_API marks what libovert exports: the classes and functions of these headers. The rest
// of libovert is compiled with hidden visibility, so nothing else is part of its ABI.
#pragma once

// OVERT_LOCAL keeps a member of an exported class out of the ABI (the Impl behind a class).
#if defined(OVERT_STATIC)
// A static libovert exports nothing.
#define OVERT_API
#define OVERT_LOCAL
#elif defined(_WIN32)
// overt.dll exports what is marked and nothing else (no --export-all-symbols), as the Linux
// version script does; programs linking the import library import the same.
#if defined(OVERT_BUILDING_LIBRARY)
#define OVERT_API __declspec(dllexport)
#else
#define OVERT_API __declspec(dllimport)
#endif
#define OVERT_LOCAL
#else
#define OVERT_API __attribute__((visibility("default")))
#define OVERT_LOCAL __attribute__((visibility("hidden")))
#endif
