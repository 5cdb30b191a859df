# SPDX-License-Identifier: MIT
# overt_tests_threaded: every target of the test directories labelled concurrency, packaging
# excepted: what the TSan preset builds to run that label. Derived from the directories' labels,
# so a new test binary there is never left out of the TSan run. Directories labelled only
# `process` (cli, commands, config, c_api) test single-threaded code and start programs whose
# threads (delivery, the exit hand-off, the sender) the concurrency directories run in-process.
function(overt_define_test_suites)
  set(threaded "")
  foreach(dir IN LISTS ARGN)
    get_property(labels DIRECTORY ${dir} PROPERTY LABELS)
    if("concurrency" IN_LIST labels AND NOT "packaging" IN_LIST labels)
      get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
      list(APPEND threaded ${targets})
    endif()
  endforeach()
  add_custom_target(overt_tests_threaded)
  if(threaded)
    add_dependencies(overt_tests_threaded ${threaded})
  endif()
endfunction()
