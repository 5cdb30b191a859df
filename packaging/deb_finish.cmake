# SPDX-License-Identifier: MIT
# Runs after cpack has made the .debs (CPACK_POST_BUILD_SCRIPTS) and mends what CPack 3.25
# gets wrong for Debian, repacking with dpkg-deb:
#  - its -dbgsym .ddebs list absolute build paths in md5sums and carry no copyright or
#    changelog: md5sums is rewritten, the doc dir links to the debugged package's;
#  - it gives libovert0 a postinst and postrm that only call ldconfig, where Debian wants the
#    ldconfig trigger libovert0 already declares: the two scripts are dropped.
# Inputs from CPackConfig.cmake: CPACK_PACKAGE_FILES, CPACK_TOPLEVEL_DIRECTORY.

function(overt_deb_field deb field out)
  execute_process(COMMAND dpkg-deb -f ${deb} ${field} OUTPUT_VARIABLE value OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "deb_finish: cannot read ${field} of ${deb}")
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

function(overt_deb_run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status ERROR_VARIABLE error)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "deb_finish: '${ARGN}' failed: ${error}")
  endif()
endfunction()

# md5sums of every regular file of an unpacked package, as dpkg writes it.
function(overt_deb_write_md5sums root)
  file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE ${root} ${root}/*)
  list(SORT files)
  set(sums "")
  foreach(file IN LISTS files)
    if(file MATCHES "^DEBIAN/" OR IS_SYMLINK ${root}/${file})
      continue()
    endif()
    file(MD5 ${root}/${file} sum)
    string(APPEND sums "${sum}  ${file}\n")
  endforeach()
  file(WRITE ${root}/DEBIAN/md5sums "${sums}")
endfunction()

set(work ${CPACK_TOPLEVEL_DIRECTORY}/overt-deb-finish)
file(MAKE_DIRECTORY ${work})
set(packages ${CPACK_PACKAGE_FILES})
list(GET packages 0 first)
get_filename_component(package_dir ${first} DIRECTORY)
file(GLOB ddebs ${package_dir}/*.ddeb)

foreach(deb IN LISTS packages ddebs)
  overt_deb_field(${deb} Package name)
  set(root ${work}/${name})
  file(REMOVE_RECURSE ${root})
  overt_deb_run(dpkg-deb -R ${deb} ${root})
  set(changed OFF)
  if(deb MATCHES "\\.ddeb$")
    # As Debian's own dbgsym packages: the doc dir is a link to that of the package they
    # depend on (= version), whose copyright and changelog then cover them.
    string(REGEX REPLACE "-dbgsym$" "" debugged ${name})
    file(MAKE_DIRECTORY ${root}/usr/share/doc)
    file(CREATE_LINK ${debugged} ${root}/usr/share/doc/${name} SYMBOLIC)
    overt_deb_write_md5sums(${root})
    set(changed ON)
  endif()
  foreach(script postinst postrm)
    if(EXISTS ${root}/DEBIAN/${script} AND EXISTS ${root}/DEBIAN/triggers)
      file(READ ${root}/DEBIAN/${script} text)
      # CPack's script: a shebang, set -e and one ldconfig inside an if.
      string(REGEX REPLACE "#!/bin/sh|set -e|if \\[ \"\\$1\" = \"[a-z]+\" \\]; then|ldconfig|fi|[ \t\n]" "" rest "${text}")
      if(rest STREQUAL "")
        file(REMOVE ${root}/DEBIAN/${script})
        set(changed ON)
      endif()
    endif()
  endforeach()
  if(changed)
    overt_deb_run(dpkg-deb --root-owner-group -Zxz --build ${root} ${deb})
  endif()
  file(REMOVE_RECURSE ${root})
endforeach()
