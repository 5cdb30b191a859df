# SPDX-License-Identifier: MIT
# Every target of ours links overt_warnings: warnings are errors.
add_library(overt_warnings INTERFACE)
target_compile_options(overt_warnings INTERFACE -Wall -Wextra -Werror)

# GCC 12 at -O2/-O3 reports -Wrestrict on plain `"literal" + std::string` inside libstdc++
# (GCC bug 105651, fixed in 13). It is a false positive in the standard library's own code, so it is
# not an error there; every other warning stays one.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(overt_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
endif()
