import type { GatewayRequest } from '@routeiq/common';
import type { McpServerRecord, VirtualKeyRecord } from '@routeiq/persistence';
import { attachResolvedKey } from '@routeiq/security';
import { McpServerDirectory, type McpToolEntry } from '../catalog/mcp-catalog.types';
import {
  McpOperations,
  type McpOperationOptions,
  type McpToolListOptions,
} from '../invocation/mcp-operations';
import type { McpConfig } from '../mcp.config';
import { McpErrorCode, McpException } from '../mcp.exception';
import { McpHostedToolProvider } from './mcp-hosted-tool.provider';

function entry(serverId: string, name: string, extra: Partial<McpToolEntry> = {}): McpToolEntry {
  return {
    serverId,
    name,
    qualifiedName: `${serverId}.${name}`,
    inputSchema: { type: 'object', properties: { q: { type: 'string' } } },
    ...extra,
  };
}

class FakeOperations extends McpOperations {
  tools: McpToolEntry[] = [
    entry('github', 'create_issue', { description: 'Opens an issue' }),
    entry('github', 'search', { title: 'Search code' }),
    entry('weather', 'forecast', { inputSchema: undefined as unknown as Record<string, unknown> }),
  ];
  readonly calls: Array<{ name: string; args: unknown; options: McpOperationOptions }> = [];
  readonly listings: Array<McpToolListOptions | undefined> = [];
  /** When set, every listing fails with it (as a strict listing of a failed server does). */
  listingFailure?: McpException;
  answer: () => Promise<Record<string, unknown>> = () =>
    Promise.resolve({ content: [{ type: 'text', text: 'done' }] });

