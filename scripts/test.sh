#!/usr/bin/env bash
# Builds overt and runs the whole test suite under each preset: release, ASan+UBSan, TSan.
# OVERT_TEST_PRESETS="release" limits the run (e.g. for a quick local check).
set -euo pipefail
cd "$(dirname "$0")/.."

presets=(${OVERT_TEST_PRESETS:-release asan tsan})
summary=()
for preset in "${presets[@]}"; do
  echo "=== overt tests: preset ${preset}"
  start=$(date +%s)
  cmake --preset "${preset}" >/dev/null
  cmake --build --preset "${preset}" -j "$(nproc)"
  ctest --preset "${preset}"
  summary+=("${preset}: passed in $(( $(date +%s) - start )) s")
done
printf '%s\n' "=== overt tests: all presets passed" "${summary[@]}"
