import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, userHeaders, type ErrorEnvelope } from './support/http';
import { freePort, TEST_ADMIN_KEY, TEST_MASTER_KEY } from './support/gateway-harness';
import { spawnGateway, type GatewayProcess } from './support/gateway-process';
import { McpStubServer } from './support/mcp-stub.server';
import {
  createTestDatabase,
  TEST_REDIS_URL,
  uniqueRedisPrefix,
  type TestDatabase,
} from './support/services';

// Two real gateway processes sharing one Postgres and one Redis: an MCP server registered or
// removed on one is seen by the other, and one client session (Streamable HTTP or legacy SSE)
// is served by both without sticky load balancing. Postgres + Redis stack only.
const YAML = 'model_list:\n  - model_name: demo\n    litellm_params:\n      model: mock/demo\n';
/** How long a change on one replica may take to show on the other. */
const PROPAGATION_MS = 2000;

type Body = Record<string, unknown>;
type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** Polls `probe` until `done` holds or `limitMs` passed; returns the last value seen. */
async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  limitMs = PROPAGATION_MS,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A fetch sending each request to the origin `target()` names, whatever URL it was given. */
function fetchTo(target: (url: URL, init?: RequestInit) => string, seen: string[]): FetchLike {
  return (input, init) => {
    const url = new URL(String(input));
    const origin = target(url, init);
    seen.push(`${init?.method ?? 'GET'} ${origin}`);
    return fetch(`${origin}${url.pathname}${url.search}`, init);
  };
}

