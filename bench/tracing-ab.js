'use strict';
// Tracing on against off, interleaved (`npm run bench`, with the `tracing` target): two gateways of
// the same build run at once, pinned to the same core, one with tracing off and one with every
// request traced and exported (lib/tracing.js), and short non-streaming c=64 wrk runs alternate
// between them, the order flipped every round. On a machine whose speed drifts from one minute to
// the next (these VMs), runs minutes apart compare the drift as much as the tracing; rounds seconds
// apart do not. A pair's rounds run off-on, on-off, ...: the geometric mean of its rounds' ratios
// (traced req/s / untraced req/s) weighs both orders alike, so what the order of a round does to
// its reading and a steady drift over the pair cancel. The figure is the median over pairs of
// those means (before session 22: the median over rounds, which mixed the two orders' readings,
// ~0.1 apart on these VMs, and moved by up to 10 points from run to run).
// After a pair's alternating rounds come its shared-core rounds: both gateways loaded at once, each
// by its own wrk, for the same seconds. The core's time is shared between them, so each completes
// requests in inverse proportion to its CPU per request, under the same machine speed at every
// instant: a steadier reading of the same cost, reported next to the verdict (not instead of it).
// Method: docs/performance.md "Tracing overhead".
const fs = require('node:fs');
const procs = require('./lib/processes');
const wrk = require('./lib/wrk');
const gateway = require('./lib/gateway');
const tracing = require('./lib/tracing');

const TARGET_LOSS = 0.15;
const VARIANTS = ['off', 'on'];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// V8 reports, at every garbage collection, the bytes allocated since the one before and the bytes
// it moved to the old generation (`--trace-gc-nvp`, one line per GC on the gateway's stdout):
// summed over a run and divided by its requests, what a request allocates and what of it lives
// long enough to be promoted (old-generation garbage, collected by the costlier mark-compact).
// Unlike req/s they hardly move from run to run, and they are what tracing's cost follows most
// (docs/performance.md "Tracing overhead").
const ALLOC_FLAGS = ['--trace-gc-nvp'];
const ALLOCATED = /\ballocated=(\d+)/g;
const PROMOTED = /\bpromoted=(\d+)/g;

async function startVariants(options, sinkPort) {
  const started = {};
  const common = { ...options, nodeFlags: ALLOC_FLAGS };
  started.off = await gateway.startGateway({ ...common, log: 'gateway-ab-off.log' });
  started.on = await gateway.startGateway({
    ...common,
    env: tracing.tracingEnv(sinkPort),
    log: 'gateway-ab-on.log',
  });
  return started;
}

function logSize(file) {
  return fs.statSync(file).size;
}

// Bytes allocated and promoted per request during a run: the GC lines the gateway wrote after
// `from`.
function gcBytesPerRequest(file, from, requests) {
  const text = fs.readFileSync(file).subarray(from).toString('latin1');
  const sum = (pattern) => {
    let bytes = 0;
    for (const match of text.matchAll(pattern)) bytes += Number(match[1]);
    return requests > 0 ? bytes / requests : 0;
  };
  return { allocBytes: sum(ALLOCATED), promotedBytes: sum(PROMOTED) };
}

// options: { tmp, outDir, mockPort, cpuLoad, cpuTarget, rounds, seconds, warmup, pairs, log,
//            startHelper }
// The rounds are shared out over `pairs` pairs of fresh gateway processes: two processes of the
// same build can differ by ±10% for their whole life (where their code and heap landed), and one
// pair would carry that into every round.
async function runTracingAb(options) {
  const { rounds, cpuLoad } = options;
  const pairs = Math.max(1, Math.min(options.pairs ?? 1, rounds));
  const sharedRounds = Math.max(0, options.sharedRounds ?? 0);
  const sink = await options.startHelper('OTLP sink', 'otlp-sink.js', cpuLoad);
  const script = wrk.writeScripts(options.tmp, wrk.MASTER_KEY, 'tracing-ab').plain;
  const runs = { off: [], on: [], shared: [], order: [], pair: [] };
  try {
    for (let pair = 0; pair < pairs; pair++) {
      const first = Math.floor((pair * rounds) / pairs);
      const end = Math.floor(((pair + 1) * rounds) / pairs);
      const shared = Math.floor(((pair + 1) * sharedRounds) / pairs);
      const sharedThisPair = shared - Math.floor((pair * sharedRounds) / pairs);
      await runPair(
        options,
        { sinkPort: sink.port, script, first, end, pair, pairs, sharedThisPair },
        runs,
      );
    }
    const exported = await tracing.verifyTracing(sink.port, [], 'tracing interleaved');
    return summarise(runs, { rounds, seconds: options.seconds, pairs }, exported);
  } finally {
    await procs.stop(sink.child);
  }
}

