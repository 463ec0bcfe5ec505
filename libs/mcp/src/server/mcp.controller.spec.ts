import {
  Injectable,
  Module,
  type CanActivate,
  type DynamicModule,
  type ExecutionContext,
  type INestApplication,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  attachRequestIds,
  GatewayException,
  GatewayExceptionFilter,
  RequestLimits,
  type GatewayRequest,
} from '@routeiq/common';
import {
  CoordinationBus,
  CoordinationKeys,
  ExpiringStore,
  InMemoryCoordinationBus,
  InMemoryExpiringStore,
  RedisConnections,
  RedisCoordinationBus,
  RedisExpiringStore,
} from '@routeiq/coordination';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { McpOperations } from '../invocation/mcp-operations';
import { McpConfig, resolveMcpConfig } from '../mcp.config';
import { FakeMcpOperations } from './__fixtures__/fake-mcp-operations';
import { MCP_ROUTE_PATHS, McpGatewayEnabledMiddleware } from './mcp-gateway-enabled.middleware';
import { MCP_ENDPOINT_PATHS, McpOriginMiddleware } from './mcp-origin.middleware';
import { McpController } from './mcp.controller';
import { MCP_SERVER_CONTROLLERS, MCP_SERVER_PROVIDERS } from './index';
import { McpCursorCodec } from './paging/mcp-cursor.codec';

/** Stands in for the global AuthGuard: the Bearer token is the key id. */
@Injectable()
class BearerKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<GatewayRequest>();
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token)
      throw new GatewayException({ status: 401, code: 'missing_api_key', message: 'No key' });
    req.principal = { kind: 'virtual', keyId: token };
    return true;
  }
}

interface Replica {
  readonly app: INestApplication;
  readonly url: string;
  readonly port: string;
  readonly connections?: RedisConnections;
}

