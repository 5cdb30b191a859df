# SPDX-License-Identifier: MIT
# ctest driver: a vendor's Windows build of the SDK template. Installs this build tree into a
# prefix, builds sdk/template against it with the same mingw toolchain (a project of its own,
# static runtime as overt's), then runs the template's conformance test under wine, with the
# installed overt.dll found through WINEPATH.
#   -DBUILD_DIR=<windows build> -DSOURCE_DIR=<overt source> -DWORK_DIR=<scratch> -DTOOLCHAIN=<file>
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
set(template_build ${WORK_DIR}/build)
function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}")
  endif()
  message(STATUS "${what}: done")
endfunction()
run_step("installing ${BUILD_DIR} into ${prefix}" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(file bin/overt.dll lib/libovert.dll.a lib/cmake/overt/overtConfig.cmake lib/overt/plugins/overt-file.dll)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "the install has no ${file}")
  endif()
endforeach()
run_step("configuring sdk/template" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/sdk/template -B ${template_build} -G Ninja
  -DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN} -Dovert_DIR=${prefix}/lib/cmake/overt
  -DCMAKE_EXE_LINKER_FLAGS=-static -DCMAKE_MODULE_LINKER_FLAGS=-static)
run_step("building sdk/template" ${CMAKE_COMMAND} --build ${template_build})
if(NOT EXISTS ${template_build}/overt-mine.dll)
  message(FATAL_ERROR "the template built no overt-mine.dll")
endif()
# WINEPATH takes Windows paths: the Unix root is drive Z:.
string(REPLACE "/" "\\" prefix_bin "Z:${prefix}/bin")
set(ENV{WINEPATH} "${prefix_bin}")
run_step("the template's conformance test under wine" ${CMAKE_CTEST_COMMAND} --test-dir ${template_build} --output-on-failure --no-tests=error)
