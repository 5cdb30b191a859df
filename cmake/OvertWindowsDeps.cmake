# SPDX-License-Identifier: MIT
# The windows preset's libraries, for a mingw-w64 cross build. Debian packages zlib for mingw
# (libz-mingw-w64-dev, under the toolchain's root); cmake/windows-deps.sh builds yaml-cpp (from
# `apt-get source`) and GoogleTest into ${OVERT_WINDOWS_DEPS_DIR}/prefix; the header-only
# libraries (nlohmann_json, spdlog, fmt, CLI11, Boost) are Debian's own headers. Those are not
# put on the include path as /usr/include (glibc's headers would shadow mingw's): each one's
# folder is linked into prefix/include and described by a small package config below.
set(OVERT_WINDOWS_DEPS_DIR ${PROJECT_BINARY_DIR}/deps CACHE PATH "Where the Windows builds of overt's libraries are cached")
set(overt_deps_prefix ${OVERT_WINDOWS_DEPS_DIR}/prefix)
execute_process(COMMAND ${PROJECT_SOURCE_DIR}/cmake/windows-deps.sh ${OVERT_WINDOWS_DEPS_DIR}
                RESULT_VARIABLE overt_deps_result)
if(NOT overt_deps_result EQUAL 0)
  message(FATAL_ERROR "cmake/windows-deps.sh failed (${overt_deps_result}); run packaging/install-deps.sh first")
endif()
list(APPEND CMAKE_FIND_ROOT_PATH ${overt_deps_prefix})

# Header-only packages: NAME TARGET HEADER_DIRS dir... [DEFINITIONS def...] (folders under
# /usr/include; the definitions Debian's own package config gives its users).
function(overt_header_only_package name target)
  cmake_parse_arguments(arg "" "" "HEADER_DIRS;DEFINITIONS" ${ARGN})
  foreach(dir IN LISTS arg_HEADER_DIRS)
    if(NOT EXISTS ${overt_deps_prefix}/include/${dir})
      file(MAKE_DIRECTORY ${overt_deps_prefix}/include)
      file(CREATE_LINK /usr/include/${dir} ${overt_deps_prefix}/include/${dir} SYMBOLIC)
    endif()
  endforeach()
  set(config_dir ${OVERT_WINDOWS_DEPS_DIR}/cmake/${name})
  file(WRITE ${config_dir}/${name}Config.cmake
    "if(NOT TARGET ${target})\n"
    "  add_library(${target} INTERFACE IMPORTED)\n"
    "  set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${overt_deps_prefix}/include\n"
    "    INTERFACE_COMPILE_DEFINITIONS \"${arg_DEFINITIONS}\")\n"
    "endif()\n")
  # Debian's headers are the versions the Linux build checks for.
  file(WRITE ${config_dir}/${name}ConfigVersion.cmake
    "set(PACKAGE_VERSION_COMPATIBLE TRUE)\nset(PACKAGE_VERSION_EXACT FALSE)\n")
  set(${name}_DIR ${config_dir} CACHE PATH "" FORCE)
endfunction()
overt_header_only_package(nlohmann_json nlohmann_json::nlohmann_json HEADER_DIRS nlohmann)
overt_header_only_package(CLI11 CLI11::CLI11 HEADER_DIRS CLI)
overt_header_only_package(fmt fmt::fmt-header-only HEADER_DIRS fmt DEFINITIONS FMT_HEADER_ONLY=1)
overt_header_only_package(spdlog spdlog::spdlog_header_only HEADER_DIRS spdlog DEFINITIONS SPDLOG_HEADER_ONLY SPDLOG_FMT_EXTERNAL)
overt_header_only_package(Boost Boost::headers HEADER_DIRS boost)
set(Boost_NO_SYSTEM_PATHS ON)
# zlib linked in (libz.a), not zlib1.dll beside every program.
set(ZLIB_USE_STATIC_LIBS ON)

# Static runtime (libgcc, libstdc++, winpthread): overt.dll, the programs and the plugins run
# without the mingw runtime DLLs beside them. The plugin ABI is C, so each copy stays private.
add_link_options(-static)
# Unity units at -O0 hold more sections than COFF's 32767: the big-object format has room.
add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-Wa,-mbig-obj>)
# Windows 10 APIs, W-suffixed calls, no min/max macros, the lean windows.h.
add_compile_definitions(WIN32_LEAN_AND_MEAN NOMINMAX _WIN32_WINNT=0x0A00 UNICODE _UNICODE)