// Rounds first..end-1 on one fresh pair of gateways, appended to `runs`.
async function runPair(
  options,
  { sinkPort, script, first, end, pair, pairs, sharedThisPair },
  runs,
) {
  const { rounds, seconds, warmup, cpuLoad, log } = options;
  const started = await startVariants({ ...options, cpu: options.cpuTarget }, sinkPort);
  const urlOf = (name) => `http://127.0.0.1:${started[name].port}/v1/chat/completions`;
  // One measured c=64 run on a gateway; an error answer or a broken socket ends the comparison.
  const measured = async (name, what) => {
    const result = await wrk.runWrk({
      url: urlOf(name),
      script,
      connections: 64,
      seconds,
      cpu: cpuLoad,
      cpuPid: started[name].child.pid,
    });
    if (result.non2xx > 0 || result.socketErrors > 0)
      throw new Error(`${what}: ${result.non2xx} non-2xx, ${result.socketErrors} socket errors`);
    return result;
  };
  try {
    for (const name of VARIANTS) {
      await wrk.runWrk({
        url: urlOf(name),
        script,
        connections: 64,
        seconds: warmup,
        cpu: cpuLoad,
      });
    }
    for (let round = first; round < end; round++) {
      const order = round % 2 ? [...VARIANTS].reverse() : VARIANTS;
      for (const name of order) {
        const logFrom = logSize(started[name].logFile);
        const result = await measured(name, `tracing ${name}`);
        runs[name].push({
          ...result,
          ...gcBytesPerRequest(started[name].logFile, logFrom, result.requests),
        });
      }
      runs.order.push(order[0]);
      runs.pair.push(pair);
      const ratio = runs.on[round].rps / runs.off[round].rps;
      log(
        `tracing interleaved: round ${round + 1}/${rounds} (process pair ${pair + 1}/${pairs}): ` +
          `on/off req/s ${ratio.toFixed(3)}`,
      );
    }
    for (let round = 0; round < sharedThisPair; round++) {
      const [off, on] = await Promise.all(
        VARIANTS.map((name) => measured(name, `tracing shared core (${name})`)),
      );
      runs.shared.push({ off, on });
      log(
        `tracing shared core: round ${runs.shared.length} (process pair ${pair + 1}/${pairs}): ` +
          `on/off req/s ${(on.rps / off.rps).toFixed(3)}`,
      );
    }
  } finally {
    for (const name of VARIANTS) await procs.stop(started[name].child);
  }
}

function summarise(runs, { rounds, seconds, pairs }, exported) {
  const rpsRatios = runs.on.map((on, i) => on.rps / runs.off[i].rps);
  const cpuRatios = runs.on.map((on, i) => on.cpuUsPerRequest / runs.off[i].cpuUsPerRequest);
  const pairRatios = pairMeans(rpsRatios, runs.pair);
  const rpsRatio = median(pairRatios);
  return {
    rounds,
    seconds,
    pairs,
    pairRatios,
    roundsRatio: median(rpsRatios),
    orderRatios: orderRatios(rpsRatios, runs.order),
    off: {
      rps: median(runs.off.map((r) => r.rps)),
      cpuUs: median(runs.off.map((r) => r.cpuUsPerRequest)),
      allocKb: median(runs.off.map((r) => r.allocBytes)) / 1024,
      promotedKb: median(runs.off.map((r) => r.promotedBytes)) / 1024,
    },
    on: {
      rps: median(runs.on.map((r) => r.rps)),
      cpuUs: median(runs.on.map((r) => r.cpuUsPerRequest)),
      allocKb: median(runs.on.map((r) => r.allocBytes)) / 1024,
      promotedKb: median(runs.on.map((r) => r.promotedBytes)) / 1024,
    },
    rpsRatios,
    rpsRatio,
    cpuRatio: median(pairMeans(cpuRatios, runs.pair)),
    throughputLost: 1 - rpsRatio,
    target: `< ${TARGET_LOSS * 100}%`,
    result: 1 - rpsRatio < TARGET_LOSS ? 'PASS' : 'FAIL',
    shared: summariseShared(runs.shared),
    exported,
  };
}

