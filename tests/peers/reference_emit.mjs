// SPDX-License-Identifier: MIT
// Sends, through an official SDK, the event overt_peer_emit sends first (test_support.cpp's
// sample_event "cmd0": a command.invocation of mytool 1.2.3 on linux/amd64, 142 ms, exit 0,
// its metadata), so check_reference_sdks.sh can compare the two requests field by field.
// usage: node reference_emit.mjs otlp-proto|otlp-json|posthog|datadog BASE_URL
import { LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { OTLPLogExporter as ProtoExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPLogExporter as JsonExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { PostHog } from "posthog-node";
import { client, v2 } from "@datadog/datadog-api-client";

const [mode, base] = process.argv.slice(2);
const sample = {
  machineId: "4a3f8c1d9e2b6f70", tool: "mytool", version: "1.2.3", os: "linux", arch: "amd64",
  toolchain: "c++20-gcc12", osVersion: "6.1.0-18-amd64", type: "command.invocation", name: "cmd0",
  eventId: "0b7c4f0e-5d8a-4c1e-9f3a-2b6d8e1c7a90", seconds: 1774951200, nanos: 123456789,
  timestamp: "2026-03-31T10:00:00.123456789Z", durationMs: 142, exitCode: 0, args: ["--output", "<redacted>"],
  metadata: { env: "ci", "event.name": "shadow", tool_name: "shadow", unicode: "h\u00e9llo \u2603 <&>" },
};

async function otlp(Exporter) {
  const exporter = new Exporter({ url: `${base}/v1/logs` });
  const resource = defaultResource().merge(resourceFromAttributes({
    "service.name": sample.tool, "service.version": sample.version, "host.id": sample.machineId,
    "host.arch": sample.arch, "os.type": sample.os, "os.version": sample.osVersion,
    "process.runtime.description": sample.toolchain,
  }));
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
  const metadata = { ...sample.metadata };
  metadata["metadata.event.name"] = metadata["event.name"];
  delete metadata["event.name"];
  provider.getLogger("overt", "0.1.0").emit({
    eventName: sample.type, timestamp: [sample.seconds, sample.nanos], severityNumber: 9, severityText: "INFO",
    body: sample.name,
    attributes: { "overt.event.name": sample.name, "event.id": sample.eventId, "command.duration_ms": sample.durationMs,
                  "process.exit.code": sample.exitCode, "command.args": sample.args.join(" "), ...metadata },
  });
  await provider.shutdown();
}

async function posthog() {
  const ph = new PostHog("phc_test123", { host: base, flushAt: 1, flushInterval: 0 });
  ph.capture({
    distinctId: sample.machineId, event: sample.type, uuid: sample.eventId,
    timestamp: new Date(sample.seconds * 1000 + Math.floor(sample.nanos / 1e6)),
    properties: { event_name: sample.name, tool_name: sample.tool, tool_version: sample.version, $os: "Linux",
                  arch: sample.arch, os_version: sample.osVersion, duration_ms: sample.durationMs,
                  exit_code: sample.exitCode, args: sample.args, env: "ci" },
  });
  await ph.shutdown();
}

async function datadog() {
  const configuration = client.createConfiguration({
    baseServer: new client.BaseServerConfiguration(base, {}), authMethods: { apiKeyAuth: "k" },
  });
  await new v2.LogsApi(configuration).submitLog({
    body: [{ message: `${sample.type}: ${sample.name}`, ddsource: "overt",
             ddtags: `event_type:${sample.type},tool_version:${sample.version},os:${sample.os},arch:${sample.arch}`,
             hostname: sample.machineId, service: sample.tool,
             additionalProperties: { timestamp: sample.timestamp, status: "info", event_id: sample.eventId } }],
  });
}

const modes = { "otlp-proto": () => otlp(ProtoExporter), "otlp-json": () => otlp(JsonExporter), posthog, datadog };
if (!modes[mode]) { console.error(`unknown mode ${mode}`); process.exit(2); }
await modes[mode]();
