'use strict';
// Streaming time-to-first-byte at c=1: sequential streaming chat requests over one keep-alive
// socket, timing from sending the request to the first `data:` bytes of the answer.
// Usage: node bench/ttfb.js --url http://127.0.0.1:N/v1/chat/completions [--requests 500]
//   [--warmup 50] [--auth KEY]
// Prints {"requests":N,"p50":ms,"p99":ms,"mean":ms,"errors":N} on stdout.
const http = require('node:http');

function arg(name, fallback) {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
}

const url = new URL(arg('--url', 'http://127.0.0.1:8080/v1/chat/completions'));
const requests = Number(arg('--requests', '500'));
const warmup = Number(arg('--warmup', '50'));
const auth = arg('--auth', 'sk-bench-master-key');
const body = Buffer.from(
  JSON.stringify({
    model: 'bench',
    messages: [{ role: 'user', content: 'Say hello in one short sentence.' }],
    stream: true,
  }),
);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

// Resolves with milliseconds to the first `data:` bytes, after the whole stream has been read.
function timeOne() {
  return new Promise((resolve, reject) => {
    let firstByteMs = null;
    let seen = '';
    let start = 0n;
    const req = http.request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          authorization: `Bearer ${auth}`,
        },
      },
      (res) => {
        res.on('data', (chunk) => {
          if (firstByteMs !== null) return;
          seen += chunk.toString('latin1');
          if (seen.includes('data:')) firstByteMs = Number(process.hrtime.bigint() - start) / 1e6;
        });
        res.on('end', () => {
          if (res.statusCode !== 200)
            reject(new Error(`HTTP ${res.statusCode}: ${seen.slice(0, 200)}`));
          else if (firstByteMs === null) reject(new Error('stream ended without a data: event'));
          else resolve(firstByteMs);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    start = process.hrtime.bigint();
    req.end(body);
  });
}

function percentile(sorted, p) {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

async function main() {
  let errors = 0;
  let lastError = null;
  for (let i = 0; i < warmup; i++) {
    try {
      await timeOne();
    } catch (error) {
      errors++;
      lastError = error.message;
    }
  }
  const samples = [];
  for (let i = 0; i < requests; i++) {
    try {
      samples.push(await timeOne());
    } catch (error) {
      errors++;
      lastError = error.message;
    }
  }
  if (samples.length === 0) throw new Error(`every request failed: ${lastError}`);
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  const result = {
    requests: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    mean,
    errors,
    lastError,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  agent.destroy();
}

main().catch((error) => {
  console.error(`ttfb: ${error.message}`);
  process.exit(1);
});
