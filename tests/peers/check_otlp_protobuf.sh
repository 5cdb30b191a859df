#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The otlp plugin's protobuf body, decoded by protoc with the official OTLP protos (v1.4.0 plus
# v1.5.0's LogRecord.event_name): it must parse, hold no unknown fields, and carry the records
# and attributes we sent.
source "$(dirname "$0")/common.sh" "$@"
need protoc; need_npm_peers; use_protos_with_event_name
"$EMIT" otlp '{"endpoint":"@URL@","resource_attributes":{"deployment.environment":"ci"}}' "$WORK/body.pb" ||
  fail "otlp plugin did not deliver to the capture server"
protoc -I "$PROTO_ROOT" --decode=$REQ "$PROTO_ROOT/$LOGSVC" < "$WORK/body.pb" > "$WORK/body.txt" ||
  fail "protoc could not decode the body ($WORK/body.pb)"
if grep -nE '^\s*[0-9]+:' "$WORK/body.txt"; then fail "unknown protobuf fields (see above)"; fi
[ "$(grep -c '^ *log_records {' "$WORK/body.txt")" = 3 ] || fail "expected 3 log_records"
grep -q 'severity_number: SEVERITY_NUMBER_INFO' "$WORK/body.txt" || fail "severity_number INFO missing"
grep -q 'severity_text: "INFO"' "$WORK/body.txt" || fail "severity_text missing"
for key in service.name service.version deployment.environment telemetry.sdk.name telemetry.sdk.language \
           telemetry.sdk.version host.id host.arch os.type os.version process.runtime.description \
           overt.event.name event.id command.duration_ms process.exit.code metadata.event.name; do
  grep -q "key: \"$key\"" "$WORK/body.txt" || fail "attribute $key missing"
done
for key in event.name event.type machine.id go.version; do
  if grep -q "key: \"$key\"" "$WORK/body.txt"; then fail "attribute $key is still sent"; fi
done
[ "$(grep -c '^ *event_name: "command.invocation"' "$WORK/body.txt")" = 3 ] || fail "event_name is not the event type on every record"
grep -q 'int_value: 142' "$WORK/body.txt" || fail "command.duration_ms is not an int_value 142"
grep -q 'observed_time_unix_nano: ' "$WORK/body.txt" || fail "observed_time_unix_nano missing"
grep -q 'name: "overt"' "$WORK/body.txt" || fail "scope name overt missing"
echo "ok: protoc decoded the otlp protobuf body with no unknown fields"
