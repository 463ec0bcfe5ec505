'use strict';
// `npm run bench`: the gateway against the floor (a bare node:http proxy) and against the upstream
// itself, in one run. Method and how to read the output: docs/performance.md.
// Writes .bench/latest.json and .bench/latest.md; progress goes to stderr, the report to stdout.
// Env: BENCH_DURATION (s per wrk run, default 10), BENCH_WARMUP (s, default 2),
//   BENCH_TTFB_REQUESTS (default 500),
//   BENCH_TARGETS (default direct,proxy,nest,gateway,tracing,anthropic,quota,mcp,cache,routing,
//   ml-routing; `mcp` is MCP tool calls through the gateway vs the MCP server directly,
//   bench/mcp-tools.js; `cache` is a response-cache hit vs a miss through the gateway,
//   bench/cache.js;
//   `routing` is the routing decision micro-benchmark, bench/routing-decision.js, run last;
//   `ml-routing` is the kNN router's featurize + predict time over 10k training queries,
//   bench/ml-routing.js, after it; its data: BENCH_ML_DATA, default the LLMRouter matrix),
//   BENCH_AB_ROUNDS (default 6), BENCH_AB_SECONDS (default 3) and BENCH_AB_PAIRS (default 3,
//   pairs of fresh processes the rounds are shared over): the interleaved gateway vs bare proxy
//   comparison that follows the `gateway` target when `proxy` ran too, bench/proxy-ab.js,
//   BENCH_TRACING_ROUNDS (default 16), BENCH_TRACING_SECONDS (default 4) and BENCH_TRACING_PAIRS
//   (default 8, pairs of fresh gateway processes the rounds are shared over): the interleaved
//   tracing on/off comparison that follows the `tracing` target, bench/tracing-ab.js, and
//   BENCH_TRACING_SHARED_ROUNDS (default 8: its shared-core rounds, both gateways loaded at once),
//   BENCH_TRACING_WARMUP (default 16: s of load on each fresh gateway of that comparison before
//   its first round; a fresh gateway takes ~20 s of c=64 load to reach its steady speed),
//   BENCH_GATEWAY_CMD (replaces the gateway command; {port} {mockPort} {config} {dataDir}),
//   BENCH_NODE_ENV (gateway NODE_ENV, default production), BENCH_NO_PIN=1 (no taskset).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const procs = require('./lib/processes');
const wrk = require('./lib/wrk');
const report = require('./lib/report');
const gateway = require('./lib/gateway');
const tracing = require('./lib/tracing');
const { runRoutingDecision, routingMarkdown } = require('./routing-decision');
const { runMcpBench, mcpMarkdown } = require('./mcp-tools');
const { runMlRouting, mlRoutingMarkdown } = require('./ml-routing');
const { runCacheBench, cacheMarkdown } = require('./cache');
const { runTracingAb, tracingAbMarkdown } = require('./tracing-ab');
const { runProxyAb, proxyAbMarkdown } = require('./proxy-ab');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, '.bench');
const CPU_LOAD = 0; // mock upstream, OTLP sink, wrk, ttfb client
const CPU_TARGET = 1; // bare proxy, Nest floor, gateway

// A numeric setting from the environment: above 0, or from 0 on with `zeroAllowed`.
function numberEnv(name, fallback, { zeroAllowed = false } = {}) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed))
    throw new Error(`${name} must be ${zeroAllowed ? '0 or more' : 'a positive number'}`);
  return value;
}

const positiveEnv = (name, fallback) => numberEnv(name, fallback);

const DURATION = Math.round(positiveEnv('BENCH_DURATION', 10));
const WARMUP = Math.round(positiveEnv('BENCH_WARMUP', 2));
const TTFB_REQUESTS = Math.round(positiveEnv('BENCH_TTFB_REQUESTS', 500));
const AB_ROUNDS = Math.round(positiveEnv('BENCH_AB_ROUNDS', 6));
const AB_SECONDS = Math.round(positiveEnv('BENCH_AB_SECONDS', 3));
const AB_PAIRS = Math.round(positiveEnv('BENCH_AB_PAIRS', 3));
const TRACING_ROUNDS = Math.round(positiveEnv('BENCH_TRACING_ROUNDS', 16));
const TRACING_SECONDS = Math.round(positiveEnv('BENCH_TRACING_SECONDS', 4));
const TRACING_PAIRS = Math.round(positiveEnv('BENCH_TRACING_PAIRS', 8));
const TRACING_WARMUP = Math.round(positiveEnv('BENCH_TRACING_WARMUP', 16));
const TRACING_SHARED_ROUNDS = Math.round(
  numberEnv('BENCH_TRACING_SHARED_ROUNDS', 8, { zeroAllowed: true }),
);
const DEFAULT_TARGETS =
  'direct,proxy,nest,gateway,tracing,anthropic,quota,mcp,cache,routing,ml-routing';
