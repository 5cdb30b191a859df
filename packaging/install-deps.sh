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

# The npm peers of the backend tests (a no-op when tests/peers/node_modules is complete).
bash "$(dirname "${BASH_SOURCE[0]}")/../tests/peers/install.sh"
