import { TEST_ADMIN_KEY } from './support/gateway-harness';
import { freePort, TEST_MASTER_KEY, type TestGateway } from './support/gateway-harness';
import { awayFromMinuteEdge, exact, scrape } from './fixtures/metrics.fixtures';
import {
  calcServer,
  expectError,
  mcpClient,
  startMcpGateway,
  startPlainGateway,
  startStubs,
  toolsOf,
  wikiServer,
  WIKI_TOKEN,
  type Body,
  type McpClient,
  type McpStubs,
} from './fixtures/mcp-rest.fixtures';
import { pollAudit } from './fixtures/policy-audit.fixtures';

// The MCP gateway's guards: the MCP_GATEWAY_ENABLED switch, the tool invocation gate, the SSRF
// guard at registration, the mcp.server.write permission, per-key/team tool access and quotas.

async function registerBoth(mcp: McpClient, stubs: McpStubs): Promise<void> {
  for (const body of [wikiServer(stubs), calcServer(stubs)]) {
    const res = await mcp.admin('POST', '/llmrouter/mcp/servers', body);
    if (res.status !== 201) throw new Error(`register: ${JSON.stringify(res.body)}`);
  }
}

describe('MCP gateway switched off (MCP_GATEWAY_ENABLED unset)', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startPlainGateway();
  });
  afterAll(() => gw?.close());

  it('answers 404 mcp_gateway_disabled on every MCP route family, with or without a key', async () => {
    const mcp = mcpClient(gw);
    const routes: Array<['GET' | 'POST' | 'DELETE', string]> = [
      ['POST', '/mcp'],
      ['GET', '/mcp/sse'],
      ['POST', '/mcp/messages?sessionId=abc'],
      ['GET', '/llmrouter/mcp/servers'],
      ['POST', '/llmrouter/mcp/servers'],
      ['GET', '/llmrouter/mcp/tools'],
      ['POST', '/llmrouter/mcp/tools/call'],
      ['GET', '/v1/llmrouter/mcp/server/health'],
      ['GET', '/v1/llmrouter/mcp/registry.json'],
      ['GET', '/v1/mcp/server'],
      ['DELETE', '/v1/mcp/server/wiki'],
      ['GET', '/v1/mcp/tools'],
      ['GET', '/mcp-rest/tools/list'],
      ['POST', '/mcp-rest/tools/call'],
    ];
    for (const [method, path] of routes) {
      for (const send of [mcp.anonymous, mcp.as(), mcp.admin]) {
        const res = await send(method, path, method === 'GET' ? undefined : {});
        expect({
          route: `${method} ${path}`,
          status: res.status,
          code: res.body.error?.code,
        }).toEqual({
          route: `${method} ${path}`,
          status: 404,
          code: 'mcp_gateway_disabled',
        });
        expectError(res, 404, 'mcp_gateway_disabled');
      }
    }
    expect((await mcp.as()('GET', '/v1/models')).status).toBe(200);
  });
});