  listTools(_req: GatewayRequest, options?: McpToolListOptions): Promise<McpToolEntry[]> {
    this.listings.push(options);
    if (this.listingFailure) return Promise.reject(this.listingFailure);
    const ids = options?.serverIds;
    return Promise.resolve(this.tools.filter((tool) => !ids || ids.includes(tool.serverId)));
  }
  listResources(): Promise<never[]> {
    return Promise.resolve([]);
  }
  listResourceTemplates(): Promise<never[]> {
    return Promise.resolve([]);
  }
  listPrompts(): Promise<never[]> {
    return Promise.resolve([]);
  }
  callTool(
    _req: GatewayRequest,
    name: string,
    args: unknown,
    options: McpOperationOptions,
  ): Promise<Record<string, unknown>> {
    this.calls.push({ name, args, options });
    return this.answer();
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

function server(serverId: string, fields: Partial<McpServerRecord> = {}): McpServerRecord {
  return { serverId, enabled: true, accessGroups: [], ...fields } as McpServerRecord;
}

class FakeDirectory extends McpServerDirectory {
  readonly servers = [server('github'), server('weather'), server('off', { enabled: false })];
  list(): readonly McpServerRecord[] {
    return this.servers;
  }
  get(serverId: string): McpServerRecord | undefined {
    return this.servers.find((s) => s.serverId === serverId);
  }
  onChange(): () => void {
    return () => undefined;
  }
}

const baseConfig = { enabled: true, toolInvocationEnabled: true, maxToolTurns: 3 };

function setup(config: Partial<McpConfig> = {}) {
  const operations = new FakeOperations();
  const provider = new McpHostedToolProvider(
    { ...baseConfig, ...config } as McpConfig,
    operations,
    new FakeDirectory(),
  );
  const req = { id: 'req-1', headers: {} } as GatewayRequest;
  return { operations, provider, req };
}

const signal = new AbortController().signal;

describe(McpHostedToolProvider.name, () => {
  it('resolves null when no tool is an MCP tool', async () => {
    const { provider, req } = setup({ enabled: false });
    await expect(
      provider.resolve(req, [{ type: 'function', function: { name: 'f' } }]),
    ).resolves.toBeNull();
  });

  it('expands a server_label into that server’s tools as function tools', async () => {
    const { provider, req } = setup();
    const toolset = await provider.resolve(req, [{ type: 'mcp', server_label: 'github' }]);
    expect(toolset?.definitions).toEqual([
      {
        type: 'function',
        function: {
          name: 'github__create_issue',
          description: 'Opens an issue',
          parameters: { type: 'object', properties: { q: { type: 'string' } } },
        },
      },
      {
        type: 'function',
        function: {
          name: 'github__search',
          description: 'Search code',
          parameters: { type: 'object', properties: { q: { type: 'string' } } },
        },
      },
    ]);
    expect(toolset?.executable).toBe(true);
    expect(toolset?.maxTurns).toBe(3);
    expect(toolset?.owns('github__search')).toBe(true);
    expect(toolset?.owns('weather__forecast')).toBe(false);
  });

  it('takes every server for litellm_proxy, and one server from a <gateway>/mcp/<id> URL', async () => {
    const { provider, req } = setup();
    const all = await provider.resolve(req, [
      { type: 'mcp', server_label: 'x', server_url: 'litellm_proxy' },
    ]);
    expect(all?.definitions.map((d) => d.function.name)).toEqual([
      'github__create_issue',
      'github__search',
      'weather__forecast',
    ]);
    expect(all?.definitions[2]?.function).toEqual({
      name: 'weather__forecast',
      parameters: { type: 'object', properties: {} },
    });
    const one = await provider.resolve(req, [
      { type: 'mcp', server_url: 'https://gw.example.com/mcp/weather/' },
    ]);
    expect(one?.definitions.map((d) => d.function.name)).toEqual(['weather__forecast']);
  });

  it('narrows to allowed_tools (upstream or qualified names, or OpenAI’s tool_names)', async () => {
    const { provider, req } = setup();
    const toolset = await provider.resolve(req, [
      { type: 'mcp', server_label: 'github', allowed_tools: ['search'] },
      { type: 'mcp', server_url: 'routeiq', allowed_tools: { tool_names: ['weather.forecast'] } },
    ]);
    expect(toolset?.definitions.map((d) => d.function.name)).toEqual([
      'github__search',
      'weather__forecast',
    ]);
  });

  it('lists strictly, only the named servers (every server when one entry asks for all)', async () => {
    const { provider, operations, req } = setup();
    await provider.resolve(req, [
      { type: 'mcp', server_label: 'github' },
      { type: 'mcp', server_url: 'https://gw.example.com/mcp/github' },
      { type: 'mcp', server_label: 'weather' },
    ]);
    await provider.resolve(req, [
      { type: 'mcp', server_label: 'github' },
      { type: 'mcp', server_url: 'litellm_proxy' },
    ]);
    expect(operations.listings).toEqual([
      { serverIds: ['github', 'weather'], strict: true },
      { serverIds: undefined, strict: true },
    ]);
  });

  it('fails with the 502 of a server whose listing failed instead of going on without tools', async () => {
    const { provider, operations, req } = setup();
    operations.listingFailure = McpException.listingFailed(
      'github',
      'the server is unreachable (ECONNREFUSED)',
    );
    await expect(
      provider.resolve(req, [{ type: 'mcp', server_label: 'github' }]),
    ).rejects.toMatchObject({
      status: 502,
      code: McpErrorCode.UpstreamError,
      message:
        'Could not list the tools of MCP server "github": the server is unreachable (ECONNREFUSED)',
    });
    expect(operations.calls).toEqual([]);
  });

  it('answers 400 naming allowed_tools that are no tool of the entry’s servers', async () => {
    const { provider, req } = setup();
    await expect(
      provider.resolve(req, [
        { type: 'mcp', server_label: 'github', allowed_tools: ['search', 'forecast', 'nope'] },
      ]),
    ).rejects.toMatchObject({
      status: 400,
      code: McpErrorCode.ToolNotFound,
      type: 'invalid_request_error',
      param: 'tools[0].allowed_tools',
      message:
        '"tools[0].allowed_tools" names unknown tools of MCP server "github": "forecast", "nope"',
    });
    await expect(
      provider.resolve(req, [
        { type: 'mcp', server_label: 'weather' },
        { type: 'mcp', server_url: 'routeiq', allowed_tools: ['weather.forecast', 'github.nope'] },
      ]),
    ).rejects.toMatchObject({
      status: 400,
      param: 'tools[1].allowed_tools',
      message: `"tools[1].allowed_tools" names unknown tools of the gateway's MCP servers: "github.nope"`,
    });
  });

  it('is not executable when invocation is off or an entry asks for approval', async () => {
    const off = setup({ toolInvocationEnabled: false });
    const a = await off.provider.resolve(off.req, [{ type: 'mcp', server_label: 'github' }]);
    expect(a?.executable).toBe(false);
    const on = setup();
    const b = await on.provider.resolve(on.req, [
      { type: 'mcp', server_label: 'github' },
      { type: 'mcp', server_label: 'weather', require_approval: 'always' },
    ]);
    expect(b?.executable).toBe(false);
  });

  it('refuses MCP tools with a 400 naming the entry when the gateway is disabled', async () => {
    const { provider, req } = setup({ enabled: false });
    const failure = provider.resolve(req, [
      { type: 'function' },
      { type: 'mcp', server_label: 'github' },
    ]);
    await expect(failure).rejects.toMatchObject({
      status: 400,
      code: 'mcp_gateway_disabled',
      type: 'invalid_request_error',
      param: 'tools[1]',
    });
  });

  it('answers 400 naming the field for unknown or disabled servers and bad entries', async () => {
    const { provider, req } = setup();
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ type: 'mcp', server_label: 'nope' }, 'mcp_server_not_found', 'tools[0].server_label'],
      [
        { type: 'mcp', server_url: 'http://h/mcp/nope' },
        'mcp_server_not_found',
        'tools[0].server_url',
      ],
      [{ type: 'mcp', server_label: 'off' }, 'mcp_server_disabled', 'tools[0].server_label'],
      [{ type: 'mcp' }, 'invalid_request', 'tools[0].server_label'],
      [
        { type: 'mcp', server_url: 'https://remote.example.com/sse' },
        'invalid_request',
        'tools[0].server_url',
      ],
      [
        { type: 'mcp', server_label: 'github', allowed_tools: [1] },
        'invalid_request',
        'tools[0].allowed_tools',
      ],
      [
        { type: 'mcp', server_label: 'github', require_approval: 'sometimes' },
        'invalid_request',
        'tools[0].require_approval',
      ],
    ];
    for (const [tool, code, param] of cases) {
      await expect(provider.resolve(req, [tool])).rejects.toMatchObject({
        status: 400,
        code,
        param,
      });
    }
  });

  it('answers 403 when the key may not use the named server', async () => {
    const { provider, req } = setup();
    req.principal = { kind: 'virtual', keyId: 'k1' };
    const key = {
      mcp: { servers: ['weather'], accessGroups: [], tools: {} },
    } as unknown as VirtualKeyRecord;
    attachResolvedKey(req, { key, team: null, keyId: 'k1', loadedAt: 0 });
    await expect(
      provider.resolve(req, [{ type: 'mcp', server_label: 'github' }]),
    ).rejects.toMatchObject({
      status: 403,
      code: 'mcp_access_denied',
    });
  });

  it('runs a call through McpOperations on the chat channel with the parsed arguments', async () => {
    const { provider, operations, req } = setup();
    const toolset = (await provider.resolve(req, [{ type: 'mcp', server_label: 'github' }]))!;
    await expect(toolset.execute('github__search', '{"q":"bug"}', signal)).resolves.toBe('done');
    await expect(toolset.execute('github__search', '', signal)).resolves.toBe('done');
    expect(operations.calls).toEqual([
      { name: 'github.search', args: { q: 'bug' }, options: { channel: 'chat', signal } },
      { name: 'github.search', args: {}, options: { channel: 'chat', signal } },
    ]);
  });
});
