#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# overt and the official SDKs (OpenTelemetry JS logs SDK with its OTLP proto and JSON exporters,
# posthog-node, @datadog/datadog-api-client) send the same event to one local capture server;
# compare_reference.py compares the fields that must agree and lists the differences by design.
# usage: check_reference_sdks.sh OVERT_PEER_EMIT WORK_DIR
source "$(dirname "$0")/common.sh" "$@"
need node; need protoc; need python3; need_npm_peers; python_with google.protobuf; use_protos_with_event_name
for pkg in posthog-node @datadog/datadog-api-client @opentelemetry/sdk-logs; do
  [ -d "$PEERS/node_modules/$pkg" ] || fail "npm peer $pkg missing (run tests/peers/install.sh)"
done
mkdir -p "$WORK/pyproto"
protoc -I "$PROTO_ROOT" --python_out="$WORK/pyproto" "$PROTO_ROOT/$LOGSVC" \
  "$PROTO_ROOT"/opentelemetry/proto/{logs/v1/logs,common/v1/common,resource/v1/resource}.proto
port=$(free_port)
node "$PEERS/reference_capture.mjs" "$port" "$WORK/capture.ndjson" > "$WORK/capture.log" 2>&1 & PIDS+=($!)
wait_port "$port"
BASE=http://127.0.0.1:$port
failed=0
run() {  # run MODE PLUGIN SETTINGS
  local mode=$1 plugin=$2 settings=$3
  : > "$WORK/capture.ndjson"
  "$EMIT" "$plugin" "$settings" > "$WORK/$mode-overt.log" 2>&1 || { echo "FAIL $mode: overt did not deliver ($(cat "$WORK/$mode-overt.log"))"; failed=1; return; }
  node "$PEERS/reference_emit.mjs" "$mode" "$BASE/sdk" > "$WORK/$mode-sdk.log" 2>&1 || { echo "FAIL $mode: the SDK did not send ($(tail -3 "$WORK/$mode-sdk.log"))"; failed=1; return; }
  cp "$WORK/capture.ndjson" "$WORK/$mode.ndjson"
  python3 "$PEERS/compare_reference.py" "$mode" "$WORK/$mode.ndjson" "$WORK/pyproto" || failed=1
}
run otlp-proto otlp "{\"endpoint\":\"$BASE/overt\"}"
run otlp-json otlp "{\"endpoint\":\"$BASE/overt\",\"protocol\":\"http/json\"}"
run posthog posthog "{\"api_key\":\"phc_test123\",\"endpoint\":\"$BASE/overt/batch/\"}"
run datadog datadog "{\"api_key\":\"k\",\"endpoint\":\"$BASE/overt/api/v2/logs\"}"
[ "$failed" = 0 ] || fail "overt differs from an official SDK (see above)"
# Controls: the comparison must catch what the issue was about (the name as event_name, no
# $geoip_disable), so it cannot pass vacuously.
tamper() {  # tamper MODE PYTHON_EXPR_ON_BODY: overt's body edited, the comparison must fail
  python3 - "$WORK/$1.ndjson" "$2" > "$WORK/$1-tampered.ndjson" <<'PY'
import base64, json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r["path"].startswith("/overt"):
        body = json.loads(base64.b64decode(r["body_base64"]))
        exec(sys.argv[2])
        r["body_base64"] = base64.b64encode(json.dumps(body).encode()).decode()
    print(json.dumps(r))
PY
  if python3 "$PEERS/compare_reference.py" "$1" "$WORK/$1-tampered.ndjson" "$WORK/pyproto" > "$WORK/$1-tampered.log"; then
    fail "control: the $1 comparison missed a tampered body ($2)"
  fi
}
tamper otlp-json 'body["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]["eventName"] = "cmd0"'
tamper posthog 'del body["batch"][0]["properties"]["$geoip_disable"]'
tamper datadog 'body[0]["ddtags"] += ",a:b"' 
echo "ok: overt agrees with the official OpenTelemetry JS, posthog-node and Datadog client requests"
