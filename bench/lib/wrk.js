'use strict';
// wrk: installation check, request scripts, runs, and parsing of `--latency` output.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { start } = require('./processes');

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
  const total = /^\s*(\d+) requests in/m.exec(output);
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
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors,
  };
  if (result.rps === null || result.p50 === null || result.p99 === null) {
    throw new Error(`could not parse wrk output:\n${output}`);
  }
  return result;
}

// Runs wrk pinned to `cpu` and resolves with the parsed result.
function runWrk({ url, script, connections, seconds, cpu }) {
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
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`wrk failed (code ${code}, signal ${signal}):\n${output}`));
        return;
      }
      try {
        resolve(parseWrk(output));
      } catch (error) {
        reject(error);
      }
    });
  });
}

module.exports = { MASTER_KEY, BODIES, ensureWrk, writeScripts, parseWrk, runWrk };
