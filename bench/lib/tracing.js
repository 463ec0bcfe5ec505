'use strict';
// The `tracing` target: the gateway of the `gateway` target with OpenTelemetry on, every span
// sampled and exported over OTLP/HTTP protobuf to bench/otlp-sink.js, and the check, after its
// runs, that trace exports really arrived (without it, a gateway that ignores OTEL_ENABLED would
// be measured as "tracing on").
const procs = require('./processes');

// The gateway's BatchSpanProcessor sends a batch every 5 s (or sooner when full): waiting a
// little longer than that for a first export rules out a slow first batch.
const FIRST_EXPORT_WAIT_MS = 6_000;
const TRACING_LOG = 'gateway-tracing.log';

function tracingEnv(sinkPort) {
  return {
    OTEL_ENABLED: 'true',
    OTEL_TRACES_SAMPLER: 'always_on',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_METRIC_EXPORT_INTERVAL: '10000',
  };
}

async function sinkStats(sinkPort) {
  const res = await procs.request(`http://127.0.0.1:${sinkPort}/stats`);
  if (res.status !== 200) throw new Error(`OTLP sink /stats answered HTTP ${res.status}`);
  return JSON.parse(res.body);
}

function describeStats(stats) {
  const counts = ['/v1/traces', '/v1/metrics', '/v1/logs'].map(
    (path) => `${path} ${stats[path].requests} (${stats[path].bytes} bytes)`,
  );
  const other = Object.entries(stats.other).map(([key, n]) => `${key} ${n}`);
  return `${counts.join(', ')}; other requests: ${other.length ? other.join(', ') : 'none'}`;
}

function missingTracesError(sinkPort, stats) {
  const env = Object.entries(tracingEnv(sinkPort))
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return new Error(
    `tracing was not on: no trace export (POST /v1/traces) reached the OTLP sink during the ` +
      `target's runs or ${FIRST_EXPORT_WAIT_MS / 1000} s after them, although the gateway was ` +
      `started with ${env}. The sink received: ${describeStats(stats)}. Its figures are not ` +
      `reported as tracing-on figures (latest.json keeps them as "unverified"); the gateway's ` +
      `output is in .bench/${TRACING_LOG}.`,
  );
}

// Resolves with the sink's counts once at least one trace export has arrived; otherwise moves
// the target's results out of the report (row.unverified[target]) and throws what was missing.
async function verifyTracing(sinkPort, rows, target) {
  const deadline = Date.now() + FIRST_EXPORT_WAIT_MS;
  let stats = await sinkStats(sinkPort);
  while (stats['/v1/traces'].requests === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    stats = await sinkStats(sinkPort);
  }
  if (stats['/v1/traces'].requests > 0) return stats;
  for (const row of rows) {
    if (!(target in row.results)) continue;
    row.unverified = { ...row.unverified, [target]: row.results[target] };
    delete row.results[target];
  }
  throw missingTracesError(sinkPort, stats);
}

module.exports = { TRACING_LOG, tracingEnv, sinkStats, verifyTracing };
