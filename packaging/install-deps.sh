#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs every build and test dependency of overt on Debian bookworm.
# A no-op (no apt or npm call at all) when everything is already installed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost-dev            # Boost.DLL (header-only)
  nlohmann-json3-dev libcurl4-openssl-dev libssl-dev libyaml-cpp-dev
  nettle-dev              # SHA-256 in libovert; libssl-dev is for the tests (test PKI, expected hashes)
  libspdlog-dev libfmt-dev zlib1g-dev libcli11-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  python3 python3-jsonschema python3-protobuf protobuf-compiler
  json-schema-test-suite     # draft-07 conformance cases for the config schema validator
  clang libclang-rt-14-dev   # libFuzzer and sanitizer runtimes
  fiu-utils libfiu-dev       # fault injection
  nginx-light openssl curl jq file dpkg-dev ccache
  lintian help2man           # the .debs are checked by lintian; the man page is made from --help
  nodejs                     # runs the npm peers of tests/peers (Prism, OTLP protos)
  # The windows preset: the mingw-w64 cross toolchain, wine to run what it builds, zlib for
  # Windows; yaml-cpp is built from its Debian source by cmake/windows-deps.sh at configure.
  # lld links it (BFD ld took minutes per binary); llvm-ar archives it (with clang).
  g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix wine64 libz-mingw-w64-dev lld-14
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-deps: done"
fi

# `apt-get source yaml-cpp` (the windows preset's yaml-cpp) needs a deb-src entry: the same
# URIs as the machine's own deb822 sources, Types: deb-src. Added once; a no-op afterwards.
src_list=/etc/apt/sources.list.d/overt-deb-src.sources
if [ ! -e "${src_list}" ] && ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/ \
   && [ -r /etc/apt/sources.list.d/debian.sources ]; then
  echo "install-deps: adding ${src_list} (deb-src for apt-get source)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  sed -n '/^Types:/s/.*/Types: deb-src/p; /^\(URIs\|Suites\|Components\|Signed-By\):/p; /^$/p' \
    /etc/apt/sources.list.d/debian.sources | $SUDO tee "${src_list}" >/dev/null
  $SUDO apt-get update -qq
fi

# The npm peers of the backend tests (a no-op when tests/peers/node_modules is complete).
bash "$(dirname "${BASH_SOURCE[0]}")/../tests/peers/install.sh"
