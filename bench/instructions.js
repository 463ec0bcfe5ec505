'use strict';
// Instructions per request (`npm run bench:instructions`): the gateway's main thread under
// valgrind's callgrind, tracing off, on but unsampled, and on for every request. Counted
// instructions repeat from run to run whatever else the machine is doing, where req/s on these
// VMs moves by 10-20% between runs: changes of a few percent to the request path show here that
// throughput cannot resolve. It counts instructions, not time: cache misses (a good part of what
// tracing's own code costs, docs/performance.md "Tracing overhead") are not in it.
//
// Each variant: a fresh gateway under callgrind (counting off), BENCH_INSTR_WARMUP requests (15000)
// at concurrency 16 so that V8 has compiled the hot code, then counting on for BENCH_INSTR_REQUESTS
// (3000: one scavenge is ~13M instructions, so fewer requests carry it in steps). The gateway runs
// with `--single-threaded-gc` (the collector's work on the main thread, where it is counted) and
// `--perf-basic-prof` (names for JIT code). Variants: BENCH_INSTR_VARIANTS (off,unsampled,on);
// functions listed: BENCH_INSTR_TOP (30). Output: stdout and .bench/instructions.{json,md};
// with BENCH_INSTR_KEEP=1 also each variant's callgrind dump and perf map in .bench/ (for
// `node bench/lib/callgrind.js <dump> <map> [name]`: costs with callees included).
// Needs valgrind (Debian: apt-get install -y valgrind); ~1 minute per variant.
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const procs = require('./lib/processes');
const wrk = require('./lib/wrk');
const gateway = require('./lib/gateway');
const tracing = require('./lib/tracing');
const callgrind = require('./lib/callgrind');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, '.bench');
const WARMUP = Number(process.env.BENCH_INSTR_WARMUP ?? 15_000);
const REQUESTS = Number(process.env.BENCH_INSTR_REQUESTS ?? 3_000);
const TOP = Number(process.env.BENCH_INSTR_TOP ?? 30);
const VARIANTS = (process.env.BENCH_INSTR_VARIANTS ?? 'off,unsampled,on').split(',');
const KEEP = process.env.BENCH_INSTR_KEEP === '1';
const CONCURRENCY = 16;
const CPU_LOAD = 0;
const CPU_TARGET = 1;
// The collector's own functions (V8's heap code): reported apart, they come in steps (one scavenge
// at a time), and `--perf-basic-prof` makes every object a scavenge moves cost more (V8 reports
// the move to the code-event listener), so they vary from run to run far more than the rest.
const GC =
  /Scaveng|Sweeper|MarkCompact|Marking|Evacuat|Pretenuring|SemiSpace|NewSpace|PagedSpace|heap::base|v8::internal::Heap::|BodyDescriptor|SizeFromMap|FreeList|MemoryChunk|RememberedSet|SlotSet|MainAllocator|LocalAllocator|GCTracer|Collector|LiveObject|RelocIterator|PointersUpdating|RecordMigrated|Visitor|Flush|Compactor/;

function log(message) {
  process.stderr.write(`bench: ${message}\n`);
}

function envOf(variant, sinkPort) {
  if (variant === 'off') return {};
  const env = tracing.tracingEnv(sinkPort);
  if (variant === 'unsampled') return { ...env, OTEL_TRACES_SAMPLER: 'always_off' };
  if (variant === 'on') return env;
  throw new Error(`unknown variant (BENCH_INSTR_VARIANTS): ${variant}`);
}

// Exactly `count` chat completions at CONCURRENCY over keep-alive connections; rejects on any
// answer but 200.
function drive(port, count) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const body = wrk.BODIES.plain;
  const headers = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    authorization: `Bearer ${wrk.MASTER_KEY}`,
  };
  let sent = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const next = () => {
      if (sent >= count) return;
      sent += 1;
      const req = http.request(
        { host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST', agent, headers },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 200) {
              reject(new Error(`the gateway answered HTTP ${res.statusCode}`));
              return;
            }
            done += 1;
            if (done === count) {
              agent.destroy();
              resolve();
            } else next();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    };
    for (let i = 0; i < Math.min(CONCURRENCY, count); i++) next();
  });
}

