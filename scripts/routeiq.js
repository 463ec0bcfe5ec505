#!/usr/bin/env node
'use strict';
// `npx routeiq …` (package.json "bin"): builds when the sources are newer than dist, then runs the
// bundled CLI (dist/apps/cli/main.js) with the same arguments.
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'ensure-build.js')], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (built.status !== 0) process.exit(built.status ?? 1);
require(path.join(root, 'dist', 'apps', 'cli', 'main.js'));