const TARGETS = (process.env.BENCH_TARGETS ?? DEFAULT_TARGETS).split(',').map((t) => t.trim());
const HTTP_TARGETS = TARGETS.filter((t) => !['routing', 'mcp', 'cache', 'ml-routing'].includes(t));

const SCENARIOS = [
  { id: 'plain-c1', label: 'non-streaming, c=1', kind: 'wrk', body: 'plain', connections: 1 },
  { id: 'plain-c64', label: 'non-streaming, c=64', kind: 'wrk', body: 'plain', connections: 64 },
  { id: 'stream-c1', label: 'streaming (full), c=1', kind: 'wrk', body: 'stream', connections: 1 },
  {
    id: 'stream-c64',
    label: 'streaming (full), c=64',
    kind: 'wrk',
    body: 'stream',
    connections: 64,
  },
  { id: 'stream-ttfb-c1', label: 'streaming TTFB, c=1', kind: 'ttfb' },
];

function log(message) {
  process.stderr.write(`bench: ${message}\n`);
}

const startHelper = procs.startHelper;

// One real request of each kind, so a misconfigured target fails loudly instead of benchmarking
// its error path. Both answers must be OpenAI-shaped and carry the mock's text: through the
// `anthropic` target that proves the translation ran both ways.
async function preflight(name, base, key) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  const url = `${base}/v1/chat/completions`;
  const plain = await procs.request(url, { method: 'POST', headers, body: wrk.BODIES.plain });
  let message;
  try {
    message = JSON.parse(plain.body).choices?.[0]?.message;
  } catch {
    message = undefined;
  }
  if (plain.status !== 200 || !message?.content?.includes('RouteIQ benchmark upstream')) {
    throw new Error(
      `${name}: chat completion answered HTTP ${plain.status}: ${plain.body.slice(0, 300)}`,
    );
  }
  const stream = await procs.request(url, { method: 'POST', headers, body: wrk.BODIES.stream });
  const streamed = ['data:', '"chat.completion.chunk"', ' word1', '[DONE]'];
  if (stream.status !== 200 || !streamed.every((part) => stream.body.includes(part))) {
    throw new Error(
      `${name}: streaming answered HTTP ${stream.status}: ${stream.body.slice(0, 300)}`,
    );
  }
}

function runTtfb(base, key) {
  const args = [
    ...['--url', `${base}/v1/chat/completions`],
    ...['--requests', String(TTFB_REQUESTS), '--auth', key],
  ];
  const child = procs.start('ttfb', CPU_LOAD, process.execPath, [
    path.join(__dirname, 'ttfb.js'),
    ...args,
  ]);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`ttfb client failed (code ${code})`));
      else resolve(JSON.parse(output));
    });
  });
}

function describe(result) {
  const rps = result.rps === undefined ? '' : `${Math.round(result.rps)} req/s, `;
  const errors = (result.non2xx ?? 0) + (result.socketErrors ?? 0) + (result.errors ?? 0);
  const busy =
    typeof result.busy === 'number' ? ` (${Math.round(result.busy * 100)}% of a core)` : '';
  const cpu =
    result.cpuUsPerRequest === undefined
      ? ''
      : `, ${Math.round(result.cpuUsPerRequest)} µs CPU/request${busy}`;
  return `${rps}p50 ${result.p50.toFixed(3)} ms, p99 ${result.p99.toFixed(3)} ms${cpu}${errors ? `, ${errors} ERRORS` : ''}`;
}

// `pid`: the measured process (null for `direct`), whose CPU is read around each wrk run.
async function measure(target, base, rows, scripts, key, pid) {
  await preflight(target, base, key);
  const url = `${base}/v1/chat/completions`;
  log(`${target}: warm-up ${WARMUP} s non-streaming + ${WARMUP} s streaming`);
  for (const script of [scripts.plain, scripts.stream]) {
    await wrk.runWrk({ url, script, connections: 64, seconds: WARMUP, cpu: CPU_LOAD });
  }
  for (const row of rows) {
    const result =
      row.kind === 'ttfb'
        ? await runTtfb(base, key)
        : await wrk.runWrk({
            url,
            script: scripts[row.body],
            connections: row.connections,
            seconds: DURATION,
            cpu: CPU_LOAD,
            cpuPid: pid,
          });
    row.results[target] = result;
    log(`${target}: ${row.label}: ${describe(result)}`);
  }
}

