#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs a Windows program under wine (the windows preset's CMAKE_CROSSCOMPILING_EMULATOR).
# The prefix lives under the build tree (WINEPREFIX, set by the test preset) or in
# $TMPDIR/overt-wine-<uid>; the first call creates it with wineboot. Its wineserver stays up
# 30 s past the last program (instead of wine's 3), so a test run starts it about once.
set -euo pipefail
export WINEPREFIX="${WINEPREFIX:-${TMPDIR:-/tmp}/overt-wine-$(id -u)}"
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"   # no Mono/Gecko install prompts
wine=/usr/lib/wine/wine64
[ -x "${wine}" ] || wine=$(command -v wine64 || command -v wine)
if [ ! -f "${WINEPREFIX}/system.reg" ]; then
  mkdir -p "${WINEPREFIX}"
  # Two tests starting at once would both boot: one boots, the other waits for it.
  exec 9>"${WINEPREFIX}.lock"
  flock 9
  [ -f "${WINEPREFIX}/system.reg" ] || "${wine}" wineboot --init >/dev/null 2>&1 || true
  flock -u 9
fi
server=/usr/lib/wine/wineserver64
[ -x "${server}" ] || server=$(command -v wineserver64 || command -v wineserver)
# Exit 0: no server ran, this one now does; its helper processes (services, devices) are then
# started here with no handle on the caller's pipes, which they would hold open past the test.
if "${server}" -p30 </dev/null >/dev/null 2>&1; then
  "${wine}" wineboot </dev/null >/dev/null 2>&1 || true
fi
exec "${wine}" "$@"
