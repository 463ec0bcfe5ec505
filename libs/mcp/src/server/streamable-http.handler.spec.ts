import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayRequest, RequestLimits } from '@routeiq/common';
import {
  CoordinationException,
  InMemoryExpiringStore,
  type ExpiringStore,
} from '@routeiq/coordination';
import { resolveMcpConfig } from '../mcp.config';
import { FakeMcpOperations } from './__fixtures__/fake-mcp-operations';
import type { McpHttpReply } from './mcp-http.io';
import { McpMethodsService } from './mcp-methods.service';
import { McpRequestDispatcher } from './mcp-request.dispatcher';
import { McpSessionStore } from './mcp-session.store';
import { McpStreamableHttpHandler } from './streamable-http.handler';
import { testListPager } from './__fixtures__/list-pager.fixture';

const LIMITS: RequestLimits = { maxBodyBytes: 1 << 20 };

function requestOf(keyId: string, headers: IncomingHttpHeaders = {}): GatewayRequest {
  return {
    id: 'req-1',
    headers,
    principal: { kind: 'virtual', keyId },
  } as unknown as GatewayRequest;
}

/** A replica of the endpoint; replicas built on the same store share sessions. */
function replica(store: ExpiringStore, operations = new FakeMcpOperations()) {
  const sessions = new McpSessionStore(store, resolveMcpConfig({}));
  const dispatcher = new McpRequestDispatcher(
    new McpMethodsService(operations, testListPager()),
    sessions,
  );
  return new McpStreamableHttpHandler(dispatcher, sessions, LIMITS);
}

const request = (id: number | string, method: string, params?: object) => ({
  jsonrpc: '2.0',
  id,
  method,
  ...(params && { params }),
});
const notification = (method: string) => ({ jsonrpc: '2.0', method });

async function initialize(
  handler: McpStreamableHttpHandler,
  version = '2025-11-25',
  keyId = 'key-a',
) {
  const reply = await handler.handle(
    request(0, 'initialize', {
      protocolVersion: version,
      capabilities: {},
      clientInfo: { name: 'spec', version: '1' },
    }),
    requestOf(keyId),
  );
  const sessionId = reply.headers?.['mcp-session-id'];
  if (reply.status !== 200 || !sessionId)
    throw new Error(`initialize failed: ${JSON.stringify(reply)}`);
  return sessionId;
}

function errorOf(reply: McpHttpReply) {
  return { status: reply.status, error: (reply.body as { error?: unknown }).error };
}

