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

# BFD ld took 3-6 minutes per link of overt.exe, overt-sender.exe and overt.dll here; lld in
# its MinGW mode (it switches on gcc's `-m i386pep`) takes seconds. Debian's mingw gcc has its
# linker built in (--with-ld), so -fuse-ld=lld is ignored: a specs file replaces the program
# gcc runs to link (collect2) by ld.lld, which gets the same arguments (the LTO plugin's it
# ignores). OVERT_MINGW_BFD_LD=ON keeps binutils' ld.
option(OVERT_MINGW_BFD_LD "Link the Windows build with binutils' ld instead of lld" OFF)
find_program(OVERT_LLD NAMES ld.lld-14 ld.lld)
if(OVERT_LLD AND NOT OVERT_MINGW_BFD_LD)
  set(overt_lld_specs ${CMAKE_BINARY_DIR}/mingw-lld.specs)
  if(NOT EXISTS ${overt_lld_specs})
    file(WRITE ${overt_lld_specs} "*linker:\n${OVERT_LLD}\n")
  endif()
  # CMake reads a toolchain file more than once: append the flag once.
  foreach(kind EXE SHARED MODULE)
    if(NOT CMAKE_${kind}_LINKER_FLAGS_INIT MATCHES "mingw-lld\\.specs")
      string(APPEND CMAKE_${kind}_LINKER_FLAGS_INIT " -specs=${overt_lld_specs}")
    endif()
  endforeach()
endif()
