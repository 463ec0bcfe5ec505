import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  GatewayExceptionFilter,
  RequestLimits,
  ROUTE_ACCESS_METADATA,
  RouteAccess,
  type GatewayRequest,
} from '@routeiq/common';
import type { McpResourceEntry, McpToolEntry } from '../catalog/mcp-catalog.types';
import { McpOperations, type McpOperationOptions } from '../invocation/mcp-operations';
import { McpConfig } from '../mcp.config';
import { McpException } from '../mcp.exception';
import { MCP_TOOLS_CONTROLLERS } from './mcp-tools.index';
import { McpToolsController } from './mcp-tools.controller';

function tool(serverId: string, name: string): McpToolEntry {
  return {
    serverId,
    name,
    qualifiedName: `${serverId}.${name}`,
    description: `${name} tool`,
    inputSchema: { type: 'object' },
  };
}

interface Call {
  readonly name: string;
  readonly args: unknown;
  readonly options: McpOperationOptions;
}

/** Plays the caller-facing operations: a fixed tool list and scripted call answers. */
class FakeOperations extends McpOperations {
  tools = [tool('weather', 'forecast'), tool('github', 'create_issue')];
  resources: McpResourceEntry[] = [
    { serverId: 'github', uri: 'repo://readme', name: 'readme', qualifiedName: 'github.readme' },
  ];
  readonly calls: Call[] = [];
  answer: (call: Call) => Promise<Record<string, unknown>> = () =>
    Promise.resolve({ content: [{ type: 'text', text: 'sunny' }] });

  listTools(): Promise<McpToolEntry[]> {
    return Promise.resolve(this.tools);
  }
  listResources(): Promise<McpResourceEntry[]> {
    return Promise.resolve(this.resources);
  }
  listResourceTemplates(): Promise<never[]> {
    return Promise.resolve([]);
  }
  listPrompts(): Promise<never[]> {
    return Promise.resolve([]);
  }
  callTool(_req: GatewayRequest, name: string, args: unknown, options: McpOperationOptions) {
    const call = { name, args, options };
    this.calls.push(call);
    return this.answer(call);
  }
  readResource(): Promise<Record<string, unknown>> {
    return Promise.resolve({});
  }
  getPrompt(): Promise<Record<string, unknown>> {
    return Promise.resolve({});
  }
  complete(): Promise<Record<string, unknown>> {
    return Promise.resolve({});
  }
}