function control(pid, ...args) {
  const result = spawnSync('callgrind_control', [...args, String(pid)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`callgrind_control ${args.join(' ')}: ${result.stderr}`);
}

async function countVariant(variant, { mockPort, sinkPort, tmp }) {
  const outFile = path.join(tmp, `callgrind.${variant}`);
  const started = await gateway.startGateway({
    mockPort,
    tmp,
    outDir,
    cpu: CPU_TARGET,
    env: envOf(variant, sinkPort),
    log: `gateway-instructions-${variant}.log`,
    nodeFlags: ['--single-threaded-gc', '--perf-basic-prof'],
    wrapper: [
      'valgrind',
      '--tool=callgrind',
      '--instr-atstart=no',
      '--separate-threads=yes',
      `--callgrind-out-file=${outFile}.%p`,
    ],
    readyTimeoutMs: 300_000,
  });
  const pid = started.child.pid;
  const perfMapFile = `/tmp/perf-${pid}.map`;
  try {
    log(`instructions: ${variant}: ${WARMUP} requests of warm-up`);
    await drive(started.port, WARMUP);
    control(pid, '-i', 'on');
    log(`instructions: ${variant}: ${REQUESTS} requests counted`);
    await drive(started.port, REQUESTS);
    control(pid, '-d');
    control(pid, '-i', 'off');
    // Thread 1 of dump 1: the main thread over the counted requests.
    const dump = `${outFile}.${pid}.1-01`;
    const { fns } = callgrind.selfCosts(dump, callgrind.readPerfMap(perfMapFile));
    if (KEEP) {
      fs.copyFileSync(dump, path.join(outDir, `callgrind.${variant}`));
      fs.copyFileSync(perfMapFile, path.join(outDir, `callgrind.${variant}.map`));
    }
    const perRequest = new Map([...fns].map(([name, costs]) => [name, costs[0] / REQUESTS]));
    return { perRequest };
  } finally {
    await procs.stop(started.child, 30_000);
    fs.rmSync(perfMapFile, { force: true });
  }
}

function summary(perRequest) {
  let total = 0;
  let gc = 0;
  for (const [name, ir] of perRequest) {
    total += ir;
    if (GC.test(name)) gc += ir;
  }
  return { total, gc };
}

function differences(base, other) {
  const names = new Set([...base.keys(), ...other.keys()]);
  return [...names]
    .map((name) => ({
      name,
      base: base.get(name) ?? 0,
      other: other.get(name) ?? 0,
      diff: (other.get(name) ?? 0) - (base.get(name) ?? 0),
    }))
    .filter((row) => !GC.test(row.name))
    .sort((a, b) => Math.abs(b.diff) - Math.abs(a.diff))
    .slice(0, TOP);
}

function markdown(results) {
  const k = (n) => `${(n / 1000).toFixed(1)}K`;
  const lines = [
    `Instructions per request, main thread, non-streaming chat at concurrency ${CONCURRENCY} ` +
      `(${REQUESTS} requests counted after ${WARMUP} of warm-up; callgrind):`,
    '',
    '| variant | instructions | of which the garbage collector | outside it, vs off |',
    '|---|---:|---:|---:|',
  ];
  const off = results.off && summary(results.off.perRequest);
  for (const [variant, result] of Object.entries(results)) {
    const { total, gc } = summary(result.perRequest);
    const versus = off ? `${((total - gc) / (off.total - off.gc)).toFixed(3)}×` : '–';
    lines.push(`| ${variant} | ${k(total)} | ${k(gc)} | ${versus} |`);
  }
  for (const [variant, result] of Object.entries(results)) {
    if (variant === 'off' || !results.off) continue;
    lines.push(
      '',
      `Largest differences, ${variant} − off (instructions per request, GC aside):`,
      '',
    );
    lines.push('| Δ | off | ' + variant + ' | function |', '|---:|---:|---:|---|');
    for (const row of differences(results.off.perRequest, result.perRequest)) {
      const sign = row.diff >= 0 ? '+' : '';
      lines.push(
        `| ${sign}${Math.round(row.diff)} | ${Math.round(row.base)} | ${Math.round(row.other)} | ` +
          `\`${row.name.replace(/\|/g, '\\|').slice(0, 120)}\` |`,
      );
    }
  }
  return lines.join('\n');
}

async function main() {
  if (spawnSync('valgrind', ['--version']).status !== 0)
    throw new Error('valgrind is not installed (Debian: apt-get install -y valgrind)');
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'routeiq-instructions-'));
  const mock = await procs.startHelper('mock upstream', 'mock-upstream.js', CPU_LOAD);
  const sink = await procs.startHelper('OTLP sink', 'otlp-sink.js', CPU_LOAD);
  const results = {};
  try {
    for (const variant of VARIANTS) {
      results[variant] = await countVariant(variant, {
        mockPort: mock.port,
        sinkPort: sink.port,
        tmp,
      });
      const { total, gc } = summary(results[variant].perRequest);
      log(`instructions: ${variant}: ${Math.round(total)} per request (GC ${Math.round(gc)})`);
    }
  } finally {
    await procs.stopAll();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const report = markdown(results);
  const json = Object.fromEntries(
    Object.entries(results).map(([variant, { perRequest }]) => [
      variant,
      { ...summary(perRequest), functions: Object.fromEntries(perRequest) },
    ]),
  );
  fs.writeFileSync(
    path.join(outDir, 'instructions.json'),
    JSON.stringify({ date: new Date().toISOString(), warmup: WARMUP, requests: REQUESTS, ...json }),
  );
  fs.writeFileSync(path.join(outDir, 'instructions.md'), `${report}\n`);
  process.stdout.write(`${report}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench: ${error.stack ?? error}\n`);
  procs.killAllNow();
  process.exit(1);
});
