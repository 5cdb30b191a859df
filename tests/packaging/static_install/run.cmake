# SPDX-License-Identifier: MIT
# ctest driver (OVERT_TEST_STATIC_INSTALL): build overt itself with OVERT_BUILD_SHARED=OFF and
# the file and stdout backends built in, install it, build examples/consumer against the
# installed tree with find_package(overt) and with pkg-config --static, and run the CMake one
# with no plugin directory: its events land in the built-in file backend.
#   -DOVERT_SOURCE_DIR -DWORK_DIR -DGENERATOR -DCXX_COMPILER -DREADELF
foreach(var OVERT_SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER READELF)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run.cmake: -D${var}=... is required")
  endif()
endforeach()

# The overt build is kept between runs (it is incremental); the prefix and the consumers are not.
set(build ${WORK_DIR}/overt-build)
set(prefix ${WORK_DIR}/prefix)
set(home ${WORK_DIR}/home)
file(REMOVE_RECURSE ${prefix} ${home} ${WORK_DIR}/consumer-cmake ${WORK_DIR}/consumer-pkgconfig)

include(${CMAKE_CURRENT_LIST_DIR}/../../run_step.cmake)

# -O0: this build tests the static packaging, not the optimiser (it takes a few minutes).
run_step("configuring the static overt"
  ${CMAKE_COMMAND} -E env --unset=CXXFLAGS --unset=LDFLAGS
  ${CMAKE_COMMAND} -S ${OVERT_SOURCE_DIR} -B ${build} -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS=-O0 -DCMAKE_C_FLAGS=-O0 -DCMAKE_UNITY_BUILD=ON
    -DOVERT_BUILD_SHARED=OFF -DOVERT_BUILTIN_BACKENDS=file,stdout
    -DOVERT_BUILD_TESTS=OFF -DOVERT_BUILD_BENCH=OFF -DOVERT_BUILD_EXAMPLES=OFF -DOVERT_PACKAGE=OFF)
run_step("building the static overt" ${CMAKE_COMMAND} --build ${build})
run_step("installing the static overt" ${CMAKE_COMMAND} --install ${build} --prefix ${prefix})
foreach(file lib/libovert.a bin/overt lib/overt/plugins/libovert-http.so)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "the static install lacks ${file}")
  endif()
endforeach()
foreach(file lib/libovert.so lib/overt/plugins/libovert-file.so lib/overt/plugins/libovert-stdout.so)
  if(EXISTS ${prefix}/${file})
    message(FATAL_ERROR "the static install should not hold ${file} (built in, or not built)")
  endif()
endforeach()

set(consumer_source ${OVERT_SOURCE_DIR}/examples/consumer)
run_step("building the consumer with find_package(overt)"
  ${CMAKE_COMMAND} -E env --unset=CXXFLAGS --unset=LDFLAGS
  ${CMAKE_COMMAND} -S ${consumer_source} -B ${WORK_DIR}/consumer-cmake -G ${GENERATOR}
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_PREFIX_PATH=${prefix})
run_step("building the consumer with find_package(overt)" ${CMAKE_COMMAND} --build ${WORK_DIR}/consumer-cmake)
file(MAKE_DIRECTORY ${WORK_DIR}/consumer-pkgconfig)
run_step("asking pkg-config --static"
  ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${prefix}/lib/pkgconfig pkg-config --cflags --static --libs overt)
separate_arguments(pkgconfig_flags UNIX_COMMAND "${step_output}")
run_step("building the consumer with pkg-config --static"
  ${CXX_COMPILER} -std=c++20 -o ${WORK_DIR}/consumer-pkgconfig/consumer ${consumer_source}/main.cpp ${pkgconfig_flags})

set(consumer ${WORK_DIR}/consumer-cmake/consumer)
run_step("reading the consumer's dynamic section" ${READELF} -d ${consumer})
if(step_output MATCHES "libovert")
  message(FATAL_ERROR "the consumer of a static libovert needs libovert.so:\n${step_output}")
endif()

# Consent from the installed (static) overt command, then one run of the consumer: it hands its
# events to a forked sender of its own, which writes them with the built-in file backend.
set(clean_env ${CMAKE_COMMAND} -E env --unset=OVERT_PLUGIN_PATH --unset=XDG_STATE_HOME --unset=XDG_CONFIG_HOME
  HOME=${home})
run_step("enabling telemetry for the consumer" ${clean_env} ${prefix}/bin/overt enable --tool consumer)
run_step("running the consumer" ${clean_env} ${consumer})
set(events ${home}/.local/state/overt/consumer/telemetry.ndjson)
foreach(attempt RANGE 100)
  if(EXISTS ${events})
    file(STRINGS ${events} lines)
    list(LENGTH lines count)
    if(count EQUAL 2)
      break()
    endif()
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 0.1)
endforeach()
if(NOT count EQUAL 2 OR NOT lines MATCHES "\"name\":\"consumer run\"")
  message(FATAL_ERROR "the consumer's 2 events are not in ${events}: ${lines}\n${step_output}")
endif()
message(STATUS "static install: the consumer delivered 2 events into its built-in file backend")
