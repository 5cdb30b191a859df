#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The overt demo: builds the overt command, the overt-demo tool and the plugins with the release
# preset, then, in a throwaway HOME (so it can be run again and again and never touches yours):
#   1. runs overt-demo without consent and shows that nothing was recorded;
#   2. grants consent with `overt enable --tool overt-demo`;
#   3. runs overt-demo build / test / deploy (deploy fails on purpose);
#   4. prints the recorded NDJSON file and `overt status --tool overt-demo`.
#
# Environment:
#   OVERT_DEMO_BUILD_DIR  use this existing build tree (bin/overt, bin/overt-demo) and skip
#                         building (the tests do this)
#   OVERT_DEMO_KEEP=1     keep the throwaway dir and print its path
#   OVERT_DEMO_WINE=RUNNER  run the Windows build's overt.exe and overt-demo.exe through RUNNER
#                         (cmake/wine-run.sh); the data and consent then live in the wine
#                         prefix's %LOCALAPPDATA% and %APPDATA%, cleared first
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

fail() {
  echo "demo.sh: error: $*" >&2
  exit 1
}
step() { printf '\n==> %s\n' "$*"; }
# Anything that fails without its own message still says what and where.
trap 'echo "demo.sh: error: line $LINENO: \"$BASH_COMMAND\" failed" >&2' ERR

if [[ -n "${OVERT_DEMO_BUILD_DIR:-}" ]]; then
  build_dir="$(cd "$OVERT_DEMO_BUILD_DIR" 2>/dev/null && pwd)" || fail "OVERT_DEMO_BUILD_DIR=$OVERT_DEMO_BUILD_DIR is not a directory"
else
  command -v cmake >/dev/null || fail "cmake not found; run packaging/install-deps.sh first"
  step "Building overt, overt-demo and the plugins (release preset)"
  (cd "$repo_root" && cmake --preset release >/dev/null) || fail "cmake --preset release failed (see above)"
  (cd "$repo_root" && cmake --build --preset release --target overt_cli overt_demo overt_plugin_file) ||
    fail "the build failed (see above)"
  build_dir="$repo_root/build/release"
fi

wine="${OVERT_DEMO_WINE:-}"
exe=""
if [[ -n "$wine" ]]; then
  exe=".exe"
  # The runner's own default, fixed before TMPDIR moves into the sandbox below.
  export WINEPREFIX="${WINEPREFIX:-${TMPDIR:-/tmp}/overt-wine-$(id -u)}"
fi
overt_program="$build_dir/bin/overt$exe"
demo_program="$build_dir/bin/overt-demo$exe"
[[ -f "$overt_program" ]] || fail "$overt_program not found (is $build_dir a built overt tree?)"
[[ -f "$demo_program" ]] || fail "$demo_program not found (is $build_dir a built overt tree?)"
overt() { ${wine:+"$wine"} "$overt_program" "$@"; }
demo() { ${wine:+"$wine"} "$demo_program" "$@"; }

sandbox="$(mktemp -d "${TMPDIR:-/tmp}/overt-demo.XXXXXX")" || fail "cannot create a temporary directory"
if [[ "${OVERT_DEMO_KEEP:-0}" == 1 ]]; then
  echo "demo.sh: keeping $sandbox"
else
  trap 'rm -rf "$sandbox"' EXIT
fi
export HOME="$sandbox/home"
export XDG_CONFIG_HOME="$sandbox/config"
export XDG_STATE_HOME="$sandbox/state"
export XDG_CACHE_HOME="$sandbox/cache"
export TMPDIR="$sandbox/tmp"
mkdir -p "$HOME" "$TMPDIR"
# The demo's own switches must not leak in from the caller's environment.
unset DO_NOT_TRACK OVERT_DEMO_TELEMETRY OVERT_DEMO_CONFIG OVERT_PLUGIN_PATH
cd "$sandbox"  # no overt.yaml here: the defaults apply

data_dir="$XDG_STATE_HOME/overt/overt-demo"
if [[ -n "$wine" ]]; then
  # Wine sets %LOCALAPPDATA% and %APPDATA% from its prefix, whatever the environment says.
  profile="$WINEPREFIX/drive_c/users/$(id -un)/AppData"
  data_dir="$profile/Local/overt/overt-demo"
  rm -rf "$data_dir" "$profile/Roaming/overt/overt-demo"
fi
recorded="$data_dir/telemetry.ndjson"

run_demo() {
  local rc=0
  demo "$1" || rc=$?
  # deploy fails on purpose (exit 1); anything else is a real failure.
  if [[ "$rc" -ne "$2" ]]; then fail "overt-demo $1 exited $rc, expected $2"; fi
}

step "Consent is off by default: running overt-demo records nothing"
run_demo build 0
[[ ! -e "$recorded" ]] || fail "overt-demo recorded events without consent ($recorded exists)"
if compgen -G "$data_dir/telemetry-spill-*" >/dev/null; then fail "overt-demo spilled events without consent"; fi
echo "nothing recorded (no $recorded)"
overt status --tool overt-demo | grep '^Telemetry:' || fail "overt status failed"

step "overt enable --tool overt-demo"
overt enable --tool overt-demo || fail "overt enable failed"

step "Running overt-demo build, test and deploy (deploy fails on purpose)"
run_demo build 0
run_demo test 0
run_demo deploy 1

step "overt flush --tool overt-demo (waits for the overt-sender each run started, sends what is left)"
overt flush --tool overt-demo || fail "overt flush failed"

step "Recorded events ($recorded)"
[[ -s "$recorded" ]] || fail "no events were recorded in $recorded"
if command -v jq >/dev/null; then
  jq . "$recorded" || fail "$recorded is not valid NDJSON"
else
  while IFS= read -r line; do
    printf '%s\n' "$line" | python3 -m json.tool || fail "$recorded has a line that is not JSON: $line"
  done <"$recorded"
fi
events=$(wc -l <"$recorded")
[[ "$events" -eq 4 ]] || fail "expected 4 events (3 commands + 1 feature.used), found $events"

step "overt status --tool overt-demo"
overt status --tool overt-demo || fail "overt status failed"

printf '\ndemo.sh: done: %s events recorded while consent was granted, none before.\n' "$events"