// Starts what `target` measures, filling in `started` ({ child, port, key, scripts, sink }) as
// each process comes up, so that the caller stops whatever did start when a later step fails.
// `child` stays null for `direct` (the mock itself); `sink` is the OTLP sink of `tracing`.
async function startTarget(target, started, { mock, tmp, gatewayOptions }) {
  const upstream = ['--upstream', `http://127.0.0.1:${mock.port}`];
  if (target === 'proxy') {
    Object.assign(started, await startHelper('bare proxy', 'bare-proxy.js', CPU_TARGET, upstream));
  } else if (target === 'nest') {
    Object.assign(started, await startHelper('Nest floor', 'nest-floor.js', CPU_TARGET, upstream));
  } else if (target === 'gateway' || target === 'anthropic') {
    const provider = target === 'anthropic' ? 'anthropic' : 'openai';
    Object.assign(started, await gateway.startGateway({ ...gatewayOptions, provider }));
  } else if (target === 'tracing') {
    started.sink = await startHelper('OTLP sink', 'otlp-sink.js', CPU_LOAD);
    log(`tracing: OTLP sink on :${started.sink.port}`);
    const env = tracing.tracingEnv(started.sink.port);
    Object.assign(
      started,
      await gateway.startGateway({ ...gatewayOptions, env, log: tracing.TRACING_LOG }),
    );
  } else if (target === 'quota') {
    const env = gateway.QUOTA_ENV;
    Object.assign(started, await gateway.startGateway({ ...gatewayOptions, env }));
    started.key = await gateway.createQuotaKey(`http://127.0.0.1:${started.port}`);
    started.scripts = wrk.writeScripts(tmp, started.key, 'quota');
  } else if (target !== 'direct') {
    throw new Error(`unknown target (BENCH_TARGETS): ${target}`);
  }
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: 'pipe' })
      .toString()
      .trim();
  } catch {
    return 'uncommitted';
  }
}

