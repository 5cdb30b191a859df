#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds overt and runs the test suite under each preset, the gate .ci/run runs:
#   release  every test (unity build, -O3)
#   asan     every test under ASan + UBSan (-O0) but the packaging-slow ones, the fuzz targets
#            replaying their corpora among them
#   tsan     the tests labelled concurrency or process (-O0), which is every test binary with
#            threads or child processes (build preset tsan builds only what they need)
#   windows  opt-in (OVERT_TEST_PRESETS="release asan tsan windows"): the mingw-w64 cross build
#            (-O0) and its tests under wine; too slow cold for the CI budget (docs/testing.md)
# Prints the time of each stage and ends with "tests: N passed, N failed".
#
#   OVERT_TEST_PRESETS="release asan"   run only these presets
#   OVERT_TEST_LABELS="collector|faults" run only tests with a matching label (ctest -L regex)
# The inner loop of a developer is scripts/quick.sh (release, the labels a change touches).
set -euo pipefail
cd "$(dirname "$0")/.."

presets=(${OVERT_TEST_PRESETS:-release asan tsan})
label_args=()
[[ -z "${OVERT_TEST_LABELS:-}" ]] || label_args=(-L "${OVERT_TEST_LABELS}")

gate_start=$(date +%s)
total_passed=0
total_failed=0
summary=()
finish() {
  printf '%s\n' "${summary[@]}"
  echo "gate: $(( $(date +%s) - gate_start )) s in all"
  echo "tests: ${total_passed} passed, ${total_failed} failed"
}

for preset in "${presets[@]}"; do
  echo "=== overt tests: preset ${preset}"
  t0=$(date +%s)
  cmake --preset "${preset}" >/dev/null
  t1=$(date +%s)
  cmake --build --preset "${preset}" -j "$(nproc)"
  t2=$(date +%s)
  log=$(mktemp)
  status=0
  ctest --preset "${preset}" "${label_args[@]}" 2>&1 | tee "${log}" || status=$?
  t3=$(date +%s)
  # ctest: "100% tests passed, 0 tests failed out of 42"
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "${log}" | tail -n 1 || true)
  rm -f "${log}"
  if [ -z "${line}" ]; then
    echo "overt tests: preset ${preset}: ctest printed no summary" >&2
    summary+=("${preset}: ctest printed no summary")
    total_failed=$((total_failed + 1))
    finish
    exit 1
  fi
  failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"${line}")
  ran=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"${line}")
  total_passed=$((total_passed + ran - failed))
  total_failed=$((total_failed + failed))
  summary+=("${preset}: $((ran - failed)) of ${ran} passed; configure $((t1 - t0)) s, build $((t2 - t1)) s, test $((t3 - t2)) s")
  echo "=== overt tests: preset ${preset} took $((t3 - t0)) s (configure $((t1 - t0)), build $((t2 - t1)), test $((t3 - t2)))"
  if [ "${status}" -ne 0 ] || [ "${failed}" -ne 0 ]; then
    finish
    exit 1
  fi
done
finish
