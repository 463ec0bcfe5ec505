import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fetch } from 'undici';
import { ScriptedHostResolver, type ScriptedAnswers } from './__fixtures__/scripted-host.resolver';
import { OutboundUrlGuard } from './outbound-url.guard';
import { resolveOutboundConfig } from './outbound.config';
import { OutboundException, SsrfBlockReason } from './outbound.exception';
import { createPinnedDispatcher } from './pinned-dispatcher.factory';
import { SafeOutboundClient } from './safe-outbound.client';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly host: string | undefined;
  readonly body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback HTTP server that records what reached it. Every test talks only to 127.0.0.1. */
class LoopbackServer {
  readonly seen: Seen[] = [];
  private server: Server | HttpsServer | undefined;

  constructor(private readonly handler: Handler) {}

  async start(tls?: { key: Buffer; cert: Buffer }): Promise<number> {
    const listener = (req: IncomingMessage, res: ServerResponse): void => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        this.seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          host: req.headers.host,
          body,
        });
        this.handler(req, res);
      });
    };
    this.server = tls ? createTlsServer(tls, listener) : createServer(listener);
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const echo: Handler = (req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
  res.end(JSON.stringify({ method: req.method, path: req.url }));
};

function clientWith(env: Record<string, string>, answers: ScriptedAnswers = {}) {
  const resolver = new ScriptedHostResolver(answers);
  const guard = new OutboundUrlGuard(resolveOutboundConfig(env), resolver);
  return { client: new SafeOutboundClient(guard), guard, resolver };
}

async function failure(promise: Promise<unknown>): Promise<OutboundException> {
  const error: unknown = await promise.then(
    () => new Error('request succeeded'),
    (err: unknown) => err,
  );
  if (!(error instanceof OutboundException)) throw error;
  return error;
}