@Module({})
class McpEndpointTestModule implements NestModule {
  static register(
    config: McpConfig,
    operations: McpOperations,
    redis?: RedisConnections,
    keys?: CoordinationKeys,
  ): DynamicModule {
    const coordination =
      redis && keys
        ? [
            { provide: CoordinationBus, useValue: new RedisCoordinationBus(redis, keys) },
            { provide: ExpiringStore, useValue: new RedisExpiringStore(redis, keys) },
          ]
        : [
            { provide: CoordinationBus, useValue: new InMemoryCoordinationBus() },
            { provide: ExpiringStore, useValue: new InMemoryExpiringStore() },
          ];
    return {
      module: McpEndpointTestModule,
      controllers: MCP_SERVER_CONTROLLERS,
      providers: [
        ...MCP_SERVER_PROVIDERS,
        ...coordination,
        { provide: McpOperations, useValue: operations },
        { provide: McpConfig, useValue: config },
        // The replicas share the cursor secret, as they would through LITELLM_SALT_KEY.
        { provide: McpCursorCodec, useValue: new McpCursorCodec(() => 'shared-test-secret') },
        { provide: RequestLimits, useValue: { maxBodyBytes: 1 << 20 } },
        { provide: APP_GUARD, useClass: BearerKeyGuard },
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(McpGatewayEnabledMiddleware).forRoutes(...MCP_ROUTE_PATHS);
    consumer.apply(McpOriginMiddleware).forRoutes(...MCP_ENDPOINT_PATHS);
  }
}

const keys = new CoordinationKeys(uniqueRedisPrefix());
const AUTH = { authorization: 'Bearer key-a' };
const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
};

async function boot(config: McpConfig, operations: McpOperations, redis = true): Promise<Replica> {
  const connections = redis ? new RedisConnections(TEST_REDIS_URL) : undefined;
  if (connections && !(await connections.waitUntilReady(5000)))
    throw new Error('test Redis is not running');
  const moduleRef = await Test.createTestingModule({
    imports: [McpEndpointTestModule.register(config, operations, connections, connections && keys)],
  }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
  attachRequestIds(app.getHttpServer());
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return { app, url: url.replace('[::1]', '127.0.0.1'), port: new URL(url).port, connections };
}

async function close(replica: Replica): Promise<void> {
  await replica.app.close();
  await replica.connections?.close();
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...AUTH,
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe(McpController.name, () => {
  const operations = new FakeMcpOperations();
  const config = resolveMcpConfig({
    MCP_GATEWAY_ENABLED: 'true',
    MCP_ALLOWED_ORIGINS: 'https://app.example',
  });
  let first: Replica;
  let second: Replica;

  beforeAll(async () => {
    [first, second] = [await boot(config, operations), await boot(config, operations)];
  });

  afterAll(async () => {
    await Promise.all([close(first), close(second)]);
    const admin = new Redis(TEST_REDIS_URL);
    const written = await admin.keys(`${keys.prefix}*`);
    if (written.length > 0) await admin.del(...written);
    admin.disconnect();
  });

  /** Sends each request to the next replica in turn: no stickiness at all. */
  function alternating(): FetchLike {
    let turn = 0;
    return (url, init) => {
      const target = new URL(url);
      target.port = [first, second][turn++ % 2]!.port;
      return fetch(target, init);
    };
  }

  it('serves the SDK client over Streamable HTTP with its session spread over two replicas', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${first.url}/mcp`), {
      requestInit: { headers: AUTH },
      fetch: alternating(),
    });
    const client = new Client({ name: 'spec-client', version: '1.0.0' });
    await client.connect(transport);
    expect(client.getServerVersion()).toMatchObject({ name: 'routeiq-gateway' });
    expect(transport.protocolVersion).toBe('2025-11-25');

    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['weather.forecast']);
    const result = await client.callTool({ name: 'weather.forecast', arguments: { city: 'Oslo' } });
    expect(result.content).toEqual([{ type: 'text', text: '{"city":"Oslo"}' }]);
    await expect(client.readResource({ uri: 'file:///readme.md' })).resolves.toMatchObject({
      contents: [{ text: 'hello' }],
    });
    await expect(
      client.getPrompt({ name: 'docs.summarize', arguments: { topic: 'x' } }),
    ).resolves.toMatchObject({ messages: [{}] });
    await expect(client.callTool({ name: 'weather.missing' })).rejects.toMatchObject({
      code: -32002,
    });
    expect(operations.calls.at(0)).toMatchObject({
      keyId: 'key-a',
      options: { channel: 'mcp', sessionId: transport.sessionId },
    });

    const sessionId = transport.sessionId ?? '';
    await transport.terminateSession();
    await client.close();
    const ended = await post(
      `${second.url}/mcp`,
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      { 'mcp-session-id': sessionId },
    );
    expect(ended.status).toBe(404);
    await expect(ended.json()).resolves.toMatchObject({ id: 1, error: { code: -32001 } });
  });

  it('serves the SDK client over legacy SSE, with POSTs landing on the other replica', async () => {
    const posted: string[] = [];
    // The stream stays on the first replica; every message goes to the second.
    const split: FetchLike = (url, init) => {
      const target = new URL(url);
      if (init?.method === 'POST') {
        target.port = second.port;
        posted.push(target.searchParams.get('sessionId') ?? '');
      }
      return fetch(target, init);
    };
    const transport = new SSEClientTransport(new URL(`${first.url}/mcp/sse`), {
      requestInit: { headers: AUTH },
      fetch: split,
    });
    const client = new Client({ name: 'sse-client', version: '1.0.0' });
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(1);
    const result = await client.callTool({ name: 'weather.forecast', arguments: { city: 'Rome' } });
    expect(result.content).toEqual([{ type: 'text', text: '{"city":"Rome"}' }]);
    await expect(client.callTool({ name: 'weather.quota' })).rejects.toMatchObject({
      code: -32003,
    });

    const sessionId = posted[0] ?? '';
    const stranger = await post(
      `${second.url}/mcp/messages?sessionId=${sessionId}`,
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      { authorization: 'Bearer key-b' },
    );
    expect(stranger.status).toBe(404);

    await client.close();
    // The stream's end deletes the session (asynchronously, on the first replica).
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 404; attempt++) {
      const res = await post(`${second.url}/mcp/messages?sessionId=${sessionId}`, {
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
      });
      status = res.status;
      if (status !== 404) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(404);
  });

  it('serves stateless 2026-07-28 requests and checks their headers', async () => {
    const headers = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'server/discover' };
    const discover = await post(
      `${first.url}/mcp`,
      { jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: META } },
      headers,
    );
    expect(discover.status).toBe(200);
    expect(discover.headers.get('mcp-session-id')).toBeNull();
    await expect(discover.json()).resolves.toMatchObject({
      id: 1,
      result: {
        resultType: 'complete',
        supportedVersions: ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26'],
      },
    });

    const mismatch = await post(
      `${second.url}/mcp`,
      { jsonrpc: '2.0', id: 2, method: 'tools/list', params: { _meta: META } },
      headers,
    );
    expect(mismatch.status).toBe(400);
    await expect(mismatch.json()).resolves.toMatchObject({ id: 2, error: { code: -32001 } });
  });

  it('answers transport errors in JSON-RPC: parse error, media type, GET stream, SSE-only clients', async () => {
    const broken = await post(`${first.url}/mcp`, '{"jsonrpc":');
    expect(broken.status).toBe(400);
    await expect(broken.json()).resolves.toMatchObject({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700 },
    });
    const text = await post(`${first.url}/mcp`, 'ping', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);

    const get = await fetch(`${first.url}/mcp`, { headers: AUTH });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, DELETE');

    const init = {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'c', version: '1' },
    };
    const sse = await post(
      `${first.url}/mcp`,
      { jsonrpc: '2.0', id: 3, method: 'initialize', params: init },
      { accept: 'text/event-stream' },
    );
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(sse.headers.get('mcp-session-id')).toEqual(expect.any(String));
    const event = await sse.text();
    expect(event).toMatch(/^event: message\ndata: \{.*"protocolVersion":"2025-06-18".*\}\n\n$/);
  });

  it('needs the user key, and refuses foreign origins before anything else', async () => {
    const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
    const anonymous = await fetch(`${first.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ping),
    });
    expect(anonymous.status).toBe(401);

    const evil = await fetch(`${first.url}/mcp/sse`, {
      headers: { origin: 'http://evil.example' },
    });
    expect(evil.status).toBe(403);
    await expect(evil.json()).resolves.toMatchObject({
      error: { code: 'mcp_access_denied', type: 'permission_error' },
      request_id: expect.any(String),
    });

    const init = {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'c', version: '1' },
    };
    const request = { jsonrpc: '2.0', id: 1, method: 'initialize', params: init };
    const own = await post(`${first.url}/mcp`, request, { origin: first.url });
    expect(own.status).toBe(200);
    const listed = await post(`${first.url}/mcp`, request, { origin: 'https://app.example' });
    expect(listed.status).toBe(200);
  });
});

describe(McpGatewayEnabledMiddleware.name, () => {
  it('answers 404 mcp_gateway_disabled on every MCP route, before authentication', async () => {
    const replica = await boot(resolveMcpConfig({}), new FakeMcpOperations(), false);
    try {
      for (const path of [
        '/mcp',
        '/mcp/sse',
        '/llmrouter/mcp/servers',
        '/v1/llmrouter/mcp/server/health',
        '/v1/mcp/server',
      ]) {
        const res = await fetch(`${replica.url}${path}`);
        expect(res.status).toBe(404);
        await expect(res.json()).resolves.toEqual({
          error: {
            message: expect.stringContaining('MCP_GATEWAY_ENABLED'),
            type: 'not_found_error',
            code: 'mcp_gateway_disabled',
            param: null,
          },
          request_id: expect.stringMatching(/.+/),
        });
      }
    } finally {
      await close(replica);
    }
  });
});
