'use strict';
// Learned-routing decision time: runs `routeiq bench-ml-routing` (the built CLI), which trains the
// default featurizer + kNN router on 10,000 queries and times featurize + predict for each
// held-out prompt. Real prompts when the LLMRouter data is present (BENCH_ML_DATA, default
// ../shared/data/llmrouter/routing_matrix.jsonl), else seeded synthetic ones.
// Standalone: `node bench/ml-routing.js` prints the markdown section. Method: docs/performance.md.
const fs = require('node:fs');
const path = require('node:path');
const procs = require('./lib/processes');

const root = path.resolve(__dirname, '..');
const CLI = path.join(root, 'dist', 'apps', 'cli', 'main.js');
const DEFAULT_DATA = path.resolve(
  root,
  '..',
  'shared',
  'data',
  'llmrouter',
  'routing_matrix.jsonl',
);
/** The target: featurize + predict p99 under 1 ms over 10k training queries. */
const TARGET_P99_US = 1000;

function dataPath() {
  const configured = process.env.BENCH_ML_DATA;
  if (configured !== undefined && configured !== '') {
    if (!fs.existsSync(configured)) throw new Error(`BENCH_ML_DATA ${configured} does not exist`);
    return configured;
  }
  return fs.existsSync(DEFAULT_DATA) ? DEFAULT_DATA : undefined;
}

// Resolves with the command's one result object (`{p50_us, p99_us, mean_us, ...}`).
async function runMlRouting(cpu) {
  const data = dataPath();
  const args = [CLI, 'bench-ml-routing', ...(data ? ['--data', data] : [])];
  const child = procs.start('bench-ml-routing', cpu, process.execPath, args);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`bench-ml-routing failed (code ${code})`));
      try {
        const lines = output.split('\n').filter((line) => line.trim() !== '');
        if (lines.length !== 1) throw new Error(`${lines.length} lines`);
        resolve({ ...JSON.parse(lines[0]), data_file: data ? path.relative(root, data) : null });
      } catch (error) {
        reject(new Error(`bench-ml-routing printed unexpected output: ${error.message}`));
      }
    });
  });
}

const fmtUs = (us) => (typeof us === 'number' ? `${us.toFixed(1)} µs` : '–');

function repeats(r) {
  if (r.unique_train_queries >= r.train_queries) return '';
  const distinct = r.unique_train_queries.toLocaleString('en-US');
  return ` (${distinct} distinct, the rest repeats with one word dropped)`;
}

function mlRoutingMarkdown(r) {
  const verdict = r.p99_us < TARGET_P99_US ? 'PASS' : 'FAIL';
  const source = r.data_file ? `${r.data} (${r.data_file})` : r.data;
  return [
    '### Learned routing decision time (kNN, featurize + predict)',
    '',
    '| Router | p50 | p99 | p99, best pass per prompt | max | mean | CPU mean | featurize mean | ' +
      'predict mean | p99 < 1 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|',
    `| ${r.router} | ${fmtUs(r.p50_us)} | ${fmtUs(r.p99_us)} | ${fmtUs(r.p99_best_us)} | ` +
      `${fmtUs(r.max_us)} | ${fmtUs(r.mean_us)} | ${fmtUs(r.cpu_mean_us)} | ` +
      `${fmtUs(r.featurize_mean_us)} | ${fmtUs(r.predict_mean_us)} | ${verdict} |`,
    '',
    `- trained on ${r.train_queries.toLocaleString('en-US')} queries${repeats(r)} of ${source}, ` +
      `${r.candidates} candidates, k = ${r.k}; training took ${r.train_ms} ms, ` +
      `artifact ${r.artifact_mb} MB of JSON`,
    `- ${r.samples.toLocaleString('en-US')} decisions over ${r.held_out} held-out prompts, ` +
      `${r.timing}; the two clock reads cost ${fmtUs(r.clock_overhead_us)} (median)`,
  ].join('\n');
}

module.exports = { runMlRouting, mlRoutingMarkdown };

if (require.main === module) {
  runMlRouting(1)
    .then((result) => process.stdout.write(`${mlRoutingMarkdown(result)}\n`))
    .catch((error) => {
      process.stderr.write(`ml-routing: ${error.message}\n`);
      process.exit(1);
    });
}