describe('MCP across two replicas sharing Postgres and Redis', () => {
  const alpha = new McpStubServer({ name: 'alpha' });
  const beta = new McpStubServer({ name: 'beta' });
  let dir: string;
  let database: TestDatabase;
  const replicas: Array<{ proc: GatewayProcess; url: string }> = [];
  const url = (i: number): string => replicas[i]!.url;

  const admin = (base: string, method: string, path: string, body?: Body) =>
    call<Body & ErrorEnvelope>(`${base}${path}`, {
      method,
      headers: { 'x-admin-api-key': TEST_ADMIN_KEY, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const user = (base: string, path: string, body?: Body) =>
    call<Body & ErrorEnvelope>(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: userHeaders(),
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const toolNames = async (base: string): Promise<string[]> => {
    const { body } = await user(base, '/llmrouter/mcp/tools');
    return ((body.tools as Array<{ name: string }> | undefined) ?? []).map((tool) => tool.name);
  };
  const register = async (base: string, serverId: string, stub: McpStubServer) => {
    const created = await admin(base, 'POST', '/llmrouter/mcp/servers', {
      server_id: serverId,
      url: stub.url,
      transport: 'streamable_http',
    });
    expect(created.status).toBe(201);
  };
  const listedOn = (base: string, tool: string) =>
    eventually(
      () => toolNames(base),
      (names) => names.includes(tool),
    );

  beforeAll(async () => {
    await Promise.all([alpha.start(), beta.start()]);
    dir = mkdtempSync(join(tmpdir(), 'routeiq-mcp-replicas-'));
    database = await createTestDatabase();
    const prefix = uniqueRedisPrefix();
    writeFileSync(join(dir, 'config.yaml'), YAML);
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const proc = spawnGateway(
        ['--config', join(dir, 'config.yaml'), '--port', String(port), '--host', '127.0.0.1'],
        {
          DATABASE_URL: database.url,
          REDIS_URL: TEST_REDIS_URL,
          REDIS_KEY_PREFIX: prefix,
          ROUTEIQ_DATA_DIR: join(dir, `data-${i}`),
          LITELLM_MASTER_KEY: TEST_MASTER_KEY,
          ADMIN_API_KEYS: TEST_ADMIN_KEY,
          MCP_GATEWAY_ENABLED: 'true',
          LLMROUTER_ENABLE_MCP_TOOL_INVOCATION: 'true',
          LLMROUTER_OUTBOUND_URL_ALLOWLIST: `${alpha.origin},${beta.origin}`,
          LITELLM_LOG: 'info',
          LITELLM_CONFIG_PATH: undefined,
          CONFIG_FILE_PATH: undefined,
        },
      );
      replicas.push({ proc, url: `http://127.0.0.1:${port}` });
      // One at a time: the second must find the migrations applied.
      await proc.waitFor(/listening on/);
    }
    // Every later test uses `alpha` through both replicas.
    await register(url(0), 'alpha', alpha);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.proc.stop()));
    await Promise.all([alpha.stop(), beta.stop()]);
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists and calls on one replica a server registered on the other', async () => {
    expect(await listedOn(url(1), 'alpha.add')).toContain('alpha.add');
    const server = await user(url(1), '/llmrouter/mcp/servers/alpha');
    expect(server.status).toBe(200);
    expect(server.body.url).toBe(alpha.url);

    const calls = alpha.received('tools/call').length;
    const res = await user(url(1), '/llmrouter/mcp/tools/call', {
      tool_name: 'alpha.add',
      arguments: { a: 2, b: 3 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      server_id: 'alpha',
      tool_name: 'alpha.add',
      result: { content: [{ type: 'text', text: '5' }], structuredContent: { sum: 5 } },
    });
    expect(alpha.received('tools/call').slice(calls)).toHaveLength(1);
  });

  it('forgets on one replica a server deleted on the other', async () => {
    await register(url(0), 'beta', beta);
    expect(await listedOn(url(1), 'beta.echo')).toContain('beta.echo');
    // Replica A has discovered beta's tools too: the deletion must drop its cache.
    expect(await toolNames(url(0))).toContain('beta.echo');

    const deleted = await admin(url(1), 'DELETE', '/llmrouter/mcp/servers/beta');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ deleted: true, server_id: 'beta' });
    const gone = await eventually(
      () => user(url(0), '/llmrouter/mcp/servers/beta'),
      (res) => res.status === 404,
    );
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('mcp_server_not_found');
    const names = await toolNames(url(0));
    expect(names).toContain('alpha.add');
    expect(names.filter((name) => name.startsWith('beta.'))).toEqual([]);
    const call = await user(url(0), '/llmrouter/mcp/tools/call', {
      tool_name: 'beta.echo',
      arguments: { text: 'hi' },
    });
    expect(call.status).toBe(404);
    expect(call.body.error.code).toBe('mcp_tool_not_found');
  });

  it('serves one Streamable HTTP session alternately from both replicas', async () => {
    await listedOn(url(1), 'alpha.add');
    let target = url(0);
    const seen: string[] = [];
    const transport = new StreamableHTTPClientTransport(new URL(`${url(0)}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } },
      fetch: fetchTo(() => target, seen),
    });
    const client = new Client({ name: 'replicas-e2e', version: '1.0.0' });
    try {
      await client.connect(transport); // initialize on A
      const sessionId = transport.sessionId;
      expect(sessionId).toEqual(expect.any(String));
      expect(seen[0]).toBe(`POST ${url(0)}`);

      target = url(1);
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['alpha.add']));

      const calls = alpha.received('tools/call').length;
      target = url(0);
      const onA = await client.callTool({ name: 'alpha.add', arguments: { a: 1, b: 2 } });
      expect(onA.structuredContent).toEqual({ sum: 3 });
      target = url(1);
      const onB = await client.callTool({ name: 'alpha.add', arguments: { a: 4, b: 5 } });
      expect(onB.structuredContent).toEqual({ sum: 9 });
      expect(alpha.received('tools/call').slice(calls)).toHaveLength(2);
      expect(transport.sessionId).toBe(sessionId);
      expect(seen.filter((entry) => entry === `POST ${url(1)}`)).toHaveLength(2);

      target = url(0);
      await transport.terminateSession();
      expect(seen.at(-1)).toBe(`DELETE ${url(0)}`);
      const after = await fetch(`${url(1)}/mcp`, {
        method: 'POST',
        headers: {
          ...userHeaders(),
          accept: 'application/json, text/event-stream',
          'mcp-session-id': sessionId!,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }),
      });
      expect(after.status).toBe(404);
      expect(await after.json()).toMatchObject({ id: 7, error: { code: -32001 } });
    } finally {
      await client.close();
    }
  });

  it('answers on the SSE stream held by one replica a message posted to the other', async () => {
    await listedOn(url(1), 'alpha.add');
    const seen: string[] = [];
    // The stream (GET) stays on A; every message (POST) goes to B.
    const route = (_: URL, init?: RequestInit): string =>
      init?.method === 'POST' ? url(1) : url(0);
    const transport = new SSEClientTransport(new URL(`${url(0)}/mcp/sse`), {
      requestInit: { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } },
      fetch: fetchTo(route, seen),
    });
    const client = new Client({ name: 'replicas-sse-e2e', version: '1.0.0' });
    try {
      await client.connect(transport);
      expect(client.getServerVersion()).toBeDefined();
      const calls = alpha.received('tools/call').length;
      const result = await client.callTool({ name: 'alpha.add', arguments: { a: 20, b: 22 } });
      expect(result.content).toEqual([{ type: 'text', text: '42' }]);
      expect(alpha.received('tools/call').slice(calls)).toHaveLength(1);
      expect(seen.filter((entry) => entry.startsWith('GET '))).toEqual([`GET ${url(0)}`]);
      const posts = seen.filter((entry) => entry.startsWith('POST '));
      // initialize, notifications/initialized, tools/call
      expect(posts.length).toBeGreaterThanOrEqual(3);
      expect(new Set(posts)).toEqual(new Set([`POST ${url(1)}`]));
    } finally {
      await client.close();
    }
  });
});
