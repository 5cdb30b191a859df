# SPDX-License-Identifier: MIT
# Cross build for 64-bit Windows with Debian's mingw-w64 (posix threads: std::thread, std::mutex),
# run under wine: ctest, try_run and gtest discovery go through CMAKE_CROSSCOMPILING_EMULATOR.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(OVERT_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${OVERT_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${OVERT_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${OVERT_MINGW_TRIPLE}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${OVERT_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# cmake/wine-run.sh: wine with a prefix under the build tree, its server started once.
set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/../wine-run.sh)

# binutils' mingw ar + ranlib took about 6 minutes over libovert's 68 MB of unity objects;
# llvm-ar (there with clang) writes the same GNU archive, which ld reads, in under a second.
find_program(OVERT_LLVM_AR NAMES llvm-ar-14 llvm-ar)
find_program(OVERT_LLVM_RANLIB NAMES llvm-ranlib-14 llvm-ranlib)
if(OVERT_LLVM_AR AND OVERT_LLVM_RANLIB)
  set(CMAKE_AR ${OVERT_LLVM_AR})
  set(CMAKE_RANLIB ${OVERT_LLVM_RANLIB})
endif()
