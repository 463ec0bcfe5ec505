'use strict';
// Derived figures, verdicts and the markdown report of one benchmark run.

const TARGET_ORDER = ['direct', 'proxy', 'nest', 'gateway', 'tracing', 'anthropic', 'quota'];
// The targets whose own process is measured, so whose CPU per request is known.
const CPU_TARGETS = TARGET_ORDER.filter((target) => target !== 'direct');
const TARGET_LABEL = {
  direct: 'direct',
  proxy: 'bare proxy',
  nest: 'Nest floor',
  gateway: 'gateway',
  tracing: 'gateway, tracing on',
  anthropic: 'gateway, Anthropic provider',
  quota: 'gateway, key + quota',
};
const LATENCY_RATIO_MAX = 1.6;
const RPS_RATIO_MIN = 0.4;

function fmtMs(ms) {
  if (ms === null || ms === undefined) return '–';
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(1)} ms`;
}

function fmtAdded(ms) {
  if (ms === null) return '–';
  return `${ms >= 0 ? '+' : ''}${ms.toFixed(2)} ms`;
}

function fmtRps(rps) {
  return rps === null || rps === undefined ? '–' : Math.round(rps).toLocaleString('en-US');
}

function fmtRatio(ratio) {
  return ratio === null ? '–' : ratio.toFixed(2);
}

function hasErrors(cell) {
  return Boolean(cell && (cell.non2xx > 0 || cell.socketErrors > 0 || cell.errors > 0));
}

function added(row, target) {
  const cell = row.results[target];
  const direct = row.results.direct;
  return cell && direct ? cell.p50 - direct.p50 : null;
}

function ratio(numerator, denominator) {
  return numerator === null || denominator === null || denominator <= 0
    ? null
    : numerator / denominator;
}

const cpuOf = (cell) => cell?.cpuUsPerRequest ?? null;

// Adds proxyAdded / gatewayAdded / addedRatio / rpsRatio to every scenario row.
function derive(rows) {
  for (const row of rows) {
    row.proxyAdded = added(row, 'proxy');
    row.gatewayAdded = added(row, 'gateway');
    row.addedRatio = ratio(row.gatewayAdded, row.proxyAdded);
    const proxy = row.results.proxy;
    const gateway = row.results.gateway;
    row.rpsRatio = proxy?.rps && gateway?.rps ? gateway.rps / proxy.rps : null;
    const nest = row.results.nest;
    row.nestAdded = added(row, 'nest');
    row.nestRpsRatio = proxy?.rps && nest?.rps ? nest.rps / proxy.rps : null;
    row.gatewayVsNest = nest?.rps && gateway?.rps ? gateway.rps / nest.rps : null;
    // What a virtual key with key, team and environment quotas costs over the master key.
    const quota = row.results.quota;
    row.quotaAdded = added(row, 'quota');
    row.quotaOverhead =
      row.quotaAdded === null || row.gatewayAdded === null
        ? null
        : row.quotaAdded - row.gatewayAdded;
    row.quotaVsGateway = gateway?.rps && quota?.rps ? quota.rps / gateway.rps : null;
    // What translating OpenAI chat <-> Anthropic Messages costs over relaying OpenAI JSON verbatim
    // (same gateway, same master key; only the model's provider differs).
    const anthropic = row.results.anthropic;
    row.anthropicOverhead = anthropic && gateway ? anthropic.p50 - gateway.p50 : null;
    row.anthropicVsGateway = gateway?.rps && anthropic?.rps ? anthropic.rps / gateway.rps : null;
    // What tracing costs: the same gateway with every span sampled and exported, vs tracing off.
    const traced = row.results.tracing;
    row.tracingOverhead = traced && gateway ? traced.p50 - gateway.p50 : null;
    row.tracingVsGateway = gateway?.rps && traced?.rps ? traced.rps / gateway.rps : null;
    row.tracingCpuRatio = ratio(cpuOf(traced), cpuOf(gateway));
  }
  return rows;
}

function verdict(value, ok, rows) {
  if (value === null) return 'n/a';
  const dirty = rows.some((row) => TARGET_ORDER.some((t) => hasErrors(row.results[t])));
  if (dirty) return 'INVALID (errors during the run)';
  return ok ? 'PASS' : 'FAIL';
}

function verdicts(rows) {
  const latencyRow = rows.find((row) => row.id === 'plain-c1');
  const rpsRow = rows.find((row) => row.id === 'plain-c64');
  const latencyRatio = latencyRow?.addedRatio ?? null;
  const rpsRatio = rpsRow?.rpsRatio ?? null;
  return {
    addedLatencyRatio: {
      value: latencyRatio,
      target: `≤ ${LATENCY_RATIO_MAX}`,
      result: verdict(latencyRatio, latencyRatio <= LATENCY_RATIO_MAX, [latencyRow]),
    },
    rpsRatioC64: {
      value: rpsRatio,
      target: `≥ ${RPS_RATIO_MIN.toFixed(2)}`,
      result: verdict(rpsRatio, rpsRatio >= RPS_RATIO_MIN, [rpsRow]),
    },
  };
}

const plainC1 = (rows) => rows.find((row) => row.id === 'plain-c1');
const plainC64 = (rows) => rows.find((row) => row.id === 'plain-c64');

function cellText(cell, field) {
  if (!cell) return '–';
  const text = field === 'rps' ? fmtRps(cell.rps) : fmtMs(cell[field]);
  return hasErrors(cell) ? `${text} ⚠` : text;
}

const findRow = (rows, id) => rows.find((row) => row.id === id);

function translationLine(rows) {
  const plain1 = findRow(rows, 'plain-c1');
  const stream64 = findRow(rows, 'stream-c64');
  return (
    `- Anthropic translation (model on the \`anthropic\` provider: OpenAI chat translated to ` +
    `Messages and back, streams event by event, vs the OpenAI pass-through): added p50 at c=1 ` +
    `${fmtAdded(plain1?.anthropicOverhead ?? null)}; req/s at c=64 ` +
    `${fmtRatio(plainC64(rows)?.anthropicVsGateway ?? null)} of the pass-through's; streaming ` +
    `TTFB ${fmtAdded(findRow(rows, 'stream-ttfb-c1')?.anthropicOverhead ?? null)}; full-stream ` +
    `req/s at c=64 ${fmtRatio(stream64?.anthropicVsGateway ?? null)} of the pass-through's.`
  );
}