describe('MCP gateway with tool invocation off: gate, SSRF guard and write permission', () => {
  let stubs: McpStubs;
  let gw: TestGateway;
  let mcp: McpClient;

  beforeAll(async () => {
    stubs = await startStubs();
    gw = await startMcpGateway(stubs, { LLMROUTER_ENABLE_MCP_TOOL_INVOCATION: undefined });
    mcp = mcpClient(gw);
    await registerBoth(mcp, stubs);
  });
  afterAll(async () => {
    await gw?.close();
    await stubs?.close();
  });

  it('answers 501 tool_invocation_disabled to every caller, before any lookup, while listing works', async () => {
    const user = await mcp.generate();
    const calls: Array<[string, Body]> = [
      ['/llmrouter/mcp/tools/call', { tool_name: 'wiki.add', arguments: { a: 1, b: 2 } }],
      ['/llmrouter/mcp/tools/call', { tool_name: 'ghost.nothing', arguments: 'invalid' }],
      ['/llmrouter/mcp/tools/call', {}],
      ['/mcp-rest/tools/call', { name: 'add', server_name: 'calc', arguments: { a: 1, b: 2 } }],
    ];
    for (const key of [TEST_MASTER_KEY, user]) {
      for (const [path, body] of calls)
        expectError(await mcp.as(key)('POST', path, body), 501, 'tool_invocation_disabled');
    }
    expect([...stubs.wiki.received('tools/call'), ...stubs.calc.received('tools/call')]).toEqual(
      [],
    );
    expect(await mcp.toolNames(user)).toEqual([...toolsOf('calc'), ...toolsOf('wiki')]);
  });

  it('refuses URLs outside the allowlist with ssrf_blocked and stores nothing', async () => {
    const urls = [
      `http://127.0.0.1:${await freePort()}/mcp`,
      'http://169.254.169.254/latest/meta-data/iam',
      'http://localhost/mcp',
      'http://10.1.2.3/mcp',
      'http://[::1]:8080/mcp',
    ];
    for (const [i, url] of urls.entries()) {
      const body = { server_id: `blocked-${i}`, url, transport: i % 2 ? 'sse' : 'streamable_http' };
      for (const path of ['/llmrouter/mcp/servers', '/v1/mcp/server']) {
        const res = await mcp.admin('POST', path, body);
        expectError(res, 400, 'ssrf_blocked');
        expect(res.body.error.message).not.toContain('/latest/meta-data');
      }
    }
    const moved = await mcp.admin('PUT', '/llmrouter/mcp/servers/wiki', {
      url: 'http://169.254.169.254/',
    });
    expectError(moved, 400, 'ssrf_blocked');
    const list = await mcp.as()('GET', '/llmrouter/mcp/servers');
    expect((list.body.servers as Body[]).map((s) => [s.server_id, s.url])).toEqual([
      ['calc', stubs.calc.sseUrl],
      ['wiki', stubs.wiki.url],
    ]);
    const rows = await pollAudit(
      gw,
      'action=mcp.server.add&outcome=failure',
      (found) => found.length >= 10,
    );
    expect(rows.map((r) => [r.resource_id, r.reason]).sort()).toEqual(
      urls.flatMap((_, i) => [
        [`blocked-${i}`, 'ssrf_blocked'],
        [`blocked-${i}`, 'ssrf_blocked'],
      ]),
    );
  });

  it('lets only admin keys and keys holding mcp.server.write register, change and remove servers', async () => {
    const plain = await mcp.generate({ key_alias: 'plain' });
    const writer = await mcp.generate({ key_alias: 'writer', permissions: ['mcp.server.write'] });
    const notes = {
      server_id: 'notes',
      url: stubs.wiki.url,
      credentials: { auth_value: WIKI_TOKEN },
    };
    const writes: Array<['POST' | 'PUT' | 'DELETE', string, Body | undefined]> = [
      ['POST', '/llmrouter/mcp/servers', notes],
      ['PUT', '/llmrouter/mcp/servers/wiki', { description: 'x' }],
      ['DELETE', '/llmrouter/mcp/servers/wiki', undefined],
      ['POST', '/v1/mcp/server', notes],
      ['PUT', '/v1/mcp/server', { server_id: 'wiki', description: 'x' }],
      ['DELETE', '/v1/mcp/server/wiki', undefined],
    ];
    for (const [method, path, body] of writes) {
      const denied = await mcp.as(plain)(method, path, body);
      expectError(denied, 403, 'permission_denied');
      expectError(await mcp.anonymous(method, path, body), 401, 'missing_admin_key');
    }
    const created = await mcp.as(writer)('POST', '/llmrouter/mcp/servers', notes);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      server_id: 'notes',
      url: stubs.wiki.url,
      created_by: expect.stringMatching(/^vk-[0-9a-f]+$/),
    });
    // A manager sees how the gateway reaches a server; a plain user only its origin.
    expect((await mcp.as(writer)('GET', '/llmrouter/mcp/servers/notes')).body.url).toBe(
      stubs.wiki.url,
    );
    expect((await mcp.as(plain)('GET', '/llmrouter/mcp/servers/notes')).body.url).toBe(
      stubs.wiki.origin,
    );
    expect(
      (await mcp.as(writer)('PUT', '/llmrouter/mcp/servers/notes', { description: 'n' })).status,
    ).toBe(200);
    expect((await mcp.as(writer)('DELETE', '/llmrouter/mcp/servers/notes')).status).toBe(200);

    // The admin key reads what it writes: the full view, every route family, unfiltered.
    const adminView = await mcp.admin('GET', '/llmrouter/mcp/servers/wiki');
    expect(adminView.status).toBe(200);
    expect(adminView.body.url).toBe(stubs.wiki.url);
    expect(JSON.stringify(adminView.body)).not.toContain(WIKI_TOKEN);
    for (const path of [
      '/llmrouter/mcp/tools',
      '/v1/mcp/server',
      '/v1/llmrouter/mcp/access_groups',
    ]) {
      expect((await mcp.admin('GET', path)).status).toBe(200);
    }
    const bearerAdmin = await fetch(`${gw.url}/llmrouter/mcp/servers`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    });
    expect(bearerAdmin.status).toBe(200);
    expect((await mcp.as()('GET', '/llmrouter/mcp/servers/wiki')).body.description).toBeNull();

    const rows = await pollAudit(gw, 'resource_type=mcp_server&limit=500', (found) =>
      found.some((r) => r.action === 'mcp.server.delete' && r.resource_id === 'notes'),
    );
    const byWriter = rows.filter((r) => r.resource_id === 'notes' && r.outcome === 'success');
    expect(byWriter.map((r) => [r.action, r.actor_type]).sort()).toEqual([
      ['mcp.server.add', 'virtual'],
      ['mcp.server.delete', 'virtual'],
      ['mcp.server.update', 'virtual'],
    ]);
  });
});

