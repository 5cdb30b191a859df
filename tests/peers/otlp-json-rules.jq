# SPDX-License-Identifier: MIT
# OTLP/JSON rules beyond proto3 JSON: lowerCamelCase keys, integer enums, hex ids.
# Prints [] when the body follows them.
[ ( [.. | objects | keys[] | select(test("_"))] | unique | map("snake_case key: " + .) ),
  ( [.. | objects | select(has("severityNumber")) | .severityNumber | select(type != "number")] | map("severityNumber not an integer: " + tostring) ),
  ( [.. | objects | .traceId? // empty | select(test("^([0-9a-fA-F]{32})?$") | not)] | map("traceId not 32 hex: " + .) ),
  ( [.. | objects | .spanId?  // empty | select(test("^([0-9a-fA-F]{16})?$") | not)] | map("spanId not 16 hex: " + .) )
] | add
