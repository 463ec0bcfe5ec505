'use strict';
// Routing decision time per strategy: runs `routeiq bench-routing` (the built CLI), which times
// 100,000 `pick` calls of each built-in strategy over a group of 8 deployments in one process.
// Standalone: `node bench/routing-decision.js` prints the markdown table. Method: docs/performance.md.
const path = require('node:path');
const procs = require('./lib/processes');

const CLI = path.resolve(__dirname, '..', 'dist', 'apps', 'cli', 'main.js');

// Resolves with one `{strategy, version, p50_us, p99_us, mean_us, ...}` per built-in strategy.
function runRoutingDecision(cpu) {
  const child = procs.start('bench-routing', cpu, process.execPath, [CLI, 'bench-routing']);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`bench-routing failed (code ${code})`));
      try {
        const lines = output.split('\n').filter((line) => line.trim() !== '');
        const results = lines.map((line) => JSON.parse(line));
        if (results.length === 0) throw new Error('no results');
        resolve(results);
      } catch (error) {
        reject(new Error(`bench-routing printed unexpected output: ${error.message}`));
      }
    });
  });
}

const fmtUs = (us) => (typeof us === 'number' ? `${us.toFixed(2)} µs` : '–');

function routingMarkdown(results) {
  const lines = [
    '### Routing decision time per strategy',
    '',
    '| Strategy | p50 | p99 | mean | mean, untimed loop |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const cells = [`${r.strategy} v${r.version}`, fmtUs(r.p50_us), fmtUs(r.p99_us)];
    cells.push(fmtUs(r.mean_us), fmtUs(r.loop_mean_us));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const first = results[0];
  if (first) {
    lines.push(
      '',
      `- ${first.samples.toLocaleString('en-US')} picks per strategy, ${first.timing}; ` +
        `the two clock reads cost ${fmtUs(first.clock_overhead_us)} (median)`,
    );
  }
  return lines.join('\n');
}

module.exports = { runRoutingDecision, routingMarkdown };

if (require.main === module) {
  runRoutingDecision(1)
    .then((results) => process.stdout.write(`${routingMarkdown(results)}\n`))
    .catch((error) => {
      process.stderr.write(`routing-decision: ${error.message}\n`);
      process.exit(1);
    });
}
