#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds overt and runs the test suite under each preset, the gate .ci/run runs:
#   release  every test (unity build, -O3)
#   asan     every test under ASan + UBSan (-O0) but the packaging-slow ones, the fuzz targets
#            replaying their corpora among them
#   tsan     the tests labelled concurrency (-O0): every test binary with threads of its own
#            (build preset tsan builds only what they need)
#   windows  the mingw-w64 cross build (-O0, linked with lld) and its tests under wine. With
#            other presets it is built in the background at the lowest CPU priority from the
#            start, on the cycles the Linux stages leave idle, and tested last (docs/testing.md)
# Prints the time of each stage and ends with "tests: N passed, N failed".
#
#   OVERT_TEST_PRESETS="release asan"   run only these presets
#   OVERT_TEST_LABELS="collector|faults" run only tests with a matching label (ctest -L regex)
# The inner loop of a developer is scripts/quick.sh (release, the labels a change touches).
set -euo pipefail
cd "$(dirname "$0")/.."

presets=(${OVERT_TEST_PRESETS:-release asan tsan windows})
label_args=()
[[ -z "${OVERT_TEST_LABELS:-}" ]] || label_args=(-L "${OVERT_TEST_LABELS}")

gate_start=$(date +%s)
# CPU seconds (user + system) of the processes this script has waited for, from bash's `times`:
# on a shared VM a stage's CPU time says more about its cost than its wall time does.
# (`times` runs in this shell only with a redirection: in a pipe it would time a subshell.)
times_file=$(mktemp)
trap 'rm -f "${times_file}"' EXIT
children_cpu() {  # sets cpu_now; called directly, never in $( ), which would be a subshell too
  times >"${times_file}"
  cpu_now=$(tail -n 1 "${times_file}" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); t += p[1] * 60 + p[2] } printf "%d", t }')
}
total_passed=0
total_failed=0
summary=()
finish() {
  printf '%s\n' "${summary[@]}"
  echo "gate: $(( $(date +%s) - gate_start )) s in all"
  echo "tests: ${total_passed} passed, ${total_failed} failed"
}

# The windows stage beside others: moved last, its configure and build started now under
# `nice -n 19`, so it only takes the CPU the Linux stages leave idle (their tests mostly wait
# on processes and sockets) and barely slows them. Its output goes to a log, printed when its
# tests start.
background_pid=""
background_log=""
if [[ " ${presets[*]} " == *" windows "* && ${#presets[@]} -gt 1 ]]; then
  others=()
  for preset in "${presets[@]}"; do [[ "${preset}" == windows ]] || others+=("${preset}"); done
  presets=("${others[@]}" windows)
  background_log=$(mktemp)
  # Its own session, so that stopping the gate stops the whole build. A new session is a new
  # scheduler autogroup, which would get an equal share whatever its nice: the group is niced too.
  setsid nice -n 19 bash -c 'echo 19 >/proc/self/autogroup 2>/dev/null || true
    cmake --preset windows >/dev/null && cmake --build --preset windows -j "$(nproc)"' \
    >"${background_log}" 2>&1 &
  background_pid=$!
  stop_background() {
    [[ -z "${background_pid}" ]] || kill -- "-${background_pid}" 2>/dev/null || true
    rm -f "${background_log}" "${times_file}"
  }
  trap stop_background EXIT
  trap 'exit 130' INT TERM
fi

for preset in "${presets[@]}"; do
  echo "=== overt tests: preset ${preset}"
  t0=$(date +%s)
  children_cpu
  cpu0=${cpu_now}
  if [[ "${preset}" == windows && -n "${background_pid}" ]]; then
    # Configure and build ran in the background: t0..t2 is the time the gate waited for them.
    build_status=0
    wait "${background_pid}" || build_status=$?
    background_pid=""
    cat "${background_log}"
    t2=$(date +%s)
    build_note="built in the background, the gate waited $((t2 - t0)) s for it"
    echo "=== overt tests: preset windows ${build_note}"
    if [ "${build_status}" -ne 0 ]; then
      echo "overt tests: preset windows: the background build failed (status ${build_status})" >&2
      summary+=("windows: the build failed")
      total_failed=$((total_failed + 1))
      finish
      exit 1
    fi
  else
    cmake --preset "${preset}" >/dev/null
    t1=$(date +%s)
    cmake --build --preset "${preset}" -j "$(nproc)"
    t2=$(date +%s)
    build_note="configure $((t1 - t0)) s, build $((t2 - t1)) s"
  fi
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
  children_cpu
  cpu_note="cpu $((cpu_now - cpu0)) s"
  summary+=("${preset}: $((ran - failed)) of ${ran} passed; ${build_note}, test $((t3 - t2)) s; ${cpu_note}")
  echo "=== overt tests: preset ${preset} took $((t3 - t0)) s (${build_note}, test $((t3 - t2)) s; ${cpu_note})"
  if [ "${status}" -ne 0 ] || [ "${failed}" -ne 0 ]; then
    finish
    exit 1
  fi
done
finish
