'use strict';
// OTLP/HTTP collector stand-in for the `tracing` target: takes every export, discards it, counts it.
//   POST /v1/traces, /v1/metrics, /v1/logs (any content type) -> 200 with an empty answer of the
//     request's content type: `{}` for JSON, no bytes for protobuf (an empty Export*ServiceResponse)
//   GET /stats -> {"/v1/traces":{"requests":N,"bytes":N}, "/v1/metrics":…, "/v1/logs":…,
//                  "other":{"<method> <path>":N}}; bytes as received (still compressed if gzip)
// Usage: node bench/otlp-sink.js [--port N]   (prints {"port":N} on stdout once listening)
const http = require('node:http');

const EXPORT_PATHS = ['/v1/traces', '/v1/metrics', '/v1/logs'];
const OTHER_PATHS_MAX = 20;
const stats = Object.fromEntries(EXPORT_PATHS.map((path) => [path, { requests: 0, bytes: 0 }]));
stats.other = {};

// Anything else that reaches the sink is kept by name, so a misaddressed exporter (a doubled
// `/v1/traces`, a gRPC client on the HTTP port) shows up in /stats instead of vanishing.
function countOther(req, path) {
  const key = `${req.method} ${path}`;
  if (key in stats.other || Object.keys(stats.other).length < OTHER_PATHS_MAX) {
    stats.other[key] = (stats.other[key] ?? 0) + 1;
  }
}

function send(res, status, contentType, body) {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function acceptExport(req, res, counts) {
  let bytes = 0;
  req.on('data', (chunk) => (bytes += chunk.length));
  req.on('end', () => {
    counts.requests += 1;
    counts.bytes += bytes;
    const contentType = req.headers['content-type'] ?? 'application/x-protobuf';
    send(res, 200, contentType, /json/i.test(contentType) ? '{}' : '');
  });
}

const server = http.createServer((req, res) => {
  const path = req.url.split('?', 1)[0];
  const counts = EXPORT_PATHS.includes(path) ? stats[path] : undefined;
  if (req.method === 'POST' && counts) return acceptExport(req, res, counts);
  req.resume();
  if (req.method === 'GET' && path === '/stats') {
    return send(res, 200, 'application/json', JSON.stringify(stats));
  }
  countOther(req, path);
  send(res, 404, 'application/json', '{"error":"not an OTLP/HTTP export path"}');
});
server.keepAliveTimeout = 65_000;

const portFlag = process.argv.indexOf('--port');
const port = portFlag > 0 ? Number(process.argv[portFlag + 1]) : 0;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
