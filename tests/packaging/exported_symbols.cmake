# SPDX-License-Identifier: MIT
# ctest driver: every symbol libovert.so exports is overt's own (the C API, overt::; core/libovert.map), none of the
# libraries compiled into it.   -DLIBRARY=<path of libovert.so> -DNM=<nm>
execute_process(COMMAND ${NM} -D --defined-only --demangle ${LIBRARY}
                RESULT_VARIABLE rc OUTPUT_VARIABLE listing ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${LIBRARY} (${rc}): ${err}")
endif()
string(REPLACE ";" "," listing "${listing}")
string(REPLACE "\n" ";" lines "${listing}")
set(foreign "")
set(own 0)
foreach(line IN LISTS lines)
  # "0000000000012340 T overt::Collector::open(...)": the name starts after the type letter.
  if(NOT line MATCHES "^[0-9a-f]+ [A-Za-z] (.*)$")
    continue()
  endif()
  set(name "${CMAKE_MATCH_1}")
  # overt's own, or (in an -O0 build, where nothing is inlined) a standard template instantiated
  # for one of overt's types, which the version script's overt::* keeps with it.
  if(name MATCHES "overt::" OR name MATCHES "^overt_(collector_[a-z_]+|string_free|last_error)$")
    math(EXPR own "${own} + 1")
  else()
    string(APPEND foreign "\n  ${name}")
  endif()
endforeach()
if(NOT foreign STREQUAL "")
  message(FATAL_ERROR "libovert.so exports symbols that are not overt's:${foreign}")
endif()
if(own LESS 10)
  message(FATAL_ERROR "libovert.so exports only ${own} symbols: is nm reading the right file?")
endif()
message(STATUS "libovert.so exports ${own} symbols, all overt's")
