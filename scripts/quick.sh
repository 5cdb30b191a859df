#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A developer's inner loop: builds the release preset and runs only the tests a change touches.
#
#   scripts/quick.sh                  # labels of the files changed since HEAD (and untracked ones)
#   scripts/quick.sh collector faults # these labels
#   scripts/quick.sh all              # every release test (what the gate's first stage runs)
#
# Labels are those of the tests (ctest --print-labels); the full gate is scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

# The test labels a changed path is likely to break, as a ctest -L alternation.
labels_for() {
  case "$1" in
    tests/peers/*) echo "peers" ;;
    tests/*/*) cut -d/ -f2 <<<"$1" ;;
    fuzz/*) echo "fuzz" ;;
    core/src/privacy/* | core/src/deletion/*) echo "privacy|collector" ;;
    core/src/event/*) echo "event|collector|plugin_host" ;;
    core/src/spill/* | core/src/delivery/* | core/src/collector/*) echo "collector|faults|cli" ;;
    core/src/plugin/*) echo "plugin_host|backends|collector|packaging" ;;
    core/src/transport/*) echo "backends" ;;
    core/src/config/*) echo "config|cli" ;;
    core/src/commands/* | core/include/overt/telemetry_commands.hpp | core/include/overt/cli/*) echo "commands|cli" ;;
    core/src/c_api/* | core/include/overt/overt.h | examples/c/* | examples/python/*) echo "c_api|packaging" ;;
    core/src/schema/*) echo "plugin_host|config|fuzz" ;;
    core/* | sdk/*) echo "unit|collector|plugin_host|backends|cli" ;;
    plugins/file/* | plugins/stdout/*) echo "plugin_host|cli|collector|packaging" ;;
    plugins/*) echo "backends|peers|plugin_host" ;;
    cli/* | examples/*) echo "cli|config|plugin_host|commands" ;;
    packaging/* | cmake/* | CMakeLists.txt) echo "packaging" ;;
    *) ;;
  esac
}

if [[ $# -gt 0 ]]; then
  labels=$(IFS='|'; echo "$*")
else
  labels=$( { git diff --name-only HEAD; git ls-files --others --exclude-standard; } |
              while read -r path; do labels_for "$path"; done | tr '|' '\n' | sort -u | paste -sd'|')
  if [[ -z "$labels" ]]; then
    echo "quick: no change that a test covers (git diff HEAD); running the unit tests" >&2
    labels="unit"
  fi
fi

start=$(date +%s)
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
if [[ "$labels" == "all" ]]; then
  echo "quick: every release test" >&2
  ctest --preset release
else
  echo "quick: labels ${labels}" >&2
  ctest --preset release -L "$labels"
fi
echo "quick: $(( $(date +%s) - start )) s" >&2
