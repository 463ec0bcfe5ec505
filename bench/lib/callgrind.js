'use strict';
// Reading callgrind's output (`bench/instructions.js`): the self cost of every function, with the
// addresses of JIT-compiled JavaScript named from node's `--perf-basic-prof` map.
const fs = require('node:fs');

// `/tmp/perf-<pid>.map`: one "<hex start> <hex size> <name>" line per code object V8 made.
function readPerfMap(file) {
  const entries = [];
  for (const line of fs.readFileSync(file, 'latin1').split('\n')) {
    const first = line.indexOf(' ');
    const second = line.indexOf(' ', first + 1);
    if (first < 0 || second < 0) continue;
    const start = parseInt(line.slice(0, first), 16);
    const size = parseInt(line.slice(first + 1, second), 16);
    entries.push({ start, end: start + size, name: shortName(line.slice(second + 1)) });
  }
  entries.sort((a, b) => a.start - b.start);
  return entries;
}

// Build and package paths cut to what names a function across checkouts.
function shortName(name) {
  return name.replace(/\S*?\/(dist|node_modules)\//g, '$1/');
}

function lookup(entries, address) {
  let low = 0;
  let high = entries.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (entries[mid].start <= address) low = mid + 1;
    else high = mid - 1;
  }
  const entry = entries[high];
  return entry && address < entry.end ? entry.name : '(JIT code, unnamed)';
}

// { events: ['Ir', ...], fns: Map(name -> [cost per event]) }: each function's own cost (what
// its callees cost is not in it). Callgrind names code it has no symbols for by its address.
function selfCosts(file, perfMap) {
  const names = new Map();
  const jitNames = new Map();
  const fns = new Map();
  let events = [];
  let current;
  let callLine = false;
  const named = (spec) => {
    const match = /^\((\d+)\)(?: (.*))?$/.exec(spec);
    if (!match) return spec;
    if (match[2] !== undefined) names.set(match[1], match[2]);
    return names.get(match[1]) ?? '?';
  };
  const resolve = (name) => {
    if (!/^0x[0-9a-f]+$/.test(name)) return name;
    let jit = jitNames.get(name);
    if (jit === undefined) jitNames.set(name, (jit = lookup(perfMap, parseInt(name, 16))));
    return jit;
  };
  for (const line of fs.readFileSync(file, 'latin1').split('\n')) {
    if (line.startsWith('events:')) events = line.slice(7).trim().split(/\s+/);
    else if (line.startsWith('fn=')) current = resolve(named(line.slice(3).trim()));
    else if (line.startsWith('cfn=')) named(line.slice(4).trim());
    else if (line.startsWith('calls=')) callLine = true;
    else if (/^[0-9+\-*]/.test(line)) {
      // The line after `calls=` is what the call cost, counted in the callee already.
      if (callLine) {
        callLine = false;
        continue;
      }
      if (current === undefined) continue;
      const costs = fns.get(current) ?? new Array(events.length).fill(0);
      const fields = line.trim().split(/\s+/);
      for (let i = 1; i < fields.length && i <= events.length; i++)
        costs[i - 1] += Number(fields[i]);
      fns.set(current, costs);
    }
  }
  return { events, fns };
}

module.exports = { readPerfMap, selfCosts };