function fmtCpu(cell) {
  const us = cpuOf(cell);
  if (us === null) return '–';
  const text = `${us < 10 ? us.toFixed(1) : Math.round(us).toLocaleString('en-US')} µs`;
  return hasErrors(cell) ? `${text} ⚠` : text;
}

// CPU of the measured process per request, from /proc/<pid>/stat around each wrk run: what a
// request costs, whoever else wanted the core at the time.
function cpuTable(rows) {
  const header = ['CPU per request', ...CPU_TARGETS.map((target) => TARGET_LABEL[target])];
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`,
  ];
  for (const row of rows.filter((r) => r.kind === 'wrk')) {
    const cells = [row.label, ...CPU_TARGETS.map((target) => fmtCpu(row.results[target]))];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

function fmtBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  return bytes < 1024 * 1024
    ? `${(bytes / 1024).toFixed(1)} KB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function sinkText(stats) {
  if (!stats) return 'no OTLP sink counts (the target did not run or its check failed)';
  const part = (path, unit = '') =>
    `${path} ${stats[path].requests}${unit} (${fmtBytes(stats[path].bytes)})`;
  return `OTLP sink: ${part('/v1/traces', ' requests')}, ${part('/v1/metrics')}, ${part('/v1/logs')}`;
}

function tracingLine(rows, otlpSink) {
  const plain64 = plainC64(rows);
  const stream64 = findRow(rows, 'stream-c64');
  return (
    `- Tracing on (the \`tracing\` target: OpenTelemetry on, every span sampled and exported over ` +
    `OTLP/HTTP protobuf) vs off (\`gateway\`), ratios where 1.00 means free: non-streaming c=64 ` +
    `req/s **${fmtRatio(plain64?.tracingVsGateway ?? null)}**, CPU per request ` +
    `**${fmtRatio(plain64?.tracingCpuRatio ?? null)}**; full-stream c=64 req/s ` +
    `${fmtRatio(stream64?.tracingVsGateway ?? null)}, CPU per request ` +
    `${fmtRatio(stream64?.tracingCpuRatio ?? null)}; added p50 at c=1 ` +
    `${fmtAdded(plainC1(rows)?.tracingOverhead ?? null)}; ${sinkText(otlpSink.tracing)}.`
  );
}

function mainTable(rows) {
  const header = ['Scenario'];
  for (const target of TARGET_ORDER) {
    const label = TARGET_LABEL[target];
    header.push(`${label} req/s`, `${label} p50`, `${label} p99`);
  }
  header.push('proxy added p50', 'gateway added p50', 'added p50 ratio', 'req/s ratio');
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`,
  ];
  for (const row of rows) {
    const cells = [row.label];
    for (const target of TARGET_ORDER) {
      const cell = row.results[target];
      cells.push(row.kind === 'ttfb' ? '–' : cellText(cell, 'rps'));
      cells.push(cellText(cell, 'p50'), cellText(cell, 'p99'));
    }
    cells.push(fmtAdded(row.proxyAdded), fmtAdded(row.gatewayAdded), fmtRatio(row.addedRatio));
    cells.push(row.kind === 'ttfb' ? '–' : fmtRatio(row.rpsRatio));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

function markdown({ rows, checks, rss, otlpSink = {}, meta }) {
  const lines = [...mainTable(rows), '', ...cpuTable(rows)];
  const rssText = (mb) => (mb === null || mb === undefined ? '–' : `${Math.round(mb)} MB`);
  lines.push(
    '',
    `- Added p50 ratio, non-streaming c=1 (gateway added / proxy added): ` +
      `**${fmtRatio(checks.addedLatencyRatio.value)}** (target ${checks.addedLatencyRatio.target}): ` +
      `**${checks.addedLatencyRatio.result}**`,
    `- Req/s ratio, non-streaming c=64 (gateway / proxy): ` +
      `**${fmtRatio(checks.rpsRatioC64.value)}** (target ${checks.rpsRatioC64.target}): ` +
      `**${checks.rpsRatioC64.result}**`,
    `- The framework ceiling (Nest floor: Nest with a guard and an undici pool, its route served ` +
      `ahead of Express as the gateway's inference routes are, nothing else): added p50 at c=1 ${fmtAdded(plainC1(rows)?.nestAdded ?? null)} ` +
      `(ratio to the bare proxy ${fmtRatio(ratio(plainC1(rows)?.nestAdded ?? null, plainC1(rows)?.proxyAdded ?? null))}); ` +
      `req/s at c=64 ${fmtRatio(plainC64(rows)?.nestRpsRatio ?? null)} of the bare proxy. ` +
      `The gateway serves ${fmtRatio(plainC64(rows)?.gatewayVsNest ?? null)} of the Nest floor's req/s at c=64.`,
    `- Quota enforcement (a virtual key of a team, key + team + environment limits reserved and ` +
      `reconciled on every request, vs the master key): added p50 at c=1 ` +
      `${fmtAdded(plainC1(rows)?.quotaOverhead ?? null)}; req/s at c=64 ` +
      `${fmtRatio(plainC64(rows)?.quotaVsGateway ?? null)} of the master key's.`,
    translationLine(rows),
    tracingLine(rows, otlpSink),
    `- CPU per request: the measured process's utime + stime (/proc/<pid>/stat, all threads) ` +
      `over each wrk run, divided by the requests wrk completed. Steadier than req/s when other ` +
      `work takes the core; at c=1 the core is partly idle and each request pays more of the ` +
      `per-wake-up cost, so compare the c=64 rows.`,
    `- Peak RSS (VmHWM): gateway ${rssText(rss.gateway)}, tracing on ${rssText(rss.tracing)}, ` +
      `Anthropic provider ${rssText(rss.anthropic)}, Nest floor ${rssText(rss.nest)}, ` +
      `bare proxy ${rssText(rss.proxy)}`,
    `- ${meta.date}, commit ${meta.commit}, Node ${meta.node}, ${meta.wrk}, ${meta.cpus}, ` +
      `${meta.pinned ? 'pinned' : 'NOT pinned'}, ${meta.duration} s per wrk run, ` +
      `TTFB over ${meta.ttfbRequests} requests, load average ${meta.loadAverage} at start`,
  );
  if (rows.some((row) => TARGET_ORDER.some((t) => hasErrors(row.results[t])))) {
    lines.push('- ⚠ marks runs with non-2xx answers or socket errors; see latest.json');
  }
  return lines.join('\n');
}

module.exports = { TARGET_ORDER, CPU_TARGETS, derive, verdicts, markdown };
