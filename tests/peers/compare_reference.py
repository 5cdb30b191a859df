# SPDX-License-Identifier: MIT
"""Compares overt's request with an official SDK's, both captured by reference_capture.mjs:
the fields that must agree must agree; the differences that are by design are listed below and
are the only ones allowed.
usage: compare_reference.py MODE CAPTURE.ndjson [PY_PROTO_DIR]   (MODE otlp-proto|otlp-json|posthog|datadog)
overt's requests are those under /overt, the SDK's under /sdk."""
import base64, datetime, json, re, sys

mode, capture = sys.argv[1], sys.argv[2]
requests = [json.loads(line) for line in open(capture, encoding="utf-8")]
def pick(prefix):
    found = [r for r in requests if r["path"].startswith(prefix)]
    if not found: sys.exit(f"FAIL: no request under {prefix} in {capture}")
    return found[0]
ours, theirs = pick("/overt"), pick("/sdk")
body = lambda r: base64.b64decode(r["body_base64"])
problems = []
def agree(what, a, b):
    if a != b: problems.append(f"{what}: overt {a!r}, SDK {b!r}")
def check(what, ok):
    if not ok: problems.append(what)

def rfc3339(text):   # a UTC "...Z" time, fraction cut to microseconds
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z", text)
    if not m: raise ValueError(f"not an RFC 3339 UTC time: {text!r}")
    return datetime.datetime.fromisoformat(m.group(1) + "." + (m.group(2) or "0").ljust(6, "0")[:6] + "+00:00")

if mode.startswith("otlp"):
    sys.path.insert(0, sys.argv[3])
    from google.protobuf import json_format
    from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
    def parse(r):
        msg = logs_service_pb2.ExportLogsServiceRequest()
        if mode == "otlp-json": json_format.Parse(body(r).decode("utf-8"), msg)   # strict: unknown keys fail
        else: msg.ParseFromString(body(r))
        return msg
    a, b = parse(ours), parse(theirs)
    agree("Content-Type", ours["headers"].get("content-type"), theirs["headers"].get("content-type"))
    # By design: each names its own exporter, "<name>/<version>" plus the language for overt.
    check(f"overt User-Agent {ours['headers'].get('user-agent')!r}", ours["headers"].get("user-agent", "").startswith("overt-otlp/") and ours["headers"]["user-agent"].endswith("(C++)"))
    check(f"SDK User-Agent {theirs['headers'].get('user-agent')!r}", theirs["headers"].get("user-agent", "").startswith("OTel-OTLP-Exporter-JavaScript/"))
    def attrs(kvs): return {kv.key: (kv.value.WhichOneof("value"), getattr(kv.value, kv.value.WhichOneof("value"))) for kv in kvs}
    ra, rb = attrs(a.resource_logs[0].resource.attributes), attrs(b.resource_logs[0].resource.attributes)
    for key in ["service.name", "service.version", "host.id", "host.arch", "os.type", "os.version", "process.runtime.description"]:
        agree(f"resource {key}", ra.get(key), rb.get(key))
    # By design: telemetry.sdk.* name each SDK (overt/cpp/<overt's version> vs opentelemetry/nodejs/<its version>);
    # both must send all three, as strings.
    for key in ["telemetry.sdk.name", "telemetry.sdk.language", "telemetry.sdk.version"]:
        check(f"resource {key} missing or not a string: overt {ra.get(key)}, SDK {rb.get(key)}",
              ra.get(key, ("",))[0] == "string_value" and rb.get(key, ("",))[0] == "string_value")
    agree("telemetry.sdk.name", ra.get("telemetry.sdk.name", ("", ""))[1], "overt")
    agree("telemetry.sdk.language", ra.get("telemetry.sdk.language", ("", ""))[1], "cpp")
    extra = set(ra) - set(rb)
    check(f"resource attributes only overt sends: {sorted(extra)}", not extra)
    sa, sb = a.resource_logs[0].scope_logs[0], b.resource_logs[0].scope_logs[0]
    agree("scope name", sa.scope.name, sb.scope.name)
    agree("scope version", sa.scope.version, sb.scope.version)
    la, lb = sa.log_records[0], sb.log_records[0]
    for field in ["time_unix_nano", "severity_number", "severity_text", "event_name", "trace_id", "span_id", "flags"]:
        agree(field, getattr(la, field), getattr(lb, field))
    agree("body", la.body.string_value, lb.body.string_value)
    check("observed_time_unix_nano missing", la.observed_time_unix_nano > 0 and lb.observed_time_unix_nano > 0)
    aa, ab = attrs(la.attributes), attrs(lb.attributes)
    agree("record attribute keys", sorted(aa), sorted(ab))
    for key in sorted(set(aa) & set(ab)):
        agree(f"type of {key}", aa[key][0], ab[key][0])
        if key != "event.id":   # by design: overt's event ids are random per event
            agree(f"value of {key}", aa[key][1], ab[key][1])
