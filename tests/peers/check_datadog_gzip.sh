#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The datadog plugin's default (gzip) request: decompressed by the capture server, the body
# must be a valid HTTPLog (Datadog v2 schema) and carry the fields the seed used to lose.
source "$(dirname "$0")/common.sh" "$@"
need python3; need jq; python_with jsonschema
"$EMIT" datadog '{"api_key":"test-key","endpoint":"@URL@/api/v2/logs"}' "$WORK/body.json" ||
  fail "datadog plugin did not deliver to the capture server"
grep -qi '^content-encoding: gzip' "$WORK/body.json.headers" || fail "body was not gzipped"
grep -qi '^dd-api-key: test-key' "$WORK/body.json.headers" || fail "DD-API-KEY header missing"
python3 "$PEERS/json_schema_check.py" "$PEERS/dd-httplog.schema.json" "$WORK/body.json" || fail "not a valid HTTPLog"
# Control: the schema must refuse an item without message.
jq '.[0] |= del(.message)' "$WORK/body.json" > "$WORK/no-message.json"
python3 "$PEERS/json_schema_check.py" "$PEERS/dd-httplog.schema.json" "$WORK/no-message.json" >/dev/null &&
  fail "the HTTPLog schema accepted an item without message"
for field in event_id duration_ms exit_code os_version args metadata; do
  [ "$(jq "[.[] | has(\"$field\")] | any" "$WORK/body.json")" = true ] || fail "field $field missing"
done
echo "ok: gzipped datadog body decoded and matches the HTTPLog schema"