describe(SafeOutboundClient.name, () => {
  const servers: LoopbackServer[] = [];
  const clients: SafeOutboundClient[] = [];

  async function serve(handler: Handler): Promise<{ server: LoopbackServer; port: number }> {
    const server = new LoopbackServer(handler);
    servers.push(server);
    return { server, port: await server.start() };
  }

  function track<T extends { client: SafeOutboundClient }>(made: T): T {
    clients.push(made.client);
    return made;
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.onApplicationShutdown()));
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });

  it('reaches a loopback server only through the URL prefix allowlist', async () => {
    const { server, port } = await serve(echo);
    const { client } = track(
      clientWith({ LLMROUTER_OUTBOUND_URL_ALLOWLIST: `http://127.0.0.1:${port}/api` }),
    );
    const response = await client.request(`http://127.0.0.1:${port}/api/items?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', host: 'internal.admin' },
      body: '{"a":1}',
    });
    expect(response.status).toBe(200);
    expect(response.headers['x-upstream']).toBe('yes');
    expect(JSON.parse(response.body.toString())).toEqual({
      method: 'POST',
      path: '/api/items?x=1',
    });
    expect(server.seen).toEqual([
      { method: 'POST', url: '/api/items?x=1', host: `127.0.0.1:${port}`, body: '{"a":1}' },
    ]);

    const blocked = await failure(client.request(`http://127.0.0.1:${port}/other`));
    expect(blocked.reason).toBe(SsrfBlockReason.Loopback);
    expect(server.seen).toHaveLength(1);
  });

  it('never connects when the guard blocks, rebinding resolver included', async () => {
    const { server, port } = await serve(echo);
    const { client } = track(clientWith({}, { 'rebind.test': ['93.184.216.34', '127.0.0.1'] }));
    const direct = await failure(client.request(`http://127.0.0.1:${port}/`));
    expect(direct.code).toBe('ssrf_blocked');
    expect(direct.message).toBe('Outbound URL blocked: loopback address 127.0.0.1 is not allowed');
    const rebind = await failure(client.request(`http://rebind.test:${port}/`));
    expect(rebind.reason).toBe(SsrfBlockReason.Loopback);
    expect(server.seen).toEqual([]);
  });

  it('refuses a redirect to loopback and does not follow it', async () => {
    const { server: target, port: targetPort } = await serve(echo);
    const { server, port } = await serve((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${targetPort}/secret` });
      res.end();
    });
    const { client } = track(
      clientWith({ LLMROUTER_OUTBOUND_URL_ALLOWLIST: `http://127.0.0.1:${port}/` }),
    );
    const error = await failure(client.request(`http://127.0.0.1:${port}/start`));
    expect(error.status).toBe(400);
    expect(error.code).toBe('ssrf_blocked');
    expect(error.reason).toBe(SsrfBlockReason.RedirectRefused);
    expect(error.message).not.toContain('secret');
    expect(server.seen).toHaveLength(1);
    expect(target.seen).toEqual([]);
  });

  it('connects to the vetted address with one lookup per request, never resolving again', async () => {
    const { server, port } = await serve(echo);
    // 127.0.0.2 has no listener: a connection made from a second lookup would be refused.
    const { client, resolver } = track(
      clientWith(
        { LLMROUTER_OUTBOUND_URL_ALLOWLIST: `http://pinned.test:${port}/` },
        { 'pinned.test': [['127.0.0.1'], ['127.0.0.2']] },
      ),
    );
    const first = await client.request(`http://pinned.test:${port}/one`);
    expect(first.status).toBe(200);
    expect(resolver.callsFor('pinned.test')).toBe(1);
    // The Host header keeps the name; pinned.test exists in no DNS, so only the pin reached it.
    expect(server.seen).toEqual([
      { method: 'GET', url: '/one', host: `pinned.test:${port}`, body: '' },
    ]);

    const second = await failure(client.request(`http://pinned.test:${port}/two`));
    expect(second.code).toBe('outbound_request_failed');
    expect(second.message).toContain('ECONNREFUSED');
    expect(resolver.callsFor('pinned.test')).toBe(2);
    expect(server.seen).toHaveLength(1);
  });

  it('tries the vetted addresses in order', async () => {
    const { server, port } = await serve(echo);
    const { client } = track(
      clientWith(
        { LLMROUTER_OUTBOUND_URL_ALLOWLIST: `http://multi.test:${port}/` },
        { 'multi.test': ['127.0.0.2', '127.0.0.1'] },
      ),
    );
    await expect(client.request(`http://multi.test:${port}/`)).resolves.toMatchObject({
      status: 200,
    });
    expect(server.seen).toHaveLength(1);
  });

  it('gives fetch a dispatcher that refuses origins the guard did not check', async () => {
    const { server, port } = await serve(echo);
    const { server: other, port: otherPort } = await serve(echo);
    const { client } = track(
      clientWith({ LLMROUTER_OUTBOUND_URL_ALLOWLIST: `http://127.0.0.1:${port}/` }),
    );
    const { target, dispatcher } = await client.prepare(`http://127.0.0.1:${port}/mcp`);
    const ok = await fetch(target.url, { dispatcher, redirect: 'manual' });
    expect(await ok.json()).toEqual({ method: 'GET', path: '/mcp' });

    const refused: unknown = await fetch(`http://127.0.0.1:${otherPort}/`, { dispatcher }).catch(
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(TypeError);
    const cause = (refused as TypeError).cause;
    expect(cause).toBeInstanceOf(OutboundException);
    expect((cause as OutboundException).reason).toBe(SsrfBlockReason.OriginNotChecked);
    expect(server.seen).toHaveLength(1);
    expect(other.seen).toEqual([]);
  });

  it('keeps the host name for TLS: SNI and certificate checks use it, not the pinned IP', async () => {
    const key = readFileSync(join(__dirname, '__fixtures__/pinned-test.key.pem'));
    const cert = readFileSync(join(__dirname, '__fixtures__/pinned-test.cert.pem'));
    const server = new LoopbackServer(echo);
    servers.push(server);
    const port = await server.start({ key, cert });
    const { guard } = clientWith(
      { LLMROUTER_OUTBOUND_URL_ALLOWLIST: `https://pinned.test:${port}/` },
      { 'pinned.test': ['127.0.0.1'] },
    );
    const target = await guard.check(`https://pinned.test:${port}/secure`);
    const dispatcher = createPinnedDispatcher(target, { ca: cert });
    try {
      const response = await dispatcher.request({
        origin: target.url.origin,
        path: '/secure',
        method: 'GET',
      });
      expect(response.statusCode).toBe(200);
      await response.body.dump();
      expect(server.seen[0]?.host).toBe(`pinned.test:${port}`);
    } finally {
      await dispatcher.close();
    }
  });

  it('times out a silent upstream', async () => {
    const { port } = await serve(() => undefined);
    const { client } = track(
      clientWith({ LLMROUTER_OUTBOUND_URL_ALLOWLIST: `http://127.0.0.1:${port}/` }),
    );
    const error = await failure(client.request(`http://127.0.0.1:${port}/`, { timeoutMs: 150 }));
    expect(error.status).toBe(504);
    expect(error.code).toBe('outbound_timeout');
  });

  it('passes the caller abort through as it is', async () => {
    const { port } = await serve(() => undefined);
    const { client } = track(
      clientWith({ LLMROUTER_OUTBOUND_URL_ALLOWLIST: `http://127.0.0.1:${port}/` }),
    );
    const controller = new AbortController();
    const pending = client.request(`http://127.0.0.1:${port}/`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error: unknown = await pending.catch((err: unknown) => err);
    expect(error).not.toBeInstanceOf(OutboundException);
    expect(controller.signal.aborted).toBe(true);
  });

  it('caps the response size', async () => {
    const { port } = await serve((_req, res) => res.end('x'.repeat(4096)));
    const { client } = track(
      clientWith({ LLMROUTER_OUTBOUND_URL_ALLOWLIST: `http://127.0.0.1:${port}/` }),
    );
    const error = await failure(
      client.request(`http://127.0.0.1:${port}/`, { maxResponseBytes: 1024 }),
    );
    expect(error.code).toBe('outbound_response_too_large');
    await expect(
      client.request(`http://127.0.0.1:${port}/`, { maxResponseBytes: 4096 }),
    ).resolves.toMatchObject({ status: 200 });
  });
});