// Per pair of processes, the geometric mean of its rounds' ratios (in the order the pairs ran).
function pairMeans(ratios, pairOf) {
  const logs = new Map();
  ratios.forEach((ratio, i) => {
    const sums = logs.get(pairOf[i]) ?? { sum: 0, n: 0 };
    sums.sum += Math.log(ratio);
    sums.n += 1;
    logs.set(pairOf[i], sums);
  });
  return [...logs.values()].map(({ sum, n }) => Math.exp(sum / n));
}

// The median ratio of the rounds that measured the untraced gateway first and of those that
// measured the traced one first: apart, they show what the order of a round does to its reading.
function orderRatios(ratios, firsts) {
  const of = (first) => ratios.filter((_, i) => firsts[i] === first);
  const offFirst = of('off');
  const onFirst = of('on');
  return {
    offFirst: offFirst.length > 0 ? median(offFirst) : null,
    onFirst: onFirst.length > 0 ? median(onFirst) : null,
  };
}

// The shared-core rounds: per round the on/off ratios of req/s and of CPU per request.
function summariseShared(rounds) {
  if (rounds.length === 0) return null;
  const rpsRatios = rounds.map(({ off, on }) => on.rps / off.rps);
  const cpuRatios = rounds.map(({ off, on }) => on.cpuUsPerRequest / off.cpuUsPerRequest);
  return {
    rounds: rounds.length,
    rpsRatios,
    rpsRatio: median(rpsRatios),
    cpuRatio: median(cpuRatios),
  };
}

function tracingAbMarkdown(ab) {
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  const fmt = (x) => (x === null ? '–' : x.toFixed(2));
  return [
    `Tracing on vs off, interleaved (${ab.rounds} rounds of ${ab.seconds} s per gateway over ` +
      `${ab.pairs} pair(s) of fresh processes, non-streaming c=64, both gateways of a pair up at ` +
      `once on the same core):`,
    '',
    '| | req/s (median) | CPU per request (median) | allocated per request (median) | promoted per request (median) |',
    '|---|---:|---:|---:|---:|',
    `| tracing off | ${Math.round(ab.off.rps).toLocaleString('en-US')} | ${Math.round(ab.off.cpuUs).toLocaleString('en-US')} µs | ${ab.off.allocKb.toFixed(1)} KB | ${ab.off.promotedKb.toFixed(2)} KB |`,
    `| tracing on, every request | ${Math.round(ab.on.rps).toLocaleString('en-US')} | ${Math.round(ab.on.cpuUs).toLocaleString('en-US')} µs | ${ab.on.allocKb.toFixed(1)} KB | ${ab.on.promotedKb.toFixed(2)} KB |`,
    '',
    `- Per-round req/s ratios (on / off): ${ab.rpsRatios.map((r) => r.toFixed(2)).join(', ')}` +
      ` (median ${fmt(ab.orderRatios.offFirst)} where tracing off ran first, ` +
      `${fmt(ab.orderRatios.onFirst)} where it ran second)`,
    `- Per pair of processes (geometric mean of its rounds, both orders alike): ` +
      `${ab.pairRatios.map((r) => r.toFixed(3)).join(', ')}; the median of the rounds alone ` +
      `reads ${pct(1 - ab.roundsRatio)} lost`,
    `- Tracing at ratio 1.0 costs **${pct(ab.throughputLost)}** of throughput at c=64 ` +
      `(median over the pairs; target ${ab.target}): **${ab.result}**; CPU per request ` +
      `×${ab.cpuRatio.toFixed(2)}`,
    ...(ab.shared
      ? [
          `- Shared core (both gateways loaded at once, each by its own wrk at c=64, ` +
            `${ab.shared.rounds} round(s) of ${ab.seconds} s; a steadier reading, not the ` +
            `verdict): on/off req/s ${ab.shared.rpsRatios.map((r) => r.toFixed(2)).join(', ')}; ` +
            `median **${pct(1 - ab.shared.rpsRatio)}** lost, CPU per request ` +
            `×${ab.shared.cpuRatio.toFixed(2)}`,
        ]
      : []),
  ].join('\n');
}

module.exports = { runTracingAb, tracingAbMarkdown, median };
