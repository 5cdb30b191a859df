#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the libFuzzer targets (fuzz/) for N seconds each over their seed corpus.
#
#   scripts/fuzz.sh                       # configure + build the fuzz preset, 20 s per target, all targets
#   scripts/fuzz.sh --seconds 600 spill   # longer, one target
#   scripts/fuzz.sh --build-dir DIR ...   # an existing fuzz build (ctest passes its own)
#
# New inputs found go to a scratch copy of the corpus (the committed seeds stay as they are);
# a crash leaves its input in <build dir>/fuzz-findings/<target>/ and fails the script.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="$ROOT/build/fuzz"
SECONDS_EACH=20
TARGETS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) SECONDS_EACH="$2"; shift 2 ;;
    --build-dir) BUILD_DIR="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=(config spill descriptor schema)

if [[ ! -x "$BUILD_DIR/bin/fuzz_${TARGETS[0]}" ]]; then
  if [[ "$BUILD_DIR" == "$ROOT/build/fuzz" ]]; then
    cmake --preset fuzz -S "$ROOT" >&2
  else
    cmake --preset fuzz -S "$ROOT" -B "$BUILD_DIR" >&2
  fi
  cmake --build "$BUILD_DIR" --target overt_fuzz_targets >&2
fi

failed=0
for target in "${TARGETS[@]}"; do
  binary="$BUILD_DIR/bin/fuzz_$target"
  seeds="$ROOT/fuzz/corpus/$target"
  if [[ ! -x "$binary" || ! -d "$seeds" ]]; then
    echo "fuzz: no target '$target' (expected $binary and $seeds)" >&2
    failed=1
    continue
  fi
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/overt-fuzz-$target-XXXXXX")"
  findings="$BUILD_DIR/fuzz-findings/$target"
  mkdir -p "$findings"
  cp -r "$seeds/." "$scratch/"
  echo "fuzz: $target for ${SECONDS_EACH}s" >&2
  if "$binary" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -print_final_stats=1 -artifact_prefix="$findings/" "$scratch" >"$scratch.log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$scratch.log" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz: $target ok: $runs inputs in ${SECONDS_EACH}s, corpus $(ls "$scratch" | wc -l) files" >&2
  else
    echo "fuzz: $target FAILED; input kept in $findings/; log:" >&2
    tail -40 "$scratch.log" >&2
    failed=1
  fi
  rm -rf "$scratch" "$scratch.log"
done
exit $failed
