# SPDX-License-Identifier: MIT
# ctest driver: configure the FetchContent tool project against this checkout and list its tests
# (overt's must not be among them). Configure only: building overt again would cost minutes.
#   -DOVERT_SOURCE_DIR -DSOURCE_DIR -DWORK_DIR -DGENERATOR
foreach(var OVERT_SOURCE_DIR SOURCE_DIR WORK_DIR GENERATOR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run.cmake: -D${var}=... is required")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR} -G ${GENERATOR}
          -DFETCHCONTENT_SOURCE_DIR_OVERT=${OVERT_SOURCE_DIR} -DFETCHCONTENT_FULLY_DISCONNECTED=ON
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring the FetchContent tool failed (${rc}):\n${out}\n${err}")
endif()
execute_process(COMMAND ${CMAKE_CTEST_COMMAND} -N WORKING_DIRECTORY ${WORK_DIR} OUTPUT_VARIABLE listed)
if(NOT listed MATCHES "Total Tests: 0")
  message(FATAL_ERROR "overt's tests were registered in the parent project:\n${listed}")
endif()
message(STATUS "FetchContent tool configured with overt as a subproject: ${WORK_DIR}")
