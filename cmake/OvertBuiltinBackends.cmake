# SPDX-License-Identifier: MIT
# Built-in backends: bundled plugins compiled into libovert instead of (or beside) their
# libovert-<name>.so. Each is compiled once more as an OBJECT library overt_builtin_<name>
# (plugins/CMakeLists.txt) whose entry point is renamed to overt_builtin_<name>_entry_v1, and a
# libovert gets a generated table of the ones it holds (core/src/plugin/builtin_table.cpp.in).
#
#   OVERT_BUILTINS           the names OVERT_BUILTIN_BACKENDS resolves to ("file;stdout" or
#                            "file,stdout"; "all": every plugins/<name>/)
#   OVERT_TEST_BUILTINS      what the tests' static libovert holds (tests/packaging)
#   OVERT_BUILTIN_OBJECTS    every plugin that needs its built-in objects in this build
file(GLOB overt_bundled_plugin_dirs LIST_DIRECTORIES true ${PROJECT_SOURCE_DIR}/plugins/*)
set(overt_bundled_plugins "")
foreach(dir IN LISTS overt_bundled_plugin_dirs)
  if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/CMakeLists.txt)
    get_filename_component(name ${dir} NAME)
    list(APPEND overt_bundled_plugins ${name})
  endif()
endforeach()

# Commas separate as semicolons do ("file,stdout"): easier to pass through a shell or a script.
string(REPLACE "," ";" OVERT_BUILTINS "${OVERT_BUILTIN_BACKENDS}")
if(OVERT_BUILTINS STREQUAL "all")
  set(OVERT_BUILTINS ${overt_bundled_plugins})
endif()
list(REMOVE_DUPLICATES OVERT_BUILTINS)
foreach(name IN LISTS OVERT_BUILTINS)
  if(NOT name IN_LIST overt_bundled_plugins)
    message(FATAL_ERROR "OVERT_BUILTIN_BACKENDS: no bundled plugin \"${name}\" (plugins/ has: ${overt_bundled_plugins})")
  endif()
endforeach()

set(OVERT_TEST_BUILTINS "")
if(OVERT_BUILD_TESTS)
  set(OVERT_TEST_BUILTINS file stdout)
endif()
set(OVERT_BUILTIN_OBJECTS ${OVERT_BUILTINS} ${OVERT_TEST_BUILTINS})
list(REMOVE_DUPLICATES OVERT_BUILTIN_OBJECTS)

# The C identifier of a plugin name, for its entry symbol (overt_builtin_<id>_entry_v1).
function(overt_builtin_entry_symbol name out)
  string(MAKE_C_IDENTIFIER "${name}" id)
  set(${out} overt_builtin_${id}_entry_v1 PARENT_SCOPE)
endfunction()

# Adds to `target` (a libovert) the built-in backends `builtins` and the table naming them;
# `kind` (SHARED or STATIC) is what the library tells the host about how it is linked.
function(overt_add_builtin_backends target kind)
  set(declarations "")
  set(entries "")
  foreach(name IN LISTS ARGN)
    overt_builtin_entry_symbol(${name} symbol)
    string(APPEND declarations "extern \"C\" const overt_backend_descriptor* ${symbol}(void);\n")
    string(APPEND entries "    {\"${name}\", &${symbol}},\n")
    target_sources(${target} PRIVATE $<TARGET_OBJECTS:overt_builtin_${name}>)
  endforeach()
  if(kind STREQUAL "STATIC")
    set(linked_statically true)
  else()
    set(linked_statically false)
  endif()
  set(table ${CMAKE_CURRENT_BINARY_DIR}/generated/${target}_builtins.cpp)
  configure_file(${PROJECT_SOURCE_DIR}/core/src/plugin/builtin_table.cpp.in ${table} @ONLY)
  target_sources(${target} PRIVATE ${table})
endfunction()
