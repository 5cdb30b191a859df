#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The posthog plugin's /batch/ body against the schema derived from PostHog's capture service.
source "$(dirname "$0")/common.sh" "$@"
need python3; need jq; python_with jsonschema
"$EMIT" posthog '{"api_key":"phc_test123","host":"@URL@"}' "$WORK/body.json" ||
  fail "posthog plugin did not deliver to the capture server"
python3 "$PEERS/json_schema_check.py" "$PEERS/posthog-batch.schema.json" "$WORK/body.json" || fail "not a valid capture batch"
[ "$(jq '.batch | length' "$WORK/body.json")" = 3 ] || fail "expected 3 batch items"
[ "$(jq -r '.batch[0].properties.tool_name' "$WORK/body.json")" = mytool ] || fail "metadata overwrote tool_name"
# Controls: the schema must refuse a batch without api_key and an item with a malformed uuid.
jq 'del(.api_key)' "$WORK/body.json" > "$WORK/no-key.json"
python3 "$PEERS/json_schema_check.py" "$PEERS/posthog-batch.schema.json" "$WORK/no-key.json" >/dev/null &&
  fail "the schema accepted a batch without api_key"
jq '.batch[0].uuid = "not-a-uuid"' "$WORK/body.json" > "$WORK/bad-uuid.json"
python3 "$PEERS/json_schema_check.py" "$PEERS/posthog-batch.schema.json" "$WORK/bad-uuid.json" >/dev/null &&
  fail "the schema accepted a malformed uuid"
echo "ok: posthog batch body matches the capture schema"