describe('MCP tool access per key and team, and quotas (invocation on)', () => {
  let stubs: McpStubs;
  let gw: TestGateway;
  let mcp: McpClient;
  const keys: Record<'byServer' | 'byGroup' | 'byTool' | 'teamMember' | 'none', string> = {
    byServer: '',
    byGroup: '',
    byTool: '',
    teamMember: '',
    none: '',
  };

  beforeAll(async () => {
    stubs = await startStubs();
    gw = await startMcpGateway(stubs, { LLMROUTER_ENABLE_MCP_TOOL_INVOCATION: 'true' });
    mcp = mcpClient(gw);
    await registerBoth(mcp, stubs);
    const team = { team_id: 'team-docs', object_permission: { mcp_access_groups: ['docs'] } };
    expect((await mcp.admin('POST', '/team/new', team)).status).toBe(200);
    const grant = (object_permission: Body, extra: Body = {}) =>
      mcp.generate({ object_permission, ...extra });
    keys.byServer = await grant({ mcp_servers: ['wiki'] });
    keys.byGroup = await grant({ mcp_access_groups: ['math'] });
    keys.byTool = await grant({ mcp_tool_permissions: { wiki: ['add', 'ec*'] } });
    keys.teamMember = await grant({ mcp_servers: ['wiki', 'calc'] }, { team_id: 'team-docs' });
    keys.none = await grant({ mcp_servers: ['wiki'], mcp_tool_permissions: { wiki: [] } });
  });
  afterAll(async () => {
    await gw?.close();
    await stubs?.close();
  });

  it('lists only the servers and tools each key (and its team) may use', async () => {
    expect(await mcp.toolNames(TEST_MASTER_KEY)).toEqual([...toolsOf('calc'), ...toolsOf('wiki')]);
    expect(await mcp.toolNames(keys.byServer)).toEqual(toolsOf('wiki'));
    expect(await mcp.toolNames(keys.byGroup)).toEqual(toolsOf('calc'));
    expect(await mcp.toolNames(keys.byTool)).toEqual([
      ...toolsOf('calc'),
      ...toolsOf('wiki', ['add', 'echo']),
    ]);
    expect(await mcp.toolNames(keys.teamMember)).toEqual(toolsOf('wiki'));
    expect(await mcp.toolNames(keys.none)).toEqual([]);

    const as = mcp.as(keys.byServer);
    const servers = await as('GET', '/llmrouter/mcp/servers');
    expect((servers.body.servers as Body[]).map((s) => s.server_id)).toEqual(['wiki']);
    expectError(await as('GET', '/llmrouter/mcp/servers/calc'), 404, 'mcp_server_not_found');
    expectError(await as('GET', '/llmrouter/mcp/tools/calc.add'), 404, 'mcp_tool_not_found');
    const litellm = await as('GET', '/v1/mcp/tools');
    expect((litellm.body.tools as Body[]).map((t) => t.name).sort()).toEqual(toolsOf('wiki'));
    const health = await as('GET', '/v1/llmrouter/mcp/server/health');
    expect((health.body.servers as Body[]).map((s) => s.server_id)).toEqual(['wiki']);
    const groups = await mcp.as(keys.byGroup)('GET', '/v1/llmrouter/mcp/access_groups');
    expect(groups.body).toEqual({ access_groups: [{ name: 'math', servers: ['calc'] }] });
    const registry = await mcp.as(keys.teamMember)('GET', '/v1/llmrouter/mcp/registry.json');
    expect(registry.body.servers).toEqual([
      {
        name: 'wiki',
        title: 'Wiki',
        description: null,
        tool_prefix: 'wiki.',
        access_groups: ['docs'],
        remotes: [{ type: 'streamable-http', url: `${gw.url}/mcp` }],
      },
    ]);
  });

  it('answers 403 mcp_access_denied for a forbidden tool, never reaching the upstream, and audits it', async () => {
    const denied: Array<[keyof typeof keys, string]> = [
      ['byServer', 'calc.add'],
      ['byGroup', 'wiki.add'],
      ['byTool', 'wiki.slow'],
      ['teamMember', 'calc.add'],
      ['none', 'wiki.add'],
    ];
    for (const [key, tool] of denied) {
      expectError(await mcp.callTool(tool, { a: 1, b: 2 }, keys[key]), 403, 'mcp_access_denied');
    }
    const compat = await mcp.as(keys.byServer)('POST', '/mcp-rest/tools/call', {
      name: 'calc.add',
      arguments: { a: 1, b: 2 },
    });
    expectError(compat, 403, 'mcp_access_denied');
    expect([...stubs.wiki.received('tools/call'), ...stubs.calc.received('tools/call')]).toEqual(
      [],
    );

    expect((await mcp.callTool('wiki.add', { a: 1, b: 2 }, keys.byServer)).status).toBe(200);
    expect((await mcp.callTool('wiki.echo', { text: 'hi' }, keys.teamMember)).status).toBe(200);
    expect((await mcp.callTool('calc.add', { a: 1, b: 2 }, keys.byTool)).status).toBe(200);
    expect(stubs.wiki.received('tools/call').map((m) => m.params?.name)).toEqual(['add', 'echo']);

    const rows = await pollAudit(
      gw,
      'action=mcp.tool.call&outcome=denied',
      (found) => found.length >= 6,
    );
    expect(rows.map((r) => [r.resource_id, r.reason, r.actor_type]).sort()).toEqual(
      [...denied.map(([, tool]) => tool), 'calc.add']
        .sort()
        .map((tool) => [tool, 'mcp_access_denied', 'virtual']),
    );
    const families = await scrape(gw);
    const denials = (server: string) =>
      exact(families, 'routeiq_mcp_calls_total', {
        server,
        method: 'tools/call',
        status: 'denied',
      });
    expect([denials('calc'), denials('wiki')]).toEqual([3, 3]);
  });

  it('counts a tool call against the key’s rpm_limit: the second call in a minute is 429', async () => {
    const limited = await mcp.generate({ rpm_limit: 1 });
    await awayFromMinuteEdge();
    const before = stubs.calc.received('tools/call').length;
    expect((await mcp.callTool('calc.add', { a: 1, b: 1 }, limited)).status).toBe(200);
    const refused = await mcp.callTool('calc.add', { a: 1, b: 1 }, limited);
    expectError(refused, 429, 'quota_exceeded');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(stubs.calc.received('tools/call')).toHaveLength(before + 1);
    expect((await mcp.callTool('calc.add', { a: 1, b: 1 })).status).toBe(200);
  });
});
