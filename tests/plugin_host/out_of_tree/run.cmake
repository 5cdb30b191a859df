# SPDX-License-Identifier: MIT
# ctest driver: install the SDK component, build the out-of-tree plugin against it, load it
# through the host and send an event.
#   -DOVERT_BUILD_DIR -DSOURCE_DIR -DWORK_DIR -DLOAD_CHECK -DGENERATOR
foreach(var OVERT_BUILD_DIR SOURCE_DIR WORK_DIR LOAD_CHECK GENERATOR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run.cmake: -D${var}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/sdk-prefix)
set(build ${WORK_DIR}/build)

include(${CMAKE_CURRENT_LIST_DIR}/../../run_step.cmake)

run_step("installing the sdk component"
  ${CMAKE_COMMAND} --install ${OVERT_BUILD_DIR} --component sdk --prefix ${prefix})
file(GLOB_RECURSE installed RELATIVE ${prefix} ${prefix}/*)
list(SORT installed)
if(NOT installed STREQUAL "include/overt/backend.h;include/overt/backend.hpp")
  message(FATAL_ERROR "the sdk component should install exactly the two SDK headers, got: ${installed}")
endif()

# A clean environment for the vendor build: no sanitizer or project flags leak in.
run_step("configuring the out-of-tree plugin"
  ${CMAKE_COMMAND} -E env --unset=CXXFLAGS --unset=LDFLAGS
  ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${build} -G ${GENERATOR} -DOVERT_SDK_PREFIX=${prefix})
run_step("building the out-of-tree plugin" ${CMAKE_COMMAND} --build ${build})

run_step("loading the out-of-tree plugin through the host" ${LOAD_CHECK} ${build} vendor)
if(NOT step_output MATCHES "sent 1 event through vendor \\(1 sent\\)")
  message(FATAL_ERROR "unexpected output from the host: ${step_output}")
endif()
message(STATUS "${step_output}")