elif mode == "posthog":
    a, b = json.loads(body(ours)), json.loads(body(theirs))
    agree("Content-Type", ours["headers"].get("content-type", "").split(";")[0], theirs["headers"].get("content-type", "").split(";")[0])
    agree("top-level keys", sorted(a), sorted(b))
    agree("api_key", a.get("api_key"), b.get("api_key"))
    for doc, who in ((a, "overt"), (b, "SDK")):
        check(f"{who} sent_at is not RFC 3339", isinstance(doc.get("sent_at"), str) and rfc3339(doc["sent_at"]))
    ea, eb = a["batch"][0], b["batch"][0]
    agree("event keys", sorted(ea), sorted(eb))
    agree("event", ea["event"], eb["event"]); agree("distinct_id", ea["distinct_id"], eb["distinct_id"])
    # Timestamps: the same instant; overt keeps nanoseconds, posthog-node milliseconds (by design).
    agree("timestamp (ms)", rfc3339(ea["timestamp"]).isoformat()[:23], rfc3339(eb["timestamp"]).isoformat()[:23])
    pa, pb = ea["properties"], eb["properties"]
    agree("$geoip_disable", pa.get("$geoip_disable"), pb.get("$geoip_disable"))
    agree("$geoip_disable is true by default", pa.get("$geoip_disable"), True)
    for key in ["$lib", "$lib_version"]:
        check(f"{key} missing", isinstance(pa.get(key), str) and isinstance(pb.get(key), str))
    agree("$lib names overt", pa.get("$lib"), "overt")   # by design: posthog-node names itself
    agree("$os", pa.get("$os"), pb.get("$os"))
    # By design: overt sends $process_person_profile: false (anonymous machine ids never become
    # person profiles); posthog-node leaves it to the server (a profile per distinct_id).
    agree("overt $process_person_profile", pa.get("$process_person_profile"), False)
    for key in ["event_name", "tool_name", "tool_version", "arch", "os_version", "duration_ms", "exit_code", "args", "env"]:
        agree(f"property {key}", pa.get(key), pb.get(key))
elif mode == "datadog":
    a, b = json.loads(body(ours)), json.loads(body(theirs))
    agree("Content-Type", ours["headers"].get("content-type", "").split(";")[0], theirs["headers"].get("content-type", "").split(";")[0])
    agree("DD-API-KEY", ours["headers"].get("dd-api-key"), theirs["headers"].get("dd-api-key"))
    check("both bodies are arrays of one item or more", isinstance(a, list) and isinstance(b, list) and a and b)
    ia, ib = a[0], b[0]
    for key in ["message", "ddsource", "ddtags", "hostname", "service", "timestamp", "status", "event_id"]:
        if key == "event_id": agree("type of event_id", type(ia.get(key)), type(ib.get(key)))
        elif key == "timestamp": agree("timestamp", rfc3339(ia[key]), rfc3339(ib[key]))
        else: agree(key, ia.get(key), ib.get(key))
    # By design: overt gzips (compress: true, as Datadog recommends); the client sends identity
    # unless told; both are accepted by the intake.
    agree("overt Content-Encoding", ours["headers"].get("content-encoding"), "gzip")
else:
    sys.exit(f"unknown mode {mode}")

for p in problems: print("DIFF", p)
print(f"{mode}: overt and the official SDK {'agree' if not problems else 'DIFFER'}")
sys.exit(1 if problems else 0)
