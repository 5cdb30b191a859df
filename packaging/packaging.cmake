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
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
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
  # libovert itself lives in the overt package: let dpkg-shlibdeps find it there.
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${CMAKE_INSTALL_FULL_LIBDIR})
  set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
endif()

set(overt_exact "overt (= ${PROJECT_VERSION})")

# core -> overt
set(CPACK_DEBIAN_CORE_PACKAGE_NAME overt)
set(CPACK_DEBIAN_CORE_PACKAGE_SECTION utils)
set(CPACK_COMPONENT_CORE_DESCRIPTION "opt-in, privacy-first telemetry for C++ tools: libovert and the overt command
 libovert collects telemetry events for command-line tools only with the user's
 consent, redacts them, buffers and spills them to disk, and delivers them through
 backend plugins (packaged separately as overt-plugin-<name>). The overt command
 shows status, manages consent and lists plugins.")

# dev -> overt-dev
set(CPACK_DEBIAN_DEV_PACKAGE_NAME overt-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "${overt_exact}")
set(CPACK_DEBIAN_DEV_PACKAGE_SHLIBDEPS OFF)
set(CPACK_COMPONENT_DEV_DESCRIPTION "overt development files: headers, plugin SDK, CMake package, pkg-config
 Headers of libovert and of the backend plugin SDK (C99 ABI, header-only C++17
 helper, conformance kit), the CMake package (find_package(overt CONFIG):
 overt::core, overt::sdk) and pkg-config files overt.pc and overt-sdk.pc.")

# plugin-<name> -> overt-plugin-<name>: every such component the build defines.
set(overt_components core dev)
get_cmake_property(overt_all_components COMPONENTS)
foreach(component IN LISTS overt_all_components)
  if(NOT component MATCHES "^plugin-(.+)$")
    continue()
  endif()
  set(plugin ${CMAKE_MATCH_1})
  string(TOUPPER ${component} upper)
  list(APPEND overt_components ${component})
  set(CPACK_DEBIAN_${upper}_PACKAGE_NAME overt-plugin-${plugin})
  set(CPACK_DEBIAN_${upper}_PACKAGE_DEPENDS "${overt_exact}")
  set(CPACK_DEBIAN_${upper}_PACKAGE_SECTION utils)
  set(CPACK_COMPONENT_${upper}_DESCRIPTION "overt backend plugin: ${plugin}
 The ${plugin} backend for overt, installed into ${CMAKE_INSTALL_FULL_LIBDIR}/overt/plugins,
 where libovert looks for backends by default. Select it in overt.yaml with
 'backends: [{plugin: ${plugin}, ...}]'.")
endforeach()
set(CPACK_COMPONENTS_ALL ${overt_components})

# Every package carries the licence where Debian looks for it: /usr/share/doc/<package>/copyright.
foreach(component IN LISTS overt_components)
  string(TOUPPER ${component} upper)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${CPACK_DEBIAN_${upper}_PACKAGE_NAME} COMPONENT ${component})
endforeach()
set(OVERT_PACKAGE_COMPONENTS ${overt_components} CACHE INTERNAL "Install components packaged as .debs")

include(CPack)
