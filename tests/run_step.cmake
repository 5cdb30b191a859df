# SPDX-License-Identifier: MIT
# run_step(WHAT COMMAND...) for the ctest drivers (cmake -P): runs the command, stops the test
# with its output when it fails, and leaves its stdout in step_output.
function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()
