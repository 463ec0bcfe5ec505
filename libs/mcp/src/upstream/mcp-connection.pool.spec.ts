import { propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { eventually, McpStubServer } from '@routeiq/testing';
import { McpErrorCode, McpException } from '../mcp.exception';
import {
  serverRecord,
  upstreamHarness,
  type UpstreamHarness,
} from './__fixtures__/upstream.harness';
import { McpConnectionPool } from './mcp-connection.pool';

const STDIO_SERVER = `
const { Server } = require('@modelcontextprotocol/sdk/server/index.js');
const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js');
const types = require('@modelcontextprotocol/sdk/types.js');
const server = new Server({ name: 'stdio-stub', version: '1.0.0' }, { capabilities: { tools: {} } });
server.setRequestHandler(types.ListToolsRequestSchema, () => ({
  tools: [{ name: 'word', inputSchema: { type: 'object' } }],
}));
server.setRequestHandler(types.CallToolRequestSchema, () => ({
  content: [{ type: 'text', text: process.env.STUB_WORD }],
}));
void server.connect(new StdioServerTransport());
`;

async function rejection(promise: Promise<unknown>): Promise<McpException> {
  const error: unknown = await promise.then(
    () => new Error('the call succeeded'),
    (err: unknown) => err,
  );
  if (!(error instanceof McpException)) throw error;
  return error;
}

describe(McpConnectionPool.name, () => {
  let stub: McpStubServer;
  let harness: UpstreamHarness;

  beforeEach(async () => {
    stub = new McpStubServer();
    await stub.start();
    harness = upstreamHarness([`${stub.origin}/`]);
    harness.directory.put(serverRecord('stub', stub.url));
  });

  afterEach(async () => {
    await harness.close();
    await stub.stop();
  });

  it('opens one connection per server, lazily, and shares it', async () => {
    expect(stub.messages).toHaveLength(0);

    await Promise.all([
      harness.upstream.callTool('stub', 'echo', { text: 'a' }),
      harness.upstream.callTool('stub', 'echo', { text: 'b' }),
      harness.catalog.tools(),
    ]);
    await harness.upstream.probe('stub');

    expect(stub.received('initialize')).toHaveLength(1);
    expect(new Set(stub.messages.map((m) => m.headers['mcp-session-id'])).size).toBe(2); // none, then one
  });

  it('fails a call cleanly when the upstream dies mid-call, and reconnects on the next', async () => {
    await harness.upstream.callTool('stub', 'echo', { text: 'warm' });
    const call = rejection(harness.upstream.callTool('stub', 'slow', { ms: 10_000 }));
    await stub.called('slow');

    await stub.kill();
    const error = await call;
    const down = await rejection(harness.upstream.callTool('stub', 'echo', { text: 'x' }));
    await stub.start();
    const result = await harness.upstream.callTool('stub', 'echo', { text: 'back' });

    expect(error).toMatchObject({ code: McpErrorCode.UpstreamError, status: 502 });
    expect(error.message).toContain('connection to the server was lost');
    expect(down.message).toContain('unreachable (ECONNREFUSED)');
    expect(result).toEqual({ content: [{ type: 'text', text: 'back' }] });
    expect(stub.received('initialize')).toHaveLength(2);
  });

  it('reconnects transparently when the upstream forgets the session', async () => {
    await harness.upstream.callTool('stub', 'echo', { text: 'first' });
    stub.forgetSessions();

    await expect(harness.upstream.callTool('stub', 'echo', { text: 'again' })).resolves.toEqual({
      content: [{ type: 'text', text: 'again' }],
    });
    expect(stub.received('initialize')).toHaveLength(2);
    expect(stub.received('tools/call').map((m) => m.params?.arguments)).toContainEqual({
      text: 'again',
    });
  });

  it('closes the connection when the registry changes the server, and on shutdown', async () => {
    await harness.upstream.callTool('stub', 'echo', { text: 'a' });
    await stub.listening();

    harness.directory.put(serverRecord('stub', stub.url, { staticHeaders: { 'X-Rev': '2' } }));
    await eventually(() => stub.openStreams === 0, 'the old stream closes');
    await harness.upstream.callTool('stub', 'echo', { text: 'b' });
    await stub.listening();

    expect(stub.received('initialize').map((m) => m.headers['x-rev'])).toEqual([undefined, '2']);
    await harness.pool.onModuleDestroy();
    await eventually(() => stub.openStreams === 0, 'shutdown closes it');
  });

  it("bounds the handshake by the server's timeout, or by the opening request's when longer", async () => {
    const slow = new McpStubServer({ initializeDelayMs: 300 });
    await slow.start();
    const slowHarness = upstreamHarness([`${slow.origin}/`]);
    try {
      slowHarness.directory.put(serverRecord('slow', slow.url, { timeoutMs: 100 }));

      const byServer = await rejection(
        slowHarness.upstream.callTool('slow', 'echo', { text: 'a' }),
      );
      const result = await slowHarness.upstream.callTool(
        'slow',
        'echo',
        { text: 'b' },
        { timeoutMs: 10_000 },
      );

      expect(byServer).toMatchObject({ code: McpErrorCode.UpstreamTimeout, status: 504 });
      expect(byServer.message).toContain('100 ms');
      expect(result).toEqual({ content: [{ type: 'text', text: 'b' }] });
      expect(slow.received('initialize')).toHaveLength(2);
    } finally {
      await slowHarness.close();
      await slow.stop();
    }
  });

  it('speaks the legacy HTTP+SSE transport', async () => {
    harness.directory.put(serverRecord('legacy', stub.sseUrl, { transport: 'sse' }));
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const span = { traceId, spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };

    const tools = await harness.catalog.tools(['legacy']);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const result = await harness.upstream.callTool(
        'legacy',
        'add',
        { a: 1, b: 2 },
        { trace: trace.setSpanContext(ROOT_CONTEXT, span) },
      );
      expect(result).toMatchObject({ structuredContent: { sum: 3 } });
    } finally {
      propagation.disable();
    }

    expect(tools.map((tool) => tool.qualifiedName)).toContain('legacy.add');
    expect(stub.received('tools/call')[0]?.headers.traceparent).toBe(
      `00-${traceId}-b7ad6b7169203331-01`,
    );
    await expect(harness.upstream.probe('legacy')).resolves.toMatchObject({ status: 'healthy' });
  });

  it('refuses stdio servers unless the operator enabled them', async () => {
    const stdio = serverRecord('local', null, {
      transport: 'stdio',
      command: process.execPath,
      args: ['-e', STDIO_SERVER],
      env: { STUB_WORD: 'from-stdio' },
    });
    harness.directory.put(stdio);

    const refused = await rejection(harness.upstream.callTool('local', 'word', {}));
    expect(refused.code).toBe(McpErrorCode.StdioDisabled);

    const enabled = upstreamHarness([], { LLMROUTER_MCP_STDIO_ENABLED: 'true' });
    enabled.directory.put(stdio);
    try {
      await expect(enabled.upstream.callTool('local', 'word', {})).resolves.toEqual({
        content: [{ type: 'text', text: 'from-stdio' }],
      });
      await expect(enabled.catalog.tools()).resolves.toMatchObject([
        { qualifiedName: 'local.word' },
      ]);
    } finally {
      await enabled.close();
    }
  });
});
