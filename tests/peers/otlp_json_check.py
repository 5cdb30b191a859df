# SPDX-License-Identifier: MIT
"""Strict proto3-JSON parse of an OTLP/JSON ExportLogsServiceRequest (Debian python3-protobuf):
unknown keys and wrong value types are errors.
usage: otlp_json_check.py PY_PROTO_DIR FILE.json"""
import sys

sys.path.insert(0, sys.argv[1])
from google.protobuf import json_format  # noqa: E402
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2  # noqa: E402

request = logs_service_pb2.ExportLogsServiceRequest()
try:
    with open(sys.argv[2], encoding="utf-8") as f:
        json_format.Parse(f.read(), request)
except json_format.ParseError as e:
    print(f"INVALID: {e}".splitlines()[0])
    sys.exit(1)
count = sum(len(s.log_records) for r in request.resource_logs for s in r.scope_logs)
print(f"OK: {count} log record(s)")
