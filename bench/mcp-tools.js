'use strict';
// MCP tool calls through the gateway against the same calls sent to the MCP server directly
// (`npm run bench`, target `mcp`): one session each, `tools/call echo` over Streamable HTTP, wrk at
// c=1 and c=64. The gateway adds the key check, access filtering, argument validation, the quota
// reservation, the audit record and metrics, and its own upstream MCP session. Method:
// docs/performance.md.
const fs = require('node:fs');
const path = require('node:path');
const { fetch } = require('undici');
const procs = require('./lib/processes');
const wrk = require('./lib/wrk');
const gateway = require('./lib/gateway');

const VERSION = '2025-11-25';
const ACCEPT = 'application/json, text/event-stream';
const CALL = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'echo', arguments: { text: 'RouteIQ benchmark' } },
});

async function post(url, body, headers) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300)
    throw new Error(`${url} answered HTTP ${res.status}: ${text.slice(0, 300)}`);
  return { res, text };
}

// initialize + initialized; returns the headers every later request of the session sends.
async function openSession(url, auth) {
  const init = {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: {
      protocolVersion: VERSION,
      capabilities: {},
      clientInfo: { name: 'bench', version: '1' },
    },
  };
  const { res } = await post(url, init, auth);
  const session = res.headers.get('mcp-session-id');
  if (!session) throw new Error(`${url}: initialize answered without Mcp-Session-Id`);
  const headers = { ...auth, 'mcp-session-id': session, 'mcp-protocol-version': VERSION };
  await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
  return headers;
}

function writeScript(tmp, name, headers, body) {
  const file = path.join(tmp, `mcp-${name}.lua`);
  const lines = ['wrk.method = "POST"', `wrk.body = ${JSON.stringify(body)}`];
  const all = { 'Content-Type': 'application/json', Accept: ACCEPT, ...headers };
  for (const [header, value] of Object.entries(all)) {
    lines.push(`wrk.headers[${JSON.stringify(header)}] = ${JSON.stringify(value)}`);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function preflight(url, headers, qualified) {
  const body = JSON.parse(CALL);
  body.params.name = qualified;
  const { text } = await post(url, body, headers);
  if (!text.includes('RouteIQ benchmark')) throw new Error(`${url}: tools/call answered ${text}`);
}

async function registerUpstream(base, upstreamUrl) {
  const res = await procs.request(`${base}/llmrouter/mcp/servers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-admin-api-key': gateway.ADMIN_KEY },
    body: JSON.stringify({ server_id: 'bench', url: upstreamUrl }),
  });
  if (res.status !== 201)
    throw new Error(`registering the MCP server: HTTP ${res.status} ${res.body}`);
}

const ROWS = [
  { id: 'mcp-c1', label: 'MCP tools/call, c=1', connections: 1 },
  { id: 'mcp-c64', label: 'MCP tools/call, c=64', connections: 64 },
];

// Resolves with { rows: [{ id, label, direct, gateway }], gatewayCpuPid }.
async function runMcpBench({ tmp, outDir, cpuLoad, cpuTarget, mockPort, seconds, warmup, log }) {
  const upstream = procs.start('mcp upstream', cpuLoad, process.execPath, [
    path.join(__dirname, 'mcp-upstream.js'),
  ]);
  const { port } = await procs.firstJsonLine(upstream);
  upstream.stdout.resume();
  const upstreamUrl = `http://127.0.0.1:${port}/mcp`;
  const env = {
    ADMIN_API_KEYS: gateway.ADMIN_KEY,
    MCP_GATEWAY_ENABLED: 'true',
    LLMROUTER_ENABLE_MCP_TOOL_INVOCATION: 'true',
    LLMROUTER_OUTBOUND_URL_ALLOWLIST: `http://127.0.0.1:${port}`,
  };
  const gw = await gateway.startGateway({
    mockPort,
    tmp,
    outDir,
    cpu: cpuTarget,
    env,
    log: 'gateway-mcp.log',
  });
  try {
    const base = `http://127.0.0.1:${gw.port}`;
    await registerUpstream(base, upstreamUrl);
    const targets = {
      direct: {
        url: upstreamUrl,
        headers: await openSession(upstreamUrl, {}),
        tool: 'echo',
        pid: null,
      },
      gateway: {
        url: `${base}/mcp`,
        headers: await openSession(`${base}/mcp`, { authorization: `Bearer ${wrk.MASTER_KEY}` }),
        tool: 'bench.echo',
        pid: gw.child.pid,
      },
    };
    const rows = ROWS.map((row) => ({ ...row, results: {} }));
    for (const [name, target] of Object.entries(targets)) {
      await preflight(target.url, target.headers, target.tool);
      const body = CALL.replace('"echo"', JSON.stringify(target.tool));
      const script = writeScript(tmp, name, target.headers, body);
      await wrk.runWrk({ url: target.url, script, connections: 64, seconds: warmup, cpu: cpuLoad });
      for (const row of rows) {
        row.results[name] = await wrk.runWrk({
          url: target.url,
          script,
          connections: row.connections,
          seconds,
          cpu: cpuLoad,
          cpuPid: target.pid,
        });
        log(
          `mcp ${name}: ${row.label}: ${Math.round(row.results[name].rps)} req/s, p50 ${row.results[name].p50.toFixed(3)} ms`,
        );
      }
    }
    return rows;
  } finally {
    await procs.stop(gw.child);
    await procs.stop(upstream);
  }
}

function mcpMarkdown(rows) {
  const lines = [
    '### MCP tool calls (gateway `/mcp` vs the MCP server directly)',
    '',
    '| scenario | direct req/s | gateway req/s | ratio | direct p50 | gateway p50 | added p50 | gateway CPU/request |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const { direct, gateway: gw } = row.results;
    if (!direct || !gw) continue;
    const cpu = gw.cpuUsPerRequest === undefined ? '' : `${Math.round(gw.cpuUsPerRequest)} µs`;
    lines.push(
      `| ${row.label} | ${Math.round(direct.rps)} | ${Math.round(gw.rps)} | ${(gw.rps / direct.rps).toFixed(2)} | ${direct.p50.toFixed(3)} ms | ${gw.p50.toFixed(3)} ms | +${(gw.p50 - direct.p50).toFixed(3)} ms | ${cpu} |`,
    );
  }
  return lines.join('\n');
}

module.exports = { runMcpBench, mcpMarkdown };
