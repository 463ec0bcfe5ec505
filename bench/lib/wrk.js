'use strict';
// wrk: installation check, request scripts, runs, parsing of `--latency` output, and the measured
// process's CPU per request over each run.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { start, cpuTicks, CLK_TCK } = require('./processes');

const MASTER_KEY = 'sk-bench-master-key';
const PROMPT = [{ role: 'user', content: 'Say hello in one short sentence.' }];
const BODIES = {
  plain: JSON.stringify({ model: 'bench', messages: PROMPT }),
  stream: JSON.stringify({ model: 'bench', messages: PROMPT, stream: true }),
};

function wrkVersion() {
  const result = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  if (result.error) return null;
  return `${result.stdout}${result.stderr}`.split('\n')[0].split(' Copyright')[0].trim();
}

function ensureWrk() {
  let version = wrkVersion();
  if (version) return version;
  if (process.getuid?.() !== 0) {
    throw new Error(
      'wrk is not installed; install it (Debian/Ubuntu: sudo apt-get install -y wrk)',
    );
  }
  console.error('bench: wrk missing, installing it with apt-get');
  let result = spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'inherit' });
  if (result.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    result = spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'inherit' });
  }
  version = wrkVersion();
  if (!version) throw new Error('could not install wrk with apt-get');
  return version;
}

function luaString(text) {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

// Writes one Lua script per body kind into dir, sending `key`; returns { plain, stream } paths.
function writeScripts(dir, key = MASTER_KEY, name = 'chat') {
  const scripts = {};
  for (const [kind, body] of Object.entries(BODIES)) {
    const file = path.join(dir, `${name}-${kind}.lua`);
    fs.writeFileSync(
      file,
      [
        'wrk.method = "POST"',
        `wrk.body = ${luaString(body)}`,
        'wrk.headers["Content-Type"] = "application/json"',
        `wrk.headers["Authorization"] = "Bearer ${key}"`,
        '',
      ].join('\n'),
    );
    scripts[kind] = file;
  }
  return scripts;
}

const UNIT_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function toMs(text) {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text);
  return match ? Number(match[1]) * UNIT_MS[match[2]] : null;
}

function parseWrk(output) {
  const percentile = (p) => {
    const match = new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(output);
    return match ? toMs(match[1]) : null;
  };
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  const total = /^\s*(\d+) requests in ([\d.]+\w+),/m.exec(output);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    output,
  );
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const result = {
    rps: rps ? Number(rps[1]) : null,
    p50: percentile(50),
    p99: percentile(99),
    requests: total ? Number(total[1]) : null,
    seconds: total ? toMs(total[2]) / 1000 : null,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors,
  };
  if ([result.rps, result.p50, result.p99, result.requests].includes(null)) {
    throw new Error(`could not parse wrk output:\n${output}`);
  }
  return result;
}

// The measured process's CPU over one wrk run, per request: steadier than req/s on a busy machine,
// because time the process spends waiting for its core is not counted. `busy` is the share of the
// core it used (about 1 when it is the bottleneck).
function cpuFigures(before, after, result) {
  if (before === null || after === null || !result.requests) return {};
  const cpuSeconds = (after - before) / CLK_TCK;
  return {
    cpuSeconds,
    cpuUsPerRequest: (cpuSeconds * 1e6) / result.requests,
    busy: result.seconds ? cpuSeconds / result.seconds : null,
  };
}

// Runs wrk pinned to `cpu` and resolves with the parsed result; with `cpuPid`, it also carries
// that process's CPU figures over the run (cpuSeconds, cpuUsPerRequest, busy).
function runWrk({ url, script, connections, seconds, cpu, cpuPid = null }) {
  const before = cpuPid === null ? null : cpuTicks(cpuPid);
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, url];
  const child = start(`wrk -c${connections}`, cpu, 'wrk', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
    child.on('error', reject);
    let after = null;
    child.on('exit', () => (after = cpuPid === null ? null : cpuTicks(cpuPid)));
    // 'close', not 'exit': only then has all of wrk's output been read.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`wrk failed (code ${code}, signal ${signal}):\n${output}`));
        return;
      }
      try {
        const result = parseWrk(output);
        resolve({ ...result, ...cpuFigures(before, after, result) });
      } catch (error) {
        reject(error);
      }
    });
  });
}

module.exports = { MASTER_KEY, BODIES, ensureWrk, writeScripts, parseWrk, runWrk };
