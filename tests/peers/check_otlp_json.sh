#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The otlp plugin's http/json body: strict proto3-JSON parse by Google's protobuf
# (json_format.Parse) plus the OTLP JSON rules proto3 JSON does not enforce (jq).
source "$(dirname "$0")/common.sh" "$@"
need protoc; need jq; need python3; need_npm_peers; python_with google.protobuf; use_protos_with_event_name
mkdir -p "$WORK/pyproto"
protoc -I "$PROTO_ROOT" --python_out="$WORK/pyproto" "$PROTO_ROOT/$LOGSVC" \
  "$PROTO_ROOT"/opentelemetry/proto/{logs/v1/logs,common/v1/common,resource/v1/resource}.proto
"$EMIT" otlp '{"endpoint":"@URL@","protocol":"http/json"}' "$WORK/body.json" ||
  fail "otlp plugin did not deliver to the capture server"
grep -qi '^content-type: application/json' "$WORK/body.json.headers" || fail "Content-Type is not application/json"
python3 "$PEERS/otlp_json_check.py" "$WORK/pyproto" "$WORK/body.json" || fail "strict OTLP/JSON parse failed"
violations=$(jq -c -f "$PEERS/otlp-json-rules.jq" "$WORK/body.json")
[ "$violations" = "[]" ] || fail "OTLP JSON rules: $violations"
[ "$(jq '[.resourceLogs[].scopeLogs[].logRecords[]] | length' "$WORK/body.json")" = 3 ] || fail "expected 3 logRecords"
[ "$(jq -r '.resourceLogs[0].scopeLogs[0].logRecords[0].attributes[] | select(.key=="command.duration_ms") | .value.intValue' "$WORK/body.json")" = 142 ] ||
  fail "command.duration_ms is not intValue \"142\""
[ "$(jq -r '[.resourceLogs[].scopeLogs[].logRecords[].eventName] | unique | join(",")' "$WORK/body.json")" = command.invocation ] ||
  fail "eventName is not the event type on every record"
# Controls: the same checks must catch an unknown key, a snake_case key and a string enum.
jq '.resourceLogs[0].bogusField = 1' "$WORK/body.json" > "$WORK/unknown.json"
python3 "$PEERS/otlp_json_check.py" "$WORK/pyproto" "$WORK/unknown.json" >/dev/null && fail "strict parse accepted an unknown key"
jq '.resourceLogs[0].scopeLogs[0].logRecords[0] |= (.severity_number = .severityNumber | del(.severityNumber))' \
  "$WORK/body.json" > "$WORK/snake.json"
[ "$(jq -c -f "$PEERS/otlp-json-rules.jq" "$WORK/snake.json")" != "[]" ] || fail "jq rules missed a snake_case key"
jq '.resourceLogs[0].scopeLogs[0].logRecords[0].severityNumber = "SEVERITY_NUMBER_INFO"' "$WORK/body.json" > "$WORK/enum.json"
[ "$(jq -c -f "$PEERS/otlp-json-rules.jq" "$WORK/enum.json")" != "[]" ] || fail "jq rules missed a string enum"
echo "ok: OTLP/JSON body parsed strictly and follows the OTLP JSON rules"
