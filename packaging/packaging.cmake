# SPDX-License-Identifier: MIT
# CPack DEB: one package per install component, so each backend installs and upgrades on
# its own. Packages install under CMAKE_INSTALL_PREFIX, the prefix libovert was compiled for
# (its default plugin dir is <prefix>/<libdir>/overt/plugins): configure with
# -DCMAKE_INSTALL_PREFIX=/usr to build packages for a Debian system.
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(STATUS "overt packaging: CMAKE_INSTALL_PREFIX is ${CMAKE_INSTALL_PREFIX}; "
                 "Debian packages want -DCMAKE_INSTALL_PREFIX=/usr")
endif()

set(CPACK_PACKAGE_NAME overt)
set(CPACK_PACKAGE_VENDOR "overt project")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Each package's Description (synopsis first) is its component's description below. CPack
# puts CPACK_PACKAGE_DESCRIPTION_SUMMARY in front of every one unless it is CPack's own default.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CPACK_PACKAGE_NAME} built using CMake")
set(CPACK_PACKAGE_CONTACT "overt maintainers <overt-maintainers@lists.invalid>")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
find_program(OVERT_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(OVERT_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  # libovert is packaged in libovert0, not installed here: dpkg-shlibdeps finds it in the
  # build tree (and the packages that link it name libovert0 themselves).
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR}/lib)
  set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
endif()

# Stripped packages, the symbols in one -dbgsym .ddeb per package (as Debian's own builds do);
# a RelWithDebInfo build puts full debug info there.
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/overt-telemetry/overt")

set(overt_exact_runtime "libovert0 (= ${PROJECT_VERSION})")

# runtime -> libovert0: the shared library under its SONAME, and what it runs beside itself.
# overt-sender and overt-detach belong here, not in overt: libovert spawns them on a tool's
# exit, so a tool's background delivery must not depend on the user installing the command.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libovert0)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION "opt-in, privacy-first telemetry for command-line tools (library)
libovert collects usage telemetry for command-line tools only with the user's
consent, redacts it, keeps it on disk when it cannot be sent, and delivers it
through backend plugins (packaged as overt-plugin-<name>).

This package holds the shared library, its background sender and its HTTP
transport module.")

# dev -> libovert-dev
set(CPACK_DEBIAN_DEV_PACKAGE_NAME libovert-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "${overt_exact_runtime}")
set(CPACK_DEBIAN_DEV_PACKAGE_SHLIBDEPS OFF)
set(CPACK_COMPONENT_DEV_DESCRIPTION "opt-in, privacy-first telemetry for command-line tools (development)
Headers of libovert (C++20, and a C99 API) and of the backend plugin SDK
(C99 ABI, header-only C++17 helper, conformance kit), the CMake package
(find_package(overt CONFIG): overt::core, overt::sdk), the pkg-config files
overt.pc and overt-sdk.pc, and a plugin template in /usr/share/overt.")

# cli -> overt
set(CPACK_DEBIAN_CLI_PACKAGE_NAME overt)
set(CPACK_DEBIAN_CLI_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_CLI_PACKAGE_DEPENDS "${overt_exact_runtime}")
set(CPACK_COMPONENT_CLI_DESCRIPTION "opt-in, privacy-first telemetry for command-line tools (command)
The overt command shows whether telemetry is on for a tool and why, grants and
withdraws consent, prints the events a tool would send, erases a tool's data
and lists the backend plugins found, with the reasons for any refused.")

# plugin-<name> -> overt-plugin-<name>: every such component the build defines.
set(overt_components runtime dev cli)
get_cmake_property(overt_all_components COMPONENTS)
foreach(component IN LISTS overt_all_components)
  if(NOT component MATCHES "^plugin-(.+)$")
    continue()
  endif()
  set(plugin ${CMAKE_MATCH_1})
  string(TOUPPER ${component} upper)
  list(APPEND overt_components ${component})
  set(CPACK_DEBIAN_${upper}_PACKAGE_NAME overt-plugin-${plugin})
  set(CPACK_DEBIAN_${upper}_PACKAGE_DEPENDS "${overt_exact_runtime}")
  set(CPACK_DEBIAN_${upper}_PACKAGE_SECTION libs)
  set(CPACK_COMPONENT_${upper}_DESCRIPTION "${plugin} backend for overt telemetry
The ${plugin} backend plugin of libovert, installed where libovert looks for
backends by default. A tool selects it in its overt.yaml with
'backends: [{plugin: ${plugin}, ...}]'.")
endforeach()
set(CPACK_COMPONENTS_ALL ${overt_components})

# libovert0 runs ldconfig on install and removal (dpkg trigger), as every shared library does.
set(overt_triggers ${CMAKE_CURRENT_BINARY_DIR}/deb/triggers)
file(WRITE ${overt_triggers} "activate-noawait ldconfig\n")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA ${overt_triggers})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# Every package carries, where Debian looks for them, the licence and the changelog
# (gzip -9n: the best compression, no timestamp, so the package builds reproducibly).
set(overt_changelog ${CMAKE_CURRENT_BINARY_DIR}/deb/changelog)
configure_file(${PROJECT_SOURCE_DIR}/packaging/changelog ${overt_changelog} @ONLY)
add_custom_command(OUTPUT ${overt_changelog}.gz
  COMMAND gzip -9nkf ${overt_changelog}
  DEPENDS ${overt_changelog}
  COMMENT "Debian changelog")
add_custom_target(overt_deb_changelog ALL DEPENDS ${overt_changelog}.gz)
foreach(component IN LISTS overt_components)
  string(TOUPPER ${component} upper)
  set(doc_dir ${CMAKE_INSTALL_DATADIR}/doc/${CPACK_DEBIAN_${upper}_PACKAGE_NAME})
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright ${overt_changelog}.gz DESTINATION ${doc_dir} COMPONENT ${component})
endforeach()

# overt-detach is linked statically on purpose (no dynamic loader on the tool's exit path:
# about half a millisecond off the exit a tool waits for); it calls only fork and execv.
set(overt_overrides ${CMAKE_CURRENT_BINARY_DIR}/deb/libovert0.overrides)
string(REGEX REPLACE "^/" "" overt_libdir_in_package "${CMAKE_INSTALL_FULL_LIBDIR}")
file(WRITE ${overt_overrides}
  "libovert0: statically-linked-binary [${overt_libdir_in_package}/overt/overt-detach]\n")
install(FILES ${overt_overrides} DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
  RENAME libovert0 COMPONENT runtime)
# What CPack 3.25 gets wrong for Debian is mended after it ran (see deb_finish.cmake).
set(CPACK_POST_BUILD_SCRIPTS ${PROJECT_SOURCE_DIR}/packaging/deb_finish.cmake)
set(OVERT_PACKAGE_COMPONENTS ${overt_components} CACHE INTERNAL "Install components packaged as .debs")

include(CPack)
