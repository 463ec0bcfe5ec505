'use strict';
// The gateway against the bare proxy, interleaved (`npm run bench`, with the `proxy` and `gateway`
// targets): both run at once, pinned to the same core, and short non-streaming wrk runs alternate
// between them (and the mock itself, for the c=1 baseline), the order flipped every round. The
// sequential targets run a minute or more apart; on these VMs the machine's speed drifts that much
// within a minute, and the bigger process (the gateway) suffers the slow phases most, so one
// sequential run can read 0.28 or 0.54 for the same build. Rounds seconds apart do not drift
// apart. The figures are medians over rounds of the per-round ratios. Same method as the tracing
// comparison (tracing-ab.js); docs/performance.md "Interleaved comparisons".
const wrk = require('./lib/wrk');
const gateway = require('./lib/gateway');
const procs = require('./lib/processes');
const { median } = require('./tracing-ab');

const TARGETS = { addedRatioC1: 1.6, rpsRatioC64: 0.4 };

async function measureRound(round, urls, script, options) {
  const { seconds, cpuLoad, pids } = options;
  const run = (name, connections) =>
    wrk.runWrk({
      url: urls[name],
      script,
      connections,
      seconds,
      cpu: cpuLoad,
      cpuPid: pids[name] ?? null,
    });
  const order = round % 2 ? ['gateway', 'proxy'] : ['proxy', 'gateway'];
  const result = { c64: {}, c1: {} };
  for (const name of order) result.c64[name] = await run(name, 64);
  for (const name of ['direct', ...order]) result.c1[name] = await run(name, 1);
  for (const kind of ['c64', 'c1']) {
    for (const [name, r] of Object.entries(result[kind])) {
      if (r.non2xx > 0 || r.socketErrors > 0)
        throw new Error(`${name} ${kind}: ${r.non2xx} non-2xx, ${r.socketErrors} socket errors`);
    }
  }
  return result;
}

// options: { tmp, outDir, mockPort, cpuLoad, cpuTarget, rounds, seconds, warmup, pairs, log,
//            startHelper }
// The rounds are shared out over `pairs` pairs of fresh processes (proxy and gateway), for the
// reason given in tracing-ab.js: one process carries its placement's ±10% for its whole life.
async function runProxyAb(options) {
  const { rounds } = options;
  const pairs = Math.max(1, Math.min(options.pairs ?? 1, rounds));
  const script = wrk.writeScripts(options.tmp, wrk.MASTER_KEY, 'proxy-ab').plain;
  const rows = [];
  for (let pair = 0; pair < pairs; pair++) {
    const first = Math.floor((pair * rounds) / pairs);
    const end = Math.floor(((pair + 1) * rounds) / pairs);
    await runPair(options, { script, first, end, pair, pairs }, rows);
  }
  return summarise(rows, { ...options, pairs });
}

// Rounds first..end-1 on a fresh bare proxy and gateway, appended to `rows`.
async function runPair(options, { script, first, end, pair, pairs }, rows) {
  const { rounds, warmup, cpuLoad, cpuTarget, log } = options;
  const upstream = ['--upstream', `http://127.0.0.1:${options.mockPort}`];
  const proxy = await options.startHelper('bare proxy', 'bare-proxy.js', cpuTarget, upstream);
  let gw = null;
  try {
    gw = await gateway.startGateway({ ...options, cpu: cpuTarget, log: 'gateway-ab-proxy.log' });
    const path = '/v1/chat/completions';
    const urls = {
      direct: `http://127.0.0.1:${options.mockPort}${path}`,
      proxy: `http://127.0.0.1:${proxy.port}${path}`,
      gateway: `http://127.0.0.1:${gw.port}${path}`,
    };
    const pids = { proxy: proxy.child.pid, gateway: gw.child.pid };
    for (const name of ['proxy', 'gateway']) {
      await wrk.runWrk({ url: urls[name], script, connections: 64, seconds: warmup, cpu: cpuLoad });
    }
    for (let round = first; round < end; round++) {
      rows.push(await measureRound(round, urls, script, { ...options, pids }));
      const { rpsRatio, addedRatio } = roundRatios(rows[round]);
      log(
        `proxy interleaved: round ${round + 1}/${rounds} (process pair ${pair + 1}/${pairs}): ` +
          `c=64 req/s ratio ${rpsRatio.toFixed(2)}, c=1 added p50 ratio ${addedRatio.toFixed(2)}`,
      );
    }
  } finally {
    if (gw) await procs.stop(gw.child);
    await procs.stop(proxy.child);
  }
}

