'use strict';
// Child processes of the benchmark: CPU pinning, readiness, and guaranteed clean-up.
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const children = new Set();

function canPin() {
  if (process.env.BENCH_NO_PIN === '1') return false;
  if (os.availableParallelism() < 2) return false;
  return spawnSync('taskset', ['-c', '0', 'true']).status === 0;
}
const pinning = canPin();

// taskset execs the command, so the child's pid is the pinned program's own pid.
function pinned(cpu, command, args) {
  return pinning ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

function start(name, cpu, command, args, options = {}) {
  const [file, argv] = pinned(cpu, command, args);
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'inherit'], ...options });
  child.benchName = name;
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

function exitError(child) {
  return new Error(
    `${child.benchName} exited early (code ${child.exitCode}, signal ${child.signalCode})`,
  );
}

// Resolves with the first stdout line parsed as JSON (the `{"port":N}` our helpers print).
function firstJsonLine(child, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => reject(new Error(`${child.benchName} did not start`)),
      timeoutMs,
    );
    const onExit = () => reject(exitError(child));
    child.once('exit', onExit);
    child.stdout.on('data', (chunk) => {
      if (buffered === null) return;
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      const line = buffered.slice(0, newline);
      buffered = null;
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`${child.benchName} printed ${line}`));
      }
    });
  });
}

function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const parts = [];
      res.on('data', (part) => parts.push(part));
      res.on('end', () =>
        resolve({ status: res.statusCode, body: Buffer.concat(parts).toString() }),
      );
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout on ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitForStatus(child, url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw exitError(child);
    try {
      const res = await request(url);
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error.message;
    }
    await sleep(200);
  }
  throw new Error(`${child.benchName} not ready at ${url} after ${timeoutMs / 1000} s (${last})`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function clockTicksPerSecond() {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(result.stdout?.trim());
  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
}
const CLK_TCK = clockTicksPerSecond();

// CPU time the process has used so far (utime + stime, all its threads) in clock ticks, or null
// when /proc is not readable. Fields 14 and 15 of /proc/<pid>/stat, counted after the `(comm)`
// field, which may itself hold spaces.
function cpuTicks(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

// Peak resident set size in MB (VmHWM), or null when /proc is not readable.
function peakRssMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function stop(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function killAllNow() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function stopAll() {
  await Promise.all([...children].map((child) => stop(child)));
}

process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    console.error(`\nbench: ${signal}, stopping child processes`);
    killAllNow();
    process.exit(130);
  });
}

// One of bench/'s helper scripts (mock upstream, OTLP sink, bare proxy...) pinned to `cpu`, once it
// printed its `{"port":N}`.
async function startHelper(name, script, cpu, args = []) {
  const child = start(name, cpu, process.execPath, [path.join(__dirname, '..', script), ...args]);
  const { port } = await firstJsonLine(child);
  child.stdout.resume();
  return { child, port };
}

module.exports = {
  pinning,
  start,
  startHelper,
  firstJsonLine,
  request,
  waitForStatus,
  freePort,
  peakRssMb,
  CLK_TCK,
  cpuTicks,
  stop,
  stopAll,
};
