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

// Callgrind's compressed names ("(12) name" once, "(12)" after) and JIT addresses named from
// the perf map.
function nameReader(perfMap) {
  const names = new Map();
  const jitNames = new Map();
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
  return { named, resolve };
}

// { events: ['Ir', ...], fns: Map(name -> [cost per event]) }: each function's own cost (what
// its callees cost is not in it). Callgrind names code it has no symbols for by its address.
function selfCosts(file, perfMap) {
  const { named, resolve } = nameReader(perfMap);
  const fns = new Map();
  let events = [];
  let current;
  let callLine = false;
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

// First event's cost of every function with its callees' (`inclusive`) and per callee
// (`callees`: name -> Map(callee -> cost)). A call of a function to itself is not added again.
function callCosts(file, perfMap) {
  const { named, resolve } = nameReader(perfMap);
  const self = new Map();
  const inclusive = new Map();
  const callees = new Map();
  let current;
  let callee;
  let callLine = false;
  const add = (map, name, cost) => map.set(name, (map.get(name) ?? 0) + cost);
  for (const line of fs.readFileSync(file, 'latin1').split('\n')) {
    if (line.startsWith('fn=')) current = resolve(named(line.slice(3).trim()));
    else if (line.startsWith('cfn=')) callee = resolve(named(line.slice(4).trim()));
    else if (line.startsWith('calls=')) callLine = true;
    else if (/^[0-9+\-*]/.test(line) && current !== undefined) {
      const cost = Number(line.trim().split(/\s+/)[1] ?? 0);
      if (!callLine) {
        add(self, current, cost);
        add(inclusive, current, cost);
        continue;
      }
      callLine = false;
      if (callee === current) continue;
      add(inclusive, current, cost);
      let byCallee = callees.get(current);
      if (byCallee === undefined) callees.set(current, (byCallee = new Map()));
      add(byCallee, callee, cost);
    }
  }
  return { self, inclusive, callees };
}

// `node bench/lib/callgrind.js <dump> <perf map> [requests] [name]`: the functions costliest with
// their callees, per request; with a name (a substring), that function's callees.
if (require.main === module) {
  const [dump, map, requests = '3000', name] = process.argv.slice(2);
  const perRequest = (cost) => (cost / Number(requests)).toFixed(0).padStart(9);
  const { self, inclusive, callees } = callCosts(dump, readPerfMap(map));
  if (name === undefined) {
    const rows = [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 80);
    for (const [fn, cost] of rows) console.log(perRequest(cost), perRequest(self.get(fn) ?? 0), fn);
  } else {
    for (const [fn, cost] of inclusive) {
      if (!fn.includes(name)) continue;
      console.log(perRequest(cost), perRequest(self.get(fn) ?? 0), fn);
      const rows = [...(callees.get(fn) ?? [])].sort((a, b) => b[1] - a[1]).slice(0, 40);
      for (const [to, c] of rows) console.log('   ', perRequest(c), to);
    }
  }
}

module.exports = { readPerfMap, selfCosts, callCosts };
