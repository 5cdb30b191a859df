#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Under wine: a tool's own `telemetry status|enable|disable|reset` (overt-demo.exe), the
# DO_NOT_TRACK and <TOOL>_TELEMETRY switches, and where consent and data land on Windows
# (%APPDATA%, %LOCALAPPDATA%, paths with Windows separators only).
#   in_tool_commands.sh BUILD_DIR WINE_RUNNER
set -euo pipefail
build_dir=$1
wine=$2
demo="$build_dir/bin/overt-demo.exe"
export WINEPREFIX="${WINEPREFIX:-${TMPDIR:-/tmp}/overt-wine-$(id -u)}"
profile="$WINEPREFIX/drive_c/users/$(id -un)/AppData"
consent_file="$profile/Roaming/overt/overt-demo/consent.yaml"
recorded="$profile/Local/overt/overt-demo/telemetry.ndjson"
unset DO_NOT_TRACK OVERT_DEMO_TELEMETRY OVERT_DEMO_CONFIG OVERT_PLUGIN_PATH

fail() { echo "in_tool_commands.sh: $*" >&2; exit 1; }
# Windows programs end their lines with CRLF.
run() { "$wine" "$demo" "$@" 2>&1 | tr -d '\r'; }
expect() {  # expect WHAT OUTPUT PATTERN
  grep -qE -- "$3" <<<"$2" || fail "$1: expected /$3/ in:"$'\n'"$2"
}
lines() { [[ -f "$recorded" ]] && wc -l <"$recorded" || echo 0; }

# From nothing: no consent, no data (the prefix is shared with other tests of the build).
rm -rf "$profile/Local/overt/overt-demo" "$profile/Roaming/overt/overt-demo"

out=$(run telemetry status)
expect "status before consent" "$out" '^Telemetry: +disabled'
expect "status before consent" "$out" 'off until you enable it'
run build >/dev/null
[[ "$(lines)" -eq 0 ]] || fail "a run before consent recorded events in $recorded"

out=$(run telemetry enable)
expect "enable" "$out" 'Consent saved in C:\\users\\[^/]*\\AppData\\Roaming\\overt\\overt-demo\\consent\.yaml$'
[[ -f "$consent_file" ]] || fail "enable wrote no $consent_file"
out=$(run telemetry status)
expect "status after enable" "$out" '^Telemetry: +enabled'
expect "status after enable" "$out" 'AppData\\Local\\overt\\overt-demo\\telemetry\.ndjson'

before=$(lines)
run build >/dev/null
# Each run hands its events to overt-sender.exe at exit; flush waits for it.
"$wine" "$build_dir/bin/overt.exe" flush --tool overt-demo >/dev/null 2>&1 || true
[[ "$(lines)" -gt "$before" ]] || fail "a run with consent recorded nothing in $recorded"

# The switches override the stored consent, in this process only.
out=$(DO_NOT_TRACK=1 run telemetry status)
expect "DO_NOT_TRACK=1" "$out" '^Telemetry: +disabled'
expect "DO_NOT_TRACK=1" "$out" 'DO_NOT_TRACK is set'
before=$(lines)
DO_NOT_TRACK=1 run build >/dev/null
out=$(OVERT_DEMO_TELEMETRY=0 run telemetry status)
expect "OVERT_DEMO_TELEMETRY=0" "$out" '^Telemetry: +disabled'
expect "OVERT_DEMO_TELEMETRY=0" "$out" 'OVERT_DEMO_TELEMETRY'
OVERT_DEMO_TELEMETRY=0 run build >/dev/null
[[ "$(lines)" -eq "$before" ]] || fail "runs with DO_NOT_TRACK=1 or OVERT_DEMO_TELEMETRY=0 recorded events"

# Withdrawal: disable stops recording at once.
out=$(run telemetry disable)
out=$(run telemetry status)
expect "status after disable" "$out" '^Telemetry: +disabled'
before=$(lines)
run build >/dev/null
[[ "$(lines)" -eq "$before" ]] || fail "a run after disable recorded events"

# Reset erases the local data and leaves telemetry disabled (the consent file says so).
run telemetry enable >/dev/null
run build >/dev/null
out=$(run telemetry reset) || fail "reset failed: $out"
expect "reset" "$out" 'Removed C:\\users\\[^/]*\\telemetry\.ndjson$'
# What is left in the file backend's file is the deletion request reset sent through it.
if [[ -f "$recorded" ]] && grep -v '"type":"data.deletion_request"' "$recorded" | grep -q .; then
  fail "reset left recorded events in $recorded: $(cat "$recorded")"
fi
grep -q 'enabled: false' "$consent_file" || fail "reset did not leave telemetry disabled in $consent_file"
out=$(run telemetry status)
expect "status after reset" "$out" '^Telemetry: +disabled'
echo "in_tool_commands.sh: status, enable, disable, reset and both switches behave under wine"
