'use strict';
// The response cache (`npm run bench`, target `cache`): a cache hit against a miss through the same
// gateway (CACHE_ENABLED=true, memory tier; the embedded default has no Redis), and the same
// misses through a gateway with the cache off. Misses send a different prompt on every request (a
// wrk Lua counter), so each one is looked up, routed to the mock upstream and stored; hits repeat
// one prompt stored beforehand. p50/p99 at c=1 and req/s at c=16. The mock answers at once: a real
// provider's latency adds to every miss and to no hit.
// Method: docs/performance.md, docs/caching.md.
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { fetch } = require('undici');
const procs = require('./lib/processes');
const wrk = require('./lib/wrk');
const gateway = require('./lib/gateway');

const ROWS = [
  { id: 'cache-c1', label: 'non-streaming, c=1', connections: 1 },
  { id: 'cache-c16', label: 'non-streaming, c=16', connections: 16 },
];
const PROMPT = 'Say hello in one short sentence.';

function headerLines(key) {
  return [
    'wrk.method = "POST"',
    'wrk.headers["Content-Type"] = "application/json"',
    `wrk.headers["Authorization"] = "Bearer ${key}"`,
  ];
}

function hitBody() {
  return JSON.stringify({
    model: 'bench',
    temperature: 0,
    messages: [{ role: 'user', content: PROMPT }],
  });
}

// Every request of every run a new prompt: `run` differs per script, the counter per request.
function writeMissScript(tmp, key, run) {
  const file = path.join(tmp, `cache-miss-${run}.lua`);
  const head = JSON.stringify(
    `{"model":"bench","temperature":0,"messages":[{"role":"user","content":"${PROMPT} #${run}-`,
  );
  const lines = [
    ...headerLines(key),
    'local counter = 0',
    'request = function()',
    '  counter = counter + 1',
    `  return wrk.format(nil, nil, nil, ${head} .. counter .. "\\"}]}")`,
    'end',
  ];
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function writeHitScript(tmp, key) {
  const file = path.join(tmp, 'cache-hit.lua');
  const lines = [...headerLines(key), `wrk.body = ${JSON.stringify(hitBody())}`];
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

// Two requests of the hit body: the first must miss (and be stored), the second hit.
async function preflight(url) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${wrk.MASTER_KEY}` };
  const states = [];
  for (let i = 0; i < 2; i++) {
    const res = await fetch(url, { method: 'POST', headers, body: hitBody() });
    const text = await res.text();
    if (res.status !== 200)
      throw new Error(`cache preflight: HTTP ${res.status}: ${text.slice(0, 300)}`);
    states.push(res.headers.get('x-routeiq-cache'));
    // The entry is stored off the hot path, right after the answer.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (states.join(',') !== 'MISS,HIT')
    throw new Error(`cache preflight: x-routeiq-cache was ${states.join(', ')}, not MISS, HIT`);
}

async function measureKind(kind, { url, script, pid, rows, seconds, warmup, cpuLoad, log }) {
  await wrk.runWrk({
    url,
    script: script('warmup'),
    connections: 16,
    seconds: warmup,
    cpu: cpuLoad,
  });
  for (const row of rows) {
    const result = await wrk.runWrk({
      url,
      script: script(row.id),
      connections: row.connections,
      seconds,
      cpu: cpuLoad,
      cpuPid: pid,
    });
    if (result.non2xx > 0 || result.socketErrors > 0)
      throw new Error(
        `cache ${kind} ${row.label}: ${result.non2xx} non-2xx, ${result.socketErrors} socket errors`,
      );
    row.results[kind] = result;
    log(
      `cache ${kind}: ${row.label}: ${Math.round(result.rps)} req/s, p50 ${result.p50.toFixed(3)} ms, p99 ${result.p99.toFixed(3)} ms`,
    );
  }
}

// Measures `kinds` on one gateway started with `env`, then stops it.
async function onGateway(options, env, name, kinds) {
  const { mockPort, tmp, outDir, cpuTarget } = options;
  const gw = await gateway.startGateway({ mockPort, tmp, outDir, cpu: cpuTarget, env, log: name });
  try {
    const url = `http://127.0.0.1:${gw.port}/v1/chat/completions`;
    if (kinds.includes('hit')) await preflight(url);
    for (const [kind, script] of kinds.map((k) => [k, options.scripts[k]])) {
      await measureKind(kind, { ...options, url, script, pid: gw.child.pid });
    }
  } finally {
    await procs.stop(gw.child);
  }
}

// Resolves with [{ id, label, connections, results: { off, miss, hit } }]: `off` is the same
// stream of distinct prompts through a gateway with the cache off (what a miss adds is miss - off).
async function runCacheBench(options) {
  const run = randomBytes(4).toString('hex');
  const miss = (name) => writeMissScript(options.tmp, wrk.MASTER_KEY, `${run}-${name}`);
  const scripts = { off: miss, miss, hit: () => writeHitScript(options.tmp, wrk.MASTER_KEY) };
  const rows = ROWS.map((row) => ({ ...row, results: {} }));
  const shared = { ...options, scripts, rows };
  await onGateway(shared, { CACHE_ENABLED: 'false' }, 'gateway-cache-off.log', ['off']);
  const on = { CACHE_ENABLED: 'true', CACHE_LOCAL_MAX_ENTRIES: '10000' };
  await onGateway(shared, on, 'gateway-cache.log', ['miss', 'hit']);
  return rows;
}

function cacheMarkdown(rows) {
  const lines = [
    '### Response cache (distinct prompts with the cache off, misses, hits; memory tier, mock upstream)',
    '',
    '| scenario | off req/s | miss req/s | hit req/s | off p50 | miss p50 | hit p50 | off p99 | miss p99 | hit p99 | off CPU/req | miss CPU/req | hit CPU/req |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const cpu = (result) =>
    result.cpuUsPerRequest === undefined ? '' : `${Math.round(result.cpuUsPerRequest)} µs`;
  const ms = (value) => `${value.toFixed(3)} ms`;
  for (const row of rows) {
    const all = ['off', 'miss', 'hit'].map((kind) => row.results[kind]);
    if (all.some((result) => !result)) continue;
    const cells = [
      ...all.map((result) => Math.round(result.rps)),
      ...all.map((result) => ms(result.p50)),
      ...all.map((result) => ms(result.p99)),
      ...all.map(cpu),
    ];
    lines.push(`| ${row.label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

module.exports = { runCacheBench, cacheMarkdown };
