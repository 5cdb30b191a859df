# SPDX-License-Identifier: MIT
"""Validates a JSON file against a JSON Schema (draft-07) with Debian python3-jsonschema,
formats (uuid, ...) checked. usage: json_schema_check.py SCHEMA.json FILE.json"""
import json
import sys

import jsonschema

with open(sys.argv[1], encoding="utf-8") as f:
    schema = json.load(f)
with open(sys.argv[2], encoding="utf-8") as f:
    document = json.load(f)
validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
errors = list(validator.iter_errors(document))
for e in errors:
    print(f"INVALID: {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}")
print(f"{sys.argv[2]}: {'OK' if not errors else 'INVALID'}")
sys.exit(1 if errors else 0)
