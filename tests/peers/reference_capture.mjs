// SPDX-License-Identifier: MIT
// One local capture server for overt and the official SDKs alike: every request is written to
// OUT.ndjson as {path, headers, body_base64} (gzip bodies gunzipped, encoding kept in headers)
// and answered as the real receiver answers a success: OTLP 200 (empty protobuf response or {}),
// PostHog /batch/ 200 {"status":1}, Datadog /api/v2/logs 202 {}.
// usage: node reference_capture.mjs PORT OUT.ndjson
import http from "node:http";
import fs from "node:fs";
import zlib from "node:zlib";

const [port, outPath] = process.argv.slice(2);
http.createServer((req, res) => {
  const chunks = [];
  req.on("data", c => chunks.push(c));
  req.on("end", () => {
    let body = Buffer.concat(chunks);
    if ((req.headers["content-encoding"] || "") === "gzip") body = zlib.gunzipSync(body);
    fs.appendFileSync(outPath, JSON.stringify({ method: req.method, path: req.url, headers: req.headers,
                                                body_base64: body.toString("base64") }) + "\n");
    const path = req.url.split("?")[0];
    const json = (req.headers["content-type"] || "").startsWith("application/json");
    if (path.endsWith("/v1/logs")) {
      res.writeHead(200, { "Content-Type": json ? "application/json" : "application/x-protobuf" });
      res.end(json ? "{}" : Buffer.alloc(0));
    } else if (path.startsWith("/batch") || path.includes("/batch/")) {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end('{"status":1}');
    } else if (path.endsWith("/api/v2/logs")) {
      res.writeHead(202, { "Content-Type": "application/json" });
      res.end("{}");
    } else {
      res.writeHead(404);
      res.end();
    }
  });
}).listen(Number(port), "127.0.0.1", () => console.log(`reference capture on 127.0.0.1:${port}`));