describe(McpToolsController.name, () => {
  const operations = new FakeOperations();
  const config = { toolInvocationEnabled: true } as McpConfig;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: MCP_TOOLS_CONTROLLERS,
      providers: [
        { provide: McpOperations, useValue: operations },
        { provide: McpConfig, useValue: config },
        { provide: RequestLimits, useValue: { maxBodyBytes: 1_000_000 } },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false, bodyParser: false });
    app.useGlobalFilters(new GatewayExceptionFilter());
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(() => app.close());

  beforeEach(() => {
    operations.calls.length = 0;
    config.toolInvocationEnabled = true;
  });

  const get = (path: string) => fetch(`${base}${path}`);
  const post = (path: string, body: unknown, signal?: AbortSignal) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: signal ?? null,
    });

  it('takes a user key or an admin key', () => {
    for (const controller of MCP_TOOLS_CONTROLLERS) {
      expect(Reflect.getMetadata(ROUTE_ACCESS_METADATA, controller)).toBe(RouteAccess.UserOrAdmin);
    }
  });

  it('lists the caller’s tools and resources in the gateway and LiteLLM shapes', async () => {
    for (const path of ['/llmrouter/mcp/tools', '/llmrouter/mcp/tools/list']) {
      const listed = (await get(path).then((res) => res.json())) as {
        tools: Array<{ name: string }>;
        total_count: number;
      };
      expect(listed.tools.map((entry) => entry.name)).toEqual([
        'weather.forecast',
        'github.create_issue',
      ]);
      expect(listed.total_count).toBe(2);
    }
    const body = (await get('/llmrouter/mcp/tools').then((res) => res.json())) as {
      tools: unknown[];
    };
    expect(body.tools[0]).toEqual({
      name: 'weather.forecast',
      server_id: 'weather',
      tool_name: 'forecast',
      description: 'forecast tool',
      input_schema: { type: 'object' },
    });
    await expect(get('/llmrouter/mcp/resources').then((res) => res.json())).resolves.toEqual({
      resources: [{ uri: 'repo://readme', name: 'readme', server_id: 'github' }],
      total_count: 1,
    });
    const litellm = { name: 'weather.forecast', description: 'forecast tool' };
    const v1 = (await get('/v1/mcp/tools').then((res) => res.json())) as { tools: unknown[] };
    expect(v1.tools[0]).toEqual({
      ...litellm,
      inputSchema: { type: 'object' },
      mcp_info: { server_name: 'weather', server_id: 'weather' },
    });
    const rest = (await get('/mcp-rest/tools/list?server_id=github').then((res) => res.json())) as {
      tools: Array<{ name: string }>;
      error: unknown;
    };
    expect(rest.tools.map((entry) => entry.name)).toEqual(['github.create_issue']);
    expect(rest.error).toBeNull();
  });

  it('shows one visible tool and answers 404 for any other', async () => {
    const res = await get('/llmrouter/mcp/tools/github.create_issue');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { server_id: string }).server_id).toBe('github');
    const missing = await get('/llmrouter/mcp/tools/github.delete_repo');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'mcp_tool_not_found' } });
  });

  it('calls a tool and wraps the result, isError results included', async () => {
    const failed = { content: [{ type: 'text', text: 'no such city' }], isError: true };
    operations.answer = () => Promise.resolve(failed);
    const res = await post('/llmrouter/mcp/tools/call', {
      tool_name: 'weather.forecast',
      arguments: { city: 'Oslo' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      result: failed,
      server_id: 'weather',
      tool_name: 'weather.forecast',
    });
    expect(operations.calls[0]).toMatchObject({
      name: 'weather.forecast',
      args: { city: 'Oslo' },
      options: { channel: 'rest' },
    });
  });

  it('answers LiteLLM’s /mcp-rest/tools/call with the CallToolResult, server_name prefixed', async () => {
    operations.answer = () => Promise.resolve({ content: [] });
    const res = await post('/mcp-rest/tools/call', {
      name: 'forecast',
      server_name: 'weather',
      arguments: {},
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ content: [] });
    expect(operations.calls[0]?.name).toBe('weather.forecast');
  });

  it('answers 501 while invocation is disabled, whatever the body', async () => {
    config.toolInvocationEnabled = false;
    for (const [path, body] of [
      ['/llmrouter/mcp/tools/call', { tool_name: 'weather.forecast' }],
      ['/llmrouter/mcp/tools/call', {}],
      ['/mcp-rest/tools/call', { name: 'weather.forecast' }],
    ] as const) {
      const res = await post(path, body);
      expect(res.status).toBe(501);
      expect(await res.json()).toMatchObject({ error: { code: 'tool_invocation_disabled' } });
    }
    expect(operations.calls).toEqual([]);
  });

  it('answers 400 without a tool name and passes operation errors through', async () => {
    const res = await post('/llmrouter/mcp/tools/call', { arguments: {} });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { param: 'tool_name' } });

    operations.answer = () => Promise.reject(McpException.upstreamError('weather', 'reset'));
    const failed = await post('/llmrouter/mcp/tools/call', { name: 'weather.forecast' });
    expect(failed.status).toBe(502);
    expect(await failed.json()).toMatchObject({ error: { code: 'mcp_upstream_error' } });
  });

  it('aborts the operation when the client goes away', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    operations.answer = ({ options }) =>
      new Promise((_resolve, reject) => {
        options.signal?.addEventListener('abort', () => reject(new Error('aborted')));
        started();
      });
    const client = new AbortController();
    const request = post('/llmrouter/mcp/tools/call', { name: 'weather.forecast' }, client.signal);
    await running;
    client.abort();
    await expect(request).rejects.toThrow();
    const { signal } = operations.calls[0]!.options;
    await new Promise<void>((resolve) =>
      signal?.aborted ? resolve() : signal?.addEventListener('abort', () => resolve()),
    );
    expect(signal?.aborted).toBe(true);
  });
});
