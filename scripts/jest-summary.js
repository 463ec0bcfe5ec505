'use strict';
// Prints the one closing CI line from jest's --json output:
//   tests: N passed, N failed, N skipped
// Usage: node scripts/jest-summary.js <results.json> <jest exit code>
// Exits 1 when jest failed, any test failed, or the results file is missing or unreadable.
const fs = require('node:fs');

const [file = '.jest-results.json', statusArg = '0'] = process.argv.slice(2);
const jestStatus = Number(statusArg) || 0;

function readResults() {
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

const results = readResults();
let passed = 0;
let failed = 0;
let skipped = 0;
if (results !== null) {
  passed = count(results, 'numPassedTests');
  // Suites that failed to run (syntax/compile errors, crashes) have no failed tests of their own.
  failed = count(results, 'numFailedTests') + count(results, 'numRuntimeErrorTestSuites');
  skipped = count(results, 'numPendingTests') + count(results, 'numTodoTests');
}
const runFailed = results === null || jestStatus !== 0 || results.success === false;
if (runFailed && failed === 0) failed = 1;

console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(runFailed || failed > 0 ? 1 : 0);
