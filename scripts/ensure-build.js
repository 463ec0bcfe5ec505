'use strict';
// Runs `npm run build` only when dist is missing or older than its sources. A plain stat walk
// with an early exit, so the no-op case (every prestart/pretest/prebench) costs a few ms.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
// dist/ui is the admin console (Vite): its sources are under apps/ui, so the `apps` walk covers them.
const outputs = ['dist/apps/gateway/main.js', 'dist/apps/cli/main.js', 'dist/ui/index.html'];
const sourceDirs = ['apps', 'libs'];
const sourceFiles = ['tsconfig.json', 'nest-cli.json', 'package-lock.json'];

function mtimeOrNull(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

function isIgnored(name) {
  return name === '__fixtures__' || name === 'node_modules' || name.endsWith('.spec.ts');
}

// True as soon as one file under `dir` is newer than `since`.
function hasNewerFile(dir, since) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (isIgnored(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (hasNewerFile(full, since)) return true;
    } else if ((mtimeOrNull(full) ?? 0) > since) {
      return true;
    }
  }
  return false;
}

function staleReason() {
  const times = outputs.map((file) => mtimeOrNull(path.join(root, file)));
  const missing = outputs.filter((_, i) => times[i] === null);
  if (missing.length > 0) return `missing ${missing.join(', ')}`;
  const oldest = Math.min(...times);
  const newerFile = sourceFiles.find((file) => (mtimeOrNull(path.join(root, file)) ?? 0) > oldest);
  if (newerFile) return `${newerFile} changed`;
  const newerDir = sourceDirs.find((dir) => hasNewerFile(path.join(root, dir), oldest));
  if (newerDir) return `sources under ${newerDir}/ changed`;
  return null;
}

const reason = staleReason();
if (reason !== null) {
  console.error(`ensure-build: ${reason}; running npm run build`);
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.error) {
    console.error(`ensure-build: could not run npm: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}
