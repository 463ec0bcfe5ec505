'use strict';
// The floor: a bare node:http pass-through proxy. No auth, no parsing: method, path, headers (minus
// hop-by-hop) and body go to the upstream over keep-alive sockets and the answer is piped back.
// Usage: node bench/bare-proxy.js --upstream http://127.0.0.1:N [--port N]
//   (prints {"port":N} on stdout once listening)
const http = require('node:http');

function arg(name, fallback) {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
}

const upstream = new URL(arg('--upstream', 'http://127.0.0.1:9999'));
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

function endToEnd(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

function fail(res, error) {
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  res.writeHead(502, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({ error: { message: `upstream error: ${error.message}`, type: 'proxy' } }),
  );
}

const server = http.createServer((req, res) => {
  const upstreamReq = http.request(
    {
      agent,
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: endToEnd(req.headers),
    },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, endToEnd(upstreamRes.headers));
      upstreamRes.pipe(res);
    },
  );
  upstreamReq.on('error', (error) => fail(res, error));
  res.on('close', () => {
    if (!res.writableFinished) upstreamReq.destroy();
  });
  req.pipe(upstreamReq);
});
server.keepAliveTimeout = 65_000;

server.listen(Number(arg('--port', '0')), arg('--host', '127.0.0.1'), () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
