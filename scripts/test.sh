#!/usr/bin/env bash
# Builds overt and runs the whole test suite under each preset: release, ASan+UBSan, TSan,
# then a short run of each libFuzzer target (clang, ASan+UBSan).
# OVERT_TEST_PRESETS="release" limits the run (e.g. for a quick local check).
set -euo pipefail
cd "$(dirname "$0")/.."

presets=(${OVERT_TEST_PRESETS:-release asan tsan fuzz})
total_passed=0
total_failed=0
summary=()
for preset in "${presets[@]}"; do
  echo "=== overt tests: preset ${preset}"
  start=$(date +%s)
  cmake --preset "${preset}" >/dev/null
  cmake --build --preset "${preset}" -j "$(nproc)"
  log=$(mktemp)
  status=0
  ctest --preset "${preset}" 2>&1 | tee "${log}" || status=$?
  # ctest: "100% tests passed, 0 tests failed out of 42"
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "${log}" | tail -n 1 || true)
  rm -f "${log}"
  if [ -z "${line}" ]; then
    echo "overt tests: preset ${preset}: ctest printed no summary" >&2
    exit 1
  fi
  failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"${line}")
  ran=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"${line}")
  total_passed=$((total_passed + ran - failed))
  total_failed=$((total_failed + failed))
  summary+=("${preset}: $((ran - failed)) of ${ran} passed in $(( $(date +%s) - start )) s")
  if [ "${status}" -ne 0 ] || [ "${failed}" -ne 0 ]; then
    printf '%s\n' "${summary[@]}"
    echo "tests: ${total_passed} passed, ${total_failed} failed"
    exit 1
  fi
done
printf '%s\n' "${summary[@]}"
echo "tests: ${total_passed} passed, ${total_failed} failed"
