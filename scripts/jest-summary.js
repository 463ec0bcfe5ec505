'use strict';
// Prints the one closing CI line from jest's --json output, summed over every jest run given:
//   tests: N passed, N failed, N skipped
// Usage: node scripts/jest-summary.js <results.json> <jest exit code> [<results.json> <code> …]
// Exits 1 when any jest run failed, any test failed, or a results file is missing or unreadable.
const fs = require('node:fs');

const args = process.argv.slice(2);
if (args.length === 0) args.push('.jest-results.json', '0');

function readResults(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`jest-summary: cannot read ${file}: ${error.message}`);
    return null;
  }
}

function count(results, key) {
  const value = results[key];
  return Number.isFinite(value) ? value : 0;
}

let passed = 0;
let failed = 0;
let skipped = 0;
let anyRunFailed = false;
for (let i = 0; i < args.length; i += 2) {
  const results = readResults(args[i]);
  const jestStatus = Number(args[i + 1] ?? '0') || 0;
  let runFailedTests = 0;
  if (results !== null) {
    passed += count(results, 'numPassedTests');
    // Suites that failed to run (syntax/compile errors, crashes) have no failed tests of their own.
    runFailedTests = count(results, 'numFailedTests') + count(results, 'numRuntimeErrorTestSuites');
    skipped += count(results, 'numPendingTests') + count(results, 'numTodoTests');
  }
  const runFailed = results === null || jestStatus !== 0 || results.success === false;
  // A failed run counts at least one failure, even when no test of its own failed.
  failed += runFailed && runFailedTests === 0 ? 1 : runFailedTests;
  anyRunFailed ||= runFailed;
}

console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(anyRunFailed || failed > 0 ? 1 : 0);
