'use strict';
// The framework ceiling: the smallest NestJS 11 + Express 5 app that proxies a chat completion —
// one global guard (string compare of the key), no body parser (a tiny reader), one undici Pool,
// res.writeHead/res.end, streams piped chunk by chunk. No logging, no validation, no routing, no
// request log. Its one route is served as the gateway serves its inference routes: on the raw
// Node server ahead of Express (guard, then handler; see docs/performance.md "Direct routes");
// `--express` routes it through Express instead. The gap to the gateway is what its features cost.
// Usage: node bench/nest-floor.js --upstream http://127.0.0.1:N [--port N] [--express]
//   (prints {"port":N} on stdout once listening)
require('reflect-metadata');
const { Controller, Injectable, Module, Post, Req, Res } = require('@nestjs/common');
const { APP_GUARD, NestFactory } = require('@nestjs/core');
const { Pool } = require('undici');

function arg(name, fallback) {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
}

const pool = new Pool(arg('--upstream', 'http://127.0.0.1:9999'), { pipelining: 1 });
const KEY = `Bearer ${process.env.BENCH_MASTER_KEY ?? 'sk-bench-master-key'}`;

class KeyGuard {
  canActivate(context) {
    return context.switchToHttp().getRequest().headers.authorization === KEY;
  }
}
Injectable()(KeyGuard);

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

class ChatController {
  async chat(req, res) {
    const body = await readJson(req);
    const upstream = await pool.request({
      path: '/v1/chat/completions',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, model: 'bench-model' }),
    });
    if (body.stream === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for await (const chunk of upstream.body) res.write(chunk);
      res.end();
      return;
    }
    const payload = JSON.stringify(JSON.parse(await upstream.body.text()));
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
    });
    res.end(payload);
  }
}
// Decorators applied as plain functions: this file runs without a TypeScript build.
Req()(ChatController.prototype, 'chat', 0);
Res()(ChatController.prototype, 'chat', 1);
Post('v1/chat/completions')(
  ChatController.prototype,
  'chat',
  Object.getOwnPropertyDescriptor(ChatController.prototype, 'chat'),
);
Controller()(ChatController);

class FloorModule {}
Module({ controllers: [ChatController], providers: [{ provide: APP_GUARD, useClass: KeyGuard }] })(
  FloorModule,
);

// The route ahead of Express: the guard with Nest's execution context, then the handler.
function serveDirectly(app) {
  const { ExecutionContextHost } = require('@nestjs/core/helpers/execution-context-host');
  const server = app.getHttpServer();
  const express = app.getHttpAdapter().getInstance();
  const guard = new KeyGuard();
  const controller = app.get(ChatController);
  server.removeListener('request', express);
  server.on('request', (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return express(req, res);
    const context = new ExecutionContextHost([req, res], ChatController, controller.chat);
    if (!guard.canActivate(context)) {
      res.writeHead(403).end();
      return;
    }
    controller.chat(req, res).catch(() => res.destroy());
  });
}

async function main() {
  const app = await NestFactory.create(FloorModule, { bodyParser: false, logger: false });
  if (!process.argv.includes('--express')) serveDirectly(app);
  await app.listen(Number(arg('--port', '0')), '127.0.0.1');
  process.stdout.write(`${JSON.stringify({ port: app.getHttpServer().address().port })}\n`);
  // Exit through process.exit so profilers (node --cpu-prof) write their output.
  process.once('SIGINT', () => process.exit(0));
  process.once('SIGTERM', () => process.exit(0));
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
