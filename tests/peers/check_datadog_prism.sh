#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The datadog plugin against Prism mocking Datadog's SubmitLog operation (our trimmed slice of
# the official v2 OpenAPI spec): the plugin's request must get 202 with no validator errors.
# gzip is off here because Prism cannot decompress (check_datadog_gzip.sh covers gzip).
source "$(dirname "$0")/common.sh" "$@"
need python3; need curl; need_npm_peers
port=$(free_port)
"$PEERS/node_modules/.bin/prism" mock -h 127.0.0.1 -p "$port" --errors "$PEERS/dd-logs-openapi.yaml" > "$WORK/prism.log" 2>&1 &
PIDS+=($!)
wait_port "$port"
url="http://127.0.0.1:$port/api/v2/logs"
# Prism really validates: an item without "message" must be refused.
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -H 'DD-API-KEY: k' -d '[{"ddsource":"x"}]' "$url")
[ "$code" = 400 ] || fail "Prism accepted an invalid item (HTTP $code): is the spec slice loaded?"
before=$(wc -l < "$WORK/prism.log")
"$EMIT" datadog "{\"api_key\":\"test-key\",\"endpoint\":\"$url\",\"compress\":false,\"tags\":[\"team:cli\"]}" ||
  { cat "$WORK/prism.log" >&2; fail "Prism did not accept the datadog plugin's request"; }
sleep 0.2  # let Prism finish writing its log lines for the request
tail -n +"$((before + 1))" "$WORK/prism.log" > "$WORK/plugin-request.log"
grep -aq 'passed the validation rules' "$WORK/plugin-request.log" ||
  { cat "$WORK/prism.log" >&2; fail "Prism did not report the plugin's request as valid"; }
if grep -a 'VALIDATOR\] ✖' "$WORK/plugin-request.log"; then fail "Prism found violations in the plugin's request (above)"; fi
echo "ok: Prism (Datadog SubmitLog) accepted the datadog plugin's request"
