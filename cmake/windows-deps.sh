#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the Windows libraries Debian has no mingw package for into a cache the windows
# preset's configure points at: yaml-cpp from `apt-get source yaml-cpp` (the deb-src entry is
# packaging/install-deps.sh's) and GoogleTest from /usr/src/googletest, built static with the
# mingw-w64 toolchain at -O0 (only the tests under wine use them: compile time matters, speed does not).
#   cmake/windows-deps.sh CACHE_DIR
# A no-op when CACHE_DIR/prefix already holds the library.
set -euo pipefail
cache=$(realpath -m "$1")
prefix="${cache}/prefix"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ -f "${prefix}/lib/libyaml-cpp.a" ] && [ -f "${prefix}/lib/libgtest.a" ] && exit 0

mkdir -p "${cache}/src"
cd "${cache}/src"
if ! ls -d yaml-cpp-*/ >/dev/null 2>&1; then
  echo "windows-deps: apt-get source yaml-cpp"
  apt-get source -qq yaml-cpp >/dev/null
fi
build_static() {  # build_static NAME SOURCE_DIR CMAKE_ARGS...
  local name=$1 source=$2
  shift 2
  echo "windows-deps: building ${name} (${source}) for Windows into ${prefix}"
  cmake -S "${source}" -B "${cache}/build-${name}" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="${here}/toolchains/mingw-w64.cmake" -DCMAKE_CROSSCOMPILING_EMULATOR= \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O0 -DNDEBUG" -DBUILD_SHARED_LIBS=OFF \
    -DCMAKE_INSTALL_PREFIX="${prefix}" "$@" >/dev/null
  cmake --build "${cache}/build-${name}" -j "${OVERT_DEPS_JOBS:-$(nproc)}" >/dev/null
  cmake --install "${cache}/build-${name}" >/dev/null
}
build_static yaml-cpp "$(ls -d "${cache}"/src/yaml-cpp-*/ | head -n 1)" \
  -DYAML_BUILD_SHARED_LIBS=OFF -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF -DYAML_CPP_BUILD_CONTRIB=OFF
build_static googletest /usr/src/googletest -DINSTALL_GTEST=ON -Dgtest_disable_pthreads=OFF
