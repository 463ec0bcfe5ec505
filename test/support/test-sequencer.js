'use strict';
// The order in which `npm test` hands test files to its workers: longest first, so that no worker
// is still busy with a long file while the others sit idle at the end of the run.
// When jest's cache holds the durations of an earlier run, they decide (after the files that
// failed last time), as in jest's default order. On a clean clone (CI) there are none, and jest
// would fall back to file size, which scatters the slow files: the e2e files (each boots a gateway,
// and those that spawn gateway processes take longest) would start late and finish last. Files
// without a duration get an estimate instead: spawning e2e files, then the other e2e files, then
// unit specs that use Postgres, Redis or run the CLI, then the rest, each group by size.
const fs = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;

// Rough durations (ms) on a 2-core machine; they only rank files that have no recorded duration.
const SPAWNING_E2E_MS = 30_000;
const E2E_MS = 8_000;
const UNIT_WITH_IO_MS = 3_000;
const UNIT_MS = 500;
const MS_PER_KB = 50;

function estimate(test) {
  const source = readSource(test.path);
  const sizeMs = (source.length / 1024) * MS_PER_KB;
  if (!test.path.endsWith('.e2e-spec.ts')) {
    const io = /createTestDatabase|TEST_REDIS_URL|TEST_POSTGRES_URL|routeiq\(\[/.test(source);
    return (io ? UNIT_WITH_IO_MS : UNIT_MS) + sizeMs;
  }
  return (/\bspawnGateway\(/.test(source) ? SPAWNING_E2E_MS : E2E_MS) + sizeMs;
}

function readSource(path) {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const cost = new Map();
    for (const test of tests) {
      // As in jest's own sort: the recorded duration also tells jest whether to use workers at all.
      test.duration = this.time(test);
      cost.set(test, test.duration ?? estimate(test));
    }
    return [...tests].sort((a, b) => {
      const failedA = this.hasFailed(a);
      if (failedA !== this.hasFailed(b)) return failedA ? -1 : 1;
      return cost.get(b) - cost.get(a);
    });
  }
}

module.exports = SlowFirstSequencer;
