import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OutboundException, SsrfBlockReason } from '@routeiq/security';
import { eventually, McpStubServer, type McpStubAuth } from '@routeiq/testing';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpErrorCode, McpException } from '../mcp.exception';
import {
  serverRecord,
  upstreamHarness,
  type UpstreamHarness,
} from './__fixtures__/upstream.harness';
import { McpUpstreamService } from './mcp-upstream.service';

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error: unknown = await promise.then(
    () => new Error('the call succeeded'),
    (err: unknown) => err,
  );
  if (!(error instanceof McpException) && !(error instanceof OutboundException)) throw error;
  return error;
}

function traceContext(traceId: string) {
  const span = { traceId, spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
  return trace.setSpanContext(ROOT_CONTEXT, span);
}

describe(McpUpstreamService.name, () => {
  let stub: McpStubServer;
  let harness: UpstreamHarness;

  async function serve(auth?: McpStubAuth): Promise<void> {
    stub = new McpStubServer({
      auth,
      resources: [{ uri: 'file:///a.md', name: 'a', mimeType: 'text/markdown', text: '# A' }],
      prompts: [{ name: 'greet', text: (args) => `Hello ${args.name}` }],
    });
    await stub.start();
    harness = upstreamHarness([`${stub.origin}/`]);
    harness.directory.put(serverRecord('stub', stub.url));
  }

  afterEach(async () => {
    await harness.close();
    await stub.stop();
  });

  describe('with an open server', () => {
    beforeEach(() => serve());

    it('calls tools and resolves to the result as sent, isError included', async () => {
      await expect(harness.upstream.callTool('stub', 'add', { a: 2, b: 3 })).resolves.toEqual({
        content: [{ type: 'text', text: '5' }],
        structuredContent: { sum: 5 },
      });
      await expect(harness.upstream.callTool('stub', 'fail', {})).resolves.toMatchObject({
        isError: true,
      });
      expect(stub.received('tools/call')[0]?.params).toEqual({
        name: 'add',
        arguments: { a: 2, b: 3 },
      });
    });

    it('keeps the message of a JSON-RPC error of the upstream', async () => {
      const unknown = await failure(harness.upstream.callTool('stub', 'nope', {}));
      const invalid = await failure(harness.upstream.callTool('stub', 'add', { a: 'x' }));

      expect(unknown).toMatchObject({ code: McpErrorCode.UpstreamError, status: 502 });
      expect(unknown.message).toContain('Unknown tool: nope');
      expect(invalid.message).toContain('add needs numbers a and b');
      expect((invalid as McpException).jsonRpcCode).toBe(-32001);
    });

    it('reads resources and gets prompts', async () => {
      await expect(harness.upstream.readResource('stub', 'file:///a.md')).resolves.toEqual({
        contents: [{ uri: 'file:///a.md', mimeType: 'text/markdown', text: '# A' }],
      });
      await expect(harness.upstream.getPrompt('stub', 'greet', { name: 'Ada' })).resolves.toEqual({
        messages: [{ role: 'user', content: { type: 'text', text: 'Hello Ada' } }],
      });
      const missing = await failure(harness.upstream.readResource('stub', 'file:///nope'));
      expect(missing.message).toContain('Resource not found');
    });

    it('refuses unknown and disabled servers without calling anything', async () => {
      harness.directory.put(serverRecord('off', stub.url, { enabled: false }));

      await expect(failure(harness.upstream.callTool('nope', 'add', {}))).resolves.toMatchObject({
        code: McpErrorCode.ServerNotFound,
      });
      await expect(failure(harness.upstream.getPrompt('off', 'greet', {}))).resolves.toMatchObject({
        code: McpErrorCode.ServerDisabled,
      });
      expect(stub.messages).toHaveLength(0);
    });

    it('times out after the call, server or default timeout and keeps the connection', async () => {
      const byOption = await failure(
        harness.upstream.callTool('stub', 'slow', { ms: 10_000 }, { timeoutMs: 50 }),
      );
      harness.directory.put(serverRecord('stub', stub.url, { timeoutMs: 60 }));
      const byServer = await failure(harness.upstream.callTool('stub', 'slow', { ms: 10_000 }));

      expect(byOption).toMatchObject({ code: McpErrorCode.UpstreamTimeout, status: 504 });
      expect(byOption.message).toContain('50 ms');
      expect(byServer.message).toContain('60 ms');
      // The connection still serves calls (the call's own timeout: 60 ms is no bound on a busy machine).
      await expect(
        harness.upstream.callTool('stub', 'echo', { text: 'hi' }, { timeoutMs: 10_000 }),
      ).resolves.toEqual({
        content: [{ type: 'text', text: 'hi' }],
      });
    });

    it("stops waiting when the caller's signal aborts", async () => {
      const caller = new AbortController();
      const call = failure(
        harness.upstream.callTool('stub', 'slow', { ms: 10_000 }, { signal: caller.signal }),
      );
      await stub.called('slow');
      caller.abort();

      const error = await call;
      expect(error).toMatchObject({ code: McpErrorCode.UpstreamError });
      expect(error.message).toContain('cancelled');
      await eventually(
        () => stub.received('notifications/cancelled').length === 1,
        'the upstream is told of the cancellation',
      );
    });

    it('sends traceparent as a header and in _meta of each call, concurrent calls apart', async () => {
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
      try {
        const ids = ['0af7651916cd43dd8448eb211c80319c', '4bf92f3577b34da6a3ce929d0e0e4736'];
        await Promise.all(
          ids.map((id) =>
            harness.upstream.callTool('stub', 'echo', { text: id }, { trace: traceContext(id) }),
          ),
        );
        await harness.upstream.readResource('stub', 'file:///a.md', {
          trace: traceContext(ids[0]!),
        });
      } finally {
        propagation.disable();
      }
      await harness.upstream.callTool('stub', 'echo', { text: 'untraced' });

      const seen = [...stub.received('tools/call'), ...stub.received('resources/read')].map((m) => [
        m.headers.traceparent,
        (m.params?._meta as Record<string, string> | undefined)?.traceparent,
      ]);
      const expected = (id: string) => `00-${id}-b7ad6b7169203331-01`;
      expect(seen).toEqual(
        expect.arrayContaining([
          [
            expected('0af7651916cd43dd8448eb211c80319c'),
            expected('0af7651916cd43dd8448eb211c80319c'),
          ],
          [
            expected('4bf92f3577b34da6a3ce929d0e0e4736'),
            expected('4bf92f3577b34da6a3ce929d0e0e4736'),
          ],
          [undefined, undefined],
        ]),
      );
      expect(seen).toHaveLength(4);
      expect(stub.received('initialize')[0]?.headers.traceparent).toBeUndefined();
    });

    it('probes: latency, negotiated version, server info and the cached tool count', async () => {
      const before = await harness.upstream.probe('stub');
      await harness.catalog.tools();
      const after = await harness.upstream.probe('stub');

      expect(before).toMatchObject({
        serverId: 'stub',
        status: 'healthy',
        protocolVersion: LATEST_PROTOCOL_VERSION,
        serverInfo: { name: 'mcp-stub', version: '1.0.0' },
        toolCount: null,
        error: null,
      });
      expect(before.latencyMs).toEqual(expect.any(Number));
      expect(after.toolCount).toBe(4);
      expect(stub.received('ping')).toHaveLength(2);
      expect(stub.received('initialize')).toHaveLength(1);
    });
  });

  it.each<[string, McpStubAuth, Parameters<typeof serverRecord>[2]]>([
    ['a bearer token', { kind: 'bearer', token: 's3cret' }, { authType: 'bearer_token' }],
    [
      'an API key header',
      { kind: 'header', header: 'X-Team-Key', value: 's3cret' },
      { authType: 'api_key', apiKeyHeader: 'X-Team-Key' },
    ],
    [
      'an API key in X-API-Key',
      { kind: 'header', header: 'X-API-Key', value: 's3cret' },
      { authType: 'api_key' },
    ],
  ])('sends %s and the static headers on every request', async (_name, auth, overrides) => {
    await serve(auth);
    const record = { ...overrides, authValue: 's3cret', staticHeaders: { 'X-Tenant': 'acme' } };
    harness.directory.put(serverRecord('stub', stub.url, record));

    await harness.upstream.callTool('stub', 'echo', { text: 'hi' });

    expect(stub.messages.map((m) => m.method)).toEqual([
      'initialize',
      'notifications/initialized',
      'tools/call',
    ]);
    const header = auth.kind === 'bearer' ? 'authorization' : auth.header.toLowerCase();
    const value = auth.kind === 'bearer' ? 'Bearer s3cret' : 's3cret';
    expect(stub.messages.every((m) => m.headers[header] === value)).toBe(true);
    expect(stub.messages.every((m) => m.headers['x-tenant'] === 'acme')).toBe(true);
  });

  it('fails with a secret-free error when the upstream refuses the credentials', async () => {
    await serve({ kind: 'bearer', token: 'right' });
    const record = { authType: 'bearer_token' as const, authValue: 'wrong-s3cret' };
    harness.directory.put(serverRecord('stub', stub.url, record));

    const error = await failure(harness.upstream.callTool('stub', 'echo', {}));

    expect(error).toMatchObject({ code: McpErrorCode.UpstreamError });
    expect(error.message).toContain('HTTP 401');
    expect(error.message).not.toContain('wrong-s3cret');
    await expect(harness.upstream.probe('stub')).resolves.toMatchObject({
      status: 'unhealthy',
      latencyMs: null,
      error: expect.stringContaining('HTTP 401') as unknown,
    });
  });

  it('lets the SSRF guard refuse a URL that is not allowlisted, before any request', async () => {
    await serve();
    harness.directory.put(serverRecord('stub', 'http://127.0.0.1:9/mcp'));

    const error = await failure(harness.upstream.callTool('stub', 'echo', {}));

    expect(error).toBeInstanceOf(OutboundException);
    expect((error as OutboundException).reason).toBe(SsrfBlockReason.Loopback);
    await expect(harness.upstream.probe('stub')).resolves.toMatchObject({ status: 'unhealthy' });
    expect(stub.messages).toHaveLength(0);
  });

  it('refuses to follow a redirect, even to an allowlisted URL', async () => {
    await serve();
    const redirector = createServer((_req, res) =>
      res.writeHead(307, { location: stub.url }).end(),
    );
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
    await harness.close();
    harness = upstreamHarness([`${stub.origin}/`, `${origin}/`]);
    harness.directory.put(serverRecord('moved', `${origin}/mcp`));
    try {
      const error = await failure(harness.upstream.callTool('moved', 'echo', {}));
      expect((error as OutboundException).reason).toBe(SsrfBlockReason.RedirectRefused);
      expect(stub.messages).toHaveLength(0);
    } finally {
      redirector.closeAllConnections();
      await new Promise((resolve) => redirector.close(resolve));
    }
  });
});