async function main() {
  const needsWrk = HTTP_TARGETS.length > 0 || TARGETS.includes('mcp') || TARGETS.includes('cache');
  const wrkVersion = needsWrk ? wrk.ensureWrk() : 'wrk not needed';
  const loadAverage = os.loadavg()[0].toFixed(2);
  if (os.loadavg()[0] > 1)
    log(`WARNING: 1-min load average ${loadAverage}; other work skews results`);
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'routeiq-bench-'));
  process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
  const rows = SCENARIOS.map((scenario) => ({ ...scenario, results: {} }));
  const rss = {};
  const otlpSink = {};
  const failures = [];
  let mcpRows = null;
  let cacheRows = null;
  let tracingAb = null;
  let proxyAb = null;
  try {
    const scripts = wrk.writeScripts(tmp);
    if (!procs.pinning)
      log('WARNING: not pinning to CPUs (taskset missing, <2 CPUs or BENCH_NO_PIN)');
    const mock = await startHelper('mock upstream', 'mock-upstream.js', CPU_LOAD);
    log(`mock upstream on :${mock.port}; ${DURATION} s per run; targets ${TARGETS.join(', ')}`);
    const gatewayOptions = { mockPort: mock.port, tmp, outDir, cpu: CPU_TARGET };
    for (const target of HTTP_TARGETS) {
      const started = { child: null, port: mock.port, key: wrk.MASTER_KEY, scripts, sink: null };
      try {
        await startTarget(target, started, { mock, tmp, gatewayOptions });
        const { child, port, key, sink } = started;
        log(`${target}: listening on :${port}`);
        const base = `http://127.0.0.1:${port}`;
        await measure(target, base, rows, started.scripts, key, child?.pid ?? null);
        if (sink) otlpSink[target] = await tracing.verifyTracing(sink.port, rows, target);
      } catch (error) {
        failures.push(`${target}: ${error.message}`);
        log(`FAILED ${target}: ${error.message}`);
      } finally {
        if (started.child) {
          // A `tracing` run whose exports never arrived was no tracing run: no RSS for it.
          if (!started.sink || otlpSink[target]) rss[target] = procs.peakRssMb(started.child.pid);
          await procs.stop(started.child);
        }
        if (started.sink) await procs.stop(started.sink.child);
      }
    }
    if (TARGETS.includes('proxy') && TARGETS.includes('gateway')) {
      try {
        proxyAb = await runProxyAb({
          ...gatewayOptions,
          cpuLoad: CPU_LOAD,
          cpuTarget: CPU_TARGET,
          rounds: AB_ROUNDS,
          seconds: AB_SECONDS,
          pairs: AB_PAIRS,
          warmup: WARMUP,
          log,
          startHelper,
        });
      } catch (error) {
        failures.push(`proxy interleaved: ${error.message}`);
        log(`FAILED proxy interleaved: ${error.message}`);
      }
    }
    if (TARGETS.includes('tracing')) {
      try {
        tracingAb = await runTracingAb({
          ...gatewayOptions,
          cpuLoad: CPU_LOAD,
          cpuTarget: CPU_TARGET,
          rounds: TRACING_ROUNDS,
          seconds: TRACING_SECONDS,
          pairs: TRACING_PAIRS,
          sharedRounds: TRACING_SHARED_ROUNDS,
          warmup: TRACING_WARMUP,
          log,
          startHelper,
        });
      } catch (error) {
        failures.push(`tracing interleaved: ${error.message}`);
        log(`FAILED tracing interleaved: ${error.message}`);
      }
    }
    if (TARGETS.includes('mcp')) {
      try {
        const options = {
          tmp,
          outDir,
          mockPort: mock.port,
          seconds: DURATION,
          warmup: WARMUP,
          log,
        };
        mcpRows = await runMcpBench({ ...options, cpuLoad: CPU_LOAD, cpuTarget: CPU_TARGET });
      } catch (error) {
        failures.push(`mcp: ${error.message}`);
        log(`FAILED mcp: ${error.message}`);
      }
    }
    if (TARGETS.includes('cache')) {
      try {
        const options = {
          tmp,
          outDir,
          mockPort: mock.port,
          seconds: DURATION,
          warmup: WARMUP,
          log,
        };
        cacheRows = await runCacheBench({ ...options, cpuLoad: CPU_LOAD, cpuTarget: CPU_TARGET });
      } catch (error) {
        failures.push(`cache: ${error.message}`);
        log(`FAILED cache: ${error.message}`);
      }
    }
  } finally {
    await procs.stopAll();
  }
  // Last, once every server is stopped: the CLI process then has the measured core to itself.
  let routingDecision = null;
  if (TARGETS.includes('routing')) {
    try {
      log('routing: timing each strategy (dist/apps/cli/main.js bench-routing)');
      routingDecision = await runRoutingDecision(CPU_TARGET);
    } catch (error) {
      failures.push(`routing: ${error.message}`);
      log(`FAILED routing: ${error.message}`);
    }
  }
  let mlRouting = null;
  if (TARGETS.includes('ml-routing')) {
    try {
      log('ml-routing: training kNN on 10k queries, timing featurize + predict (bench-ml-routing)');
      mlRouting = await runMlRouting(CPU_TARGET);
    } catch (error) {
      failures.push(`ml-routing: ${error.message}`);
      log(`FAILED ml-routing: ${error.message}`);
    }
  }

  report.derive(rows);
  const checks = report.verdicts(rows);
  const meta = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    node: process.version,
    wrk: wrkVersion,
    cpus: `${os.availableParallelism()} × ${os.cpus()[0]?.model ?? 'unknown CPU'}`,
    pinned: procs.pinning,
    duration: DURATION,
    warmup: WARMUP,
    ttfbRequests: TTFB_REQUESTS,
    loadAverage,
  };
  let markdown = report.markdown({ rows, checks, rss, otlpSink, meta });
  if (proxyAb) markdown += `\n\n${proxyAbMarkdown(proxyAb)}`;
  if (tracingAb) markdown += `\n\n${tracingAbMarkdown(tracingAb)}`;
  if (mcpRows) markdown += `\n\n${mcpMarkdown(mcpRows)}`;
  if (cacheRows) markdown += `\n\n${cacheMarkdown(cacheRows)}`;
  if (routingDecision) markdown += `\n\n${routingMarkdown(routingDecision)}`;
  if (mlRouting) markdown += `\n\n${mlRoutingMarkdown(mlRouting)}`;
  const json = {
    meta,
    scenarios: rows,
    derived: checks,
    peakRssMb: rss,
    otlpSink,
    proxyInterleaved: proxyAb,
    tracingInterleaved: tracingAb,
    mcp: mcpRows,
    cache: cacheRows,
    routingDecision,
    mlRouting,
    failures,
  };
  fs.writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'latest.md'), `${markdown}\n`);
  process.stdout.write(`\n${markdown}\n`);
  if (failures.length > 0) {
    process.stdout.write(`\nFailed to run:\n${failures.map((f) => `- ${f}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}

main().catch(async (error) => {
  log(`error: ${error.stack ?? error.message}`);
  await procs.stopAll();
  process.exit(1);
});
