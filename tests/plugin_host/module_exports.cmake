# SPDX-License-Identifier: MIT
# ctest driver: each bundled plugin module exports its entry point, overt_backend_entry_v1, and
# no other symbol (the standard library's templates a plugin instantiates included).
#   -DNM=<nm> -DMODULES=<module;module...>
foreach(module IN LISTS MODULES)
  execute_process(COMMAND ${NM} -D --defined-only ${module}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE listing ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "listing the exports of ${module} failed (${rc}): ${err}")
  endif()
  string(REGEX MATCHALL "[0-9a-f]+ [A-Za-z] [^\n]+" symbols "${listing}")
  set(others "")
  set(entry FALSE)
  foreach(symbol IN LISTS symbols)
    if(symbol MATCHES " T overt_backend_entry_v1$")
      set(entry TRUE)
    else()
      string(APPEND others "\n  ${symbol}")
    endif()
  endforeach()
  get_filename_component(name ${module} NAME)
  if(NOT entry)
    message(FATAL_ERROR "${name} does not export overt_backend_entry_v1")
  endif()
  if(NOT others STREQUAL "")
    message(FATAL_ERROR "${name} exports more than its entry point:${others}")
  endif()
  message(STATUS "${name} exports overt_backend_entry_v1 only")
endforeach()
