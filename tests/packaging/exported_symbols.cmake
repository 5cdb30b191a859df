# SPDX-License-Identifier: MIT
# ctest driver: libovert exports its API and nothing more: the C API and the overt:: classes
# and functions of the public headers (OVERT_API), none of libovert's internals (overt::delivery::,
# overt::support::, ...: namespaces below overt::) and none of the libraries compiled into it.
#   -DLIBRARY=<path of libovert.so> -DNM=<nm>                      (ELF: the dynamic symbols)
#   -DLIBRARY=<path of overt.dll> -DOBJDUMP=<objdump> -DCXXFILT=<c++filt>   (PE: the export table)
if(OBJDUMP)
  # "\t[   4] _ZN5overt..." under "[Ordinal/Name Pointer] Table"; c++filt demangles each line.
  execute_process(COMMAND ${OBJDUMP} -p ${LIBRARY} COMMAND ${CXXFILT}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE listing ERROR_VARIABLE err)
  set(symbol_line "^\t\\[ *[0-9]+\\] ([^+].*)$")
else()
  # "0000000000012340 T overt::Collector::open(...)": the name starts after the type letter.
  execute_process(COMMAND ${NM} -D --defined-only --demangle ${LIBRARY}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE listing ERROR_VARIABLE err)
  set(symbol_line "^[0-9a-f]+ [A-Za-z] (.*)$")
endif()
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "listing the exports of ${LIBRARY} failed (${rc}): ${err}")
endif()
get_filename_component(library_name ${LIBRARY} NAME)
string(REPLACE ";" "," listing "${listing}")
string(REPLACE "\n" ";" lines "${listing}")
set(foreign "")
set(internal "")
set(own 0)
foreach(line IN LISTS lines)
  if(NOT line MATCHES "${symbol_line}")
    continue()
  endif()
  set(name "${CMAKE_MATCH_1}")
  # What the symbol is of: "vtable for X", "typeinfo for X", a thunk's target.
  string(REGEX REPLACE "^(typeinfo name for |typeinfo for |vtable for |VTT for |guard variable for |non-virtual thunk to |virtual thunk to )" "" subject "${name}")
  if(subject MATCHES "^overt::[a-z_0-9]+::" OR subject MATCHES "::Impl::")
    string(APPEND internal "\n  ${name}")
    continue()
  endif()
  # overt's own, or (in an -O0 build, where nothing is inlined) a standard template instantiated
  # for one of overt's types, which the version script's overt::* keeps with it.
  if(name MATCHES "overt::" OR name MATCHES "^overt_(collector_[a-z_]+|string_free|last_error)$")
    math(EXPR own "${own} + 1")
  else()
    string(APPEND foreign "\n  ${name}")
  endif()
endforeach()
if(NOT internal STREQUAL "")
  message(FATAL_ERROR "${library_name} exports internals of libovert:${internal}")
endif()
if(NOT foreign STREQUAL "")
  message(FATAL_ERROR "${library_name} exports symbols that are not overt's:${foreign}")
endif()
if(own LESS 10)
  message(FATAL_ERROR "${library_name} exports only ${own} symbols: is nm reading the right file?")
endif()
message(STATUS "${library_name} exports ${own} symbols, all of them overt's API")