describe(McpStreamableHttpHandler.name, () => {
  it('opens a session that any replica on the same store serves, for the same key only', async () => {
    const store = new InMemoryExpiringStore();
    const [first, second] = [replica(store), replica(store)];
    const sessionId = await initialize(first);
    const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };

    await expect(
      second.handle(notification('notifications/initialized'), requestOf('key-a', headers)),
    ).resolves.toEqual({ status: 202 });
    const listed = await second.handle(request(1, 'tools/list'), requestOf('key-a', headers));
    expect(listed).toMatchObject({
      status: 200,
      body: { id: 1, result: { tools: [{ name: 'weather.forecast' }] } },
    });
    expect(listed.headers).toBeUndefined();

    const stranger = await second.handle(request(2, 'tools/list'), requestOf('key-b', headers));
    expect(stranger).toMatchObject({
      status: 404,
      body: { id: 2, error: { code: -32001, message: 'Session not found' } },
    });
  });

  it('answers 400 without a session id and 404 for an unknown or ended one', async () => {
    const handler = replica(new InMemoryExpiringStore());
    const missing = await handler.handle(request(1, 'tools/list'), requestOf('key-a'));
    expect(errorOf(missing)).toMatchObject({ status: 400, error: { code: -32600 } });
    expect(missing.body).toMatchObject({ id: 1 });

    const unknown = requestOf('key-a', { 'mcp-session-id': 'nope' });
    await expect(handler.handle(request(1, 'tools/list'), unknown)).resolves.toMatchObject({
      status: 404,
    });

    const sessionId = await initialize(handler);
    const own = requestOf('key-a', { 'mcp-session-id': sessionId });
    await expect(
      handler.terminate(requestOf('key-b', { 'mcp-session-id': sessionId })),
    ).resolves.toMatchObject({ status: 404 });
    await expect(handler.terminate(own)).resolves.toEqual({ status: 204 });
    await expect(handler.handle(request(1, 'tools/list'), own)).resolves.toMatchObject({
      status: 404,
    });
    await expect(handler.terminate(own)).resolves.toMatchObject({ status: 404 });
    await expect(handler.terminate(requestOf('key-a'))).resolves.toMatchObject({ status: 400 });
  });

  it('checks MCP-Protocol-Version from 2025-06-18 on: absent is fine, another one is 400', async () => {
    const handler = replica(new InMemoryExpiringStore());
    const sessionId = await initialize(handler, '2025-06-18');
    const withVersion = (version?: string) =>
      requestOf('key-a', {
        'mcp-session-id': sessionId,
        ...(version && { 'mcp-protocol-version': version }),
      });
    await expect(handler.handle(request(1, 'ping'), withVersion())).resolves.toMatchObject({
      status: 200,
    });
    await expect(
      handler.handle(request(1, 'ping'), withVersion('2025-06-18')),
    ).resolves.toMatchObject({ status: 200 });
    const other = await handler.handle(request(1, 'ping'), withVersion('2025-11-25'));
    expect(errorOf(other)).toMatchObject({ status: 400, error: { code: -32600 } });
    const unknown = await handler.handle(request(1, 'ping'), withVersion('1999-01-01'));
    expect(unknown.status).toBe(400);

    const older = await initialize(handler, '2025-03-26');
    const legacy = requestOf('key-a', {
      'mcp-session-id': older,
      'mcp-protocol-version': '2025-11-25',
    });
    await expect(handler.handle(request(1, 'ping'), legacy)).resolves.toMatchObject({
      status: 200,
    });
  });

  it('serves batches only in 2025-03-26 sessions', async () => {
    const handler = replica(new InMemoryExpiringStore());
    const batch = [
      request(1, 'ping'),
      notification('notifications/cancelled'),
      request(2, 'tools/list'),
      { id: 3 },
    ];

    const old = requestOf('key-a', { 'mcp-session-id': await initialize(handler, '2025-03-26') });
    const reply = await handler.handle(batch, old);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual([
      { jsonrpc: '2.0', id: 1, result: {} },
      { jsonrpc: '2.0', id: 2, result: { tools: expect.any(Array) } },
      { jsonrpc: '2.0', id: 3, error: { code: -32600, message: 'Invalid JSON-RPC message' } },
    ]);

    const current = requestOf('key-a', { 'mcp-session-id': await initialize(handler) });
    await expect(handler.handle(batch, current)).resolves.toMatchObject({
      status: 400,
      body: { id: null, error: { code: -32600 } },
    });
    await expect(handler.handle(batch, requestOf('key-a'))).resolves.toMatchObject({ status: 400 });
    await expect(handler.handle([], old)).resolves.toMatchObject({
      status: 400,
      body: { error: { code: -32600 } },
    });
    const initInBatch = [request(1, 'initialize', {}), request(2, 'ping')];
    await expect(handler.handle(initInBatch, old)).resolves.toMatchObject({ status: 400 });
  });

  it('answers an invalid message with -32600 and its id, and notifications with 202', async () => {
    const handler = replica(new InMemoryExpiringStore());
    const invalid = await handler.handle(
      { jsonrpc: '1.0', id: 'abc', method: 'ping' },
      requestOf('key-a'),
    );
    expect(invalid).toEqual({
      status: 400,
      body: {
        jsonrpc: '2.0',
        id: 'abc',
        error: { code: -32600, message: 'Invalid JSON-RPC message' },
      },
    });
    await expect(handler.handle('text', requestOf('key-a'))).resolves.toMatchObject({
      status: 400,
      body: { id: null },
    });
    await expect(
      handler.handle(notification('notifications/cancelled'), requestOf('key-a')),
    ).resolves.toEqual({ status: 202 });
    const response = { jsonrpc: '2.0', id: 5, result: {} };
    await expect(handler.handle(response, requestOf('key-a'))).resolves.toEqual({ status: 202 });
  });

  it('serves a stateless 2026-07-28 request without a session', async () => {
    const handler = replica(new InMemoryExpiringStore());
    const meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientCapabilities': {},
    };
    const headers = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' };
    const reply = await handler.handle(
      request(4, 'tools/list', { _meta: meta }),
      requestOf('key-a', headers),
    );
    expect(reply).toMatchObject({
      status: 200,
      body: { id: 4, result: { resultType: 'complete' } },
    });
    expect(reply.headers).toBeUndefined();

    const bare = await handler.handle(request(5, 'server/discover'), requestOf('key-a'));
    expect(errorOf(bare)).toMatchObject({ status: 400, error: { code: -32602 } });
  });

  it('answers with the store error status when sessions cannot be read', async () => {
    class DownStore extends InMemoryExpiringStore {
      override async get(): Promise<string | undefined> {
        throw CoordinationException.redisUnavailable('not connected');
      }
    }
    const handler = replica(new DownStore());
    const reply = await handler.handle(
      request(9, 'ping'),
      requestOf('key-a', { 'mcp-session-id': 's' }),
    );
    expect(reply).toMatchObject({
      status: 503,
      body: { id: 9, error: { code: -32603, data: { code: 'redis_unavailable' } } },
    });
  });
});