function roundRatios({ c64, c1 }) {
  const added = (name) => c1[name].p50 - c1.direct.p50;
  return {
    rpsRatio: c64.gateway.rps / c64.proxy.rps,
    addedRatio: added('gateway') / added('proxy'),
  };
}

function summarise(rows, { rounds, seconds, pairs }) {
  const ratios = rows.map(roundRatios);
  const rpsRatio = median(ratios.map((r) => r.rpsRatio));
  const addedRatio = median(ratios.map((r) => r.addedRatio));
  const med = (kind, name, field) => median(rows.map((row) => row[kind][name][field]));
  return {
    rounds,
    seconds,
    pairs,
    c64: {
      proxy: { rps: med('c64', 'proxy', 'rps'), cpuUs: med('c64', 'proxy', 'cpuUsPerRequest') },
      gateway: {
        rps: med('c64', 'gateway', 'rps'),
        cpuUs: med('c64', 'gateway', 'cpuUsPerRequest'),
      },
    },
    c1: {
      direct: med('c1', 'direct', 'p50'),
      proxy: med('c1', 'proxy', 'p50'),
      gateway: med('c1', 'gateway', 'p50'),
    },
    rpsRatios: ratios.map((r) => r.rpsRatio),
    addedRatios: ratios.map((r) => r.addedRatio),
    rpsRatio,
    addedRatio,
    checks: {
      addedRatioC1: verdict(addedRatio <= TARGETS.addedRatioC1, `≤ ${TARGETS.addedRatioC1}`),
      rpsRatioC64: verdict(rpsRatio >= TARGETS.rpsRatioC64, `≥ ${TARGETS.rpsRatioC64}`),
    },
  };
}

function verdict(pass, target) {
  return { target, result: pass ? 'PASS' : 'FAIL' };
}

function proxyAbMarkdown(ab) {
  const ms = (x) => `${x.toFixed(3)} ms`;
  const n = (x) => Math.round(x).toLocaleString('en-US');
  return [
    `Gateway vs bare proxy, interleaved (${ab.rounds} rounds of ${ab.seconds} s per process and ` +
      `load over ${ab.pairs} pair(s) of fresh processes, non-streaming, both processes of a pair ` +
      `up at once on the same core):`,
    '',
    '| | c=64 req/s (median) | c=64 CPU per request | c=1 p50 (median) |',
    '|---|---:|---:|---:|',
    `| direct (the mock) | – | – | ${ms(ab.c1.direct)} |`,
    `| bare proxy | ${n(ab.c64.proxy.rps)} | ${n(ab.c64.proxy.cpuUs)} µs | ${ms(ab.c1.proxy)} |`,
    `| gateway | ${n(ab.c64.gateway.rps)} | ${n(ab.c64.gateway.cpuUs)} µs | ${ms(ab.c1.gateway)} |`,
    '',
    `- Per-round c=64 req/s ratios (gateway / proxy): ${ab.rpsRatios.map((r) => r.toFixed(2)).join(', ')}`,
    `- Per-round c=1 added p50 ratios (gateway / proxy): ${ab.addedRatios.map((r) => r.toFixed(2)).join(', ')}`,
    `- Interleaved added p50 ratio, non-streaming c=1: **${ab.addedRatio.toFixed(2)}** ` +
      `(median of the rounds; target ${ab.checks.addedRatioC1.target}): **${ab.checks.addedRatioC1.result}**`,
    `- Interleaved req/s ratio, non-streaming c=64: **${ab.rpsRatio.toFixed(2)}** ` +
      `(median of the rounds; target ${ab.checks.rpsRatioC64.target}): **${ab.checks.rpsRatioC64.result}**`,
  ].join('\n');
}

module.exports = { runProxyAb, proxyAbMarkdown };
