import { DataSource } from 'typeorm';
import type { TestGateway } from './support/gateway-harness';
import { exact, samples, scrape } from './fixtures/metrics.fixtures';
import {
  calcServer,
  CALC_HEADER,
  CALC_KEY,
  expectError,
  expectNoSecrets,
  mcpClient,
  startMcpGateway,
  startStubs,
  toolsOf,
  wikiServer,
  WIKI_TOKEN,
  type Body,
  type McpClient,
  type McpStubs,
} from './fixtures/mcp-rest.fixtures';
import { pollAudit } from './fixtures/policy-audit.fixtures';

// The MCP gateway's REST side against two real MCP servers (official SDK): registration and the
// LiteLLM-parity routes, discovery, tool calls through the gate and checks, an upstream that
// dies mid-call, health probes, metrics and audit records. One gateway, invocation enabled.

type Health = { server_id: string; status: string; error: string | null };

describe('MCP gateway REST API', () => {
  let stubs: McpStubs;
  let gw: TestGateway;
  let mcp: McpClient;
  const servers = (): Promise<string[]> =>
    mcp
      .as()('GET', '/llmrouter/mcp/servers')
      .then((res) => (res.body.servers as Body[]).map((s) => s.server_id as string));

  beforeAll(async () => {
    stubs = await startStubs();
    gw = await startMcpGateway(stubs, { LLMROUTER_ENABLE_MCP_TOOL_INVOCATION: 'true' });
    mcp = mcpClient(gw);
  });
  afterAll(async () => {
    await gw?.close();
    await stubs?.close();
  });

  it('registers a streamable_http server (bearer) and an sse server (api key) without showing a secret', async () => {
    const wiki = await mcp.admin('POST', '/llmrouter/mcp/servers', wikiServer(stubs));
    expect(wiki.status).toBe(201);
    expect(wiki.body).toMatchObject({
      server_id: 'wiki',
      server_name: 'Wiki',
      alias: 'Wiki',
      url: stubs.wiki.url,
      transport: 'streamable_http',
      auth_type: 'bearer_token',
      api_key_header: null,
      has_credentials: true,
      static_headers: {},
      mcp_access_groups: ['docs'],
      allowed_tools: [],
      enabled: true,
      created_by: expect.stringMatching(/^key-/),
    });
    const calc = await mcp.admin('POST', '/v1/mcp/server', calcServer(stubs));
    expect(calc.status).toBe(201);
    expect(calc.body).toMatchObject({
      server_id: 'calc',
      url: stubs.calc.sseUrl,
      transport: 'sse',
      auth_type: 'api_key',
      api_key_header: CALC_HEADER,
      has_credentials: true,
    });
    const views = await Promise.all([
      // Reads take a user key (the master key sees every server); the admin key only writes.
      mcp.as()('GET', '/llmrouter/mcp/servers'),
      mcp.as()('GET', '/llmrouter/mcp/servers/wiki'),
      mcp.as()('GET', '/v1/mcp/server'),
      mcp.as()('GET', '/v1/mcp/server/calc'),
    ]);
    expect(views.map((res) => res.status)).toEqual([200, 200, 200, 200]);
    for (const res of [wiki, calc, ...views]) expectNoSecrets(res.body);
    expect(views[0]?.body.total_count).toBe(2);
    expect((views[2]?.body as unknown as Body[]).map((s) => s.server_id)).toEqual(['calc', 'wiki']);
  });

  it('refuses a duplicate id (409 here, 400 on the LiteLLM route) and names every bad field', async () => {
    const seed = await mcp.admin('POST', '/llmrouter/mcp/servers', wikiServer(stubs));
    expectError(seed, 409, 'mcp_server_exists');
    expect(seed.body.error.param).toBe('server_id');
    expectError(
      await mcp.admin('POST', '/v1/mcp/server', calcServer(stubs)),
      400,
      'mcp_server_exists',
    );

    const bad = await mcp.admin('POST', '/llmrouter/mcp/servers', {
      server_id: 'Bad.Id',
      transport: 'carrier-pigeon',
      url: 'ftp://files.example.com/mcp',
      auth_type: 'magic',
      timeout: -1,
      static_headers: { Host: 'evil.example.com' },
    });
    expectError(bad, 400, 'invalid_mcp_server');
    expect(bad.body.error.param).toBe('server_id');
    for (const field of [
      'server_id:',
      'transport:',
      'url:',
      'auth_type:',
      'timeout:',
      'static_headers.Host:',
    ]) {
      expect(bad.body.error.message).toContain(field);
    }
    expect(await servers()).toEqual(['calc', 'wiki']);
  });

  it('keeps the registered credentials sealed in the database', async () => {
    const rows = await gw.gateway.app
      .get(DataSource)
      .query<Array<{ server_id: string; auth_value: string }>>(
        `SELECT server_id, auth_value FROM mcp_servers ORDER BY server_id`,
      );
    expect(rows.map((row) => row.server_id)).toEqual(['calc', 'wiki']);
    for (const row of rows) expect(row.auth_value).toMatch(/^enc:v1:/);
    const text = JSON.stringify(rows);
    for (const secret of [WIKI_TOKEN, CALC_KEY]) expect(text).not.toContain(secret);
  });

  it('updates and deletes on both route families with their status codes', async () => {
    const created = await mcp.admin('POST', '/llmrouter/mcp/servers', {
      server_name: 'Scratch Pad',
      url: stubs.wiki.url,
      credentials: { auth_value: WIKI_TOKEN },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ server_id: 'scratch-pad', auth_type: 'bearer_token' });
    const put = await mcp.admin('PUT', '/llmrouter/mcp/servers/scratch-pad', {
      description: 'notes',
      static_headers: { 'X-Team': 'blue-team-header-value' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      description: 'notes',
      static_headers: { 'X-Team': '********' },
    });
    expect(JSON.stringify(put.body)).not.toContain('blue-team-header-value');
    const litellmPut = await mcp.admin('PUT', '/v1/mcp/server', {
      server_id: 'scratch-pad',
      enabled: false,
    });
    expect(litellmPut.status).toBe(202);
    expect(litellmPut.body).toMatchObject({
      server_id: 'scratch-pad',
      enabled: false,
      description: 'notes',
    });
    expectError(
      await mcp.admin('PUT', '/v1/mcp/server', { enabled: true }),
      400,
      'invalid_mcp_server',
    );
    expectError(
      await mcp.admin('PUT', '/llmrouter/mcp/servers/nope', {}),
      404,
      'mcp_server_not_found',
    );

    const removed = await mcp.admin('DELETE', '/v1/mcp/server/scratch-pad');
    expect({ status: removed.status, body: removed.body }).toEqual({ status: 202, body: '' });
    expectError(
      await mcp.as()('GET', '/llmrouter/mcp/servers/scratch-pad'),
      404,
      'mcp_server_not_found',
    );
    expectError(
      await mcp.admin('DELETE', '/v1/mcp/server/scratch-pad'),
      404,
      'mcp_server_not_found',
    );

    const again = await mcp.admin('POST', '/v1/mcp/server', {
      server_id: 'scratch',
      url: stubs.wiki.url,
    });
    expect(again.status).toBe(201);
    const seedDelete = await mcp.admin('DELETE', '/llmrouter/mcp/servers/scratch');
    expect({ status: seedDelete.status, body: seedDelete.body }).toEqual({
      status: 200,
      body: { deleted: true, server_id: 'scratch' },
    });
    expect(await servers()).toEqual(['calc', 'wiki']);
  });

  it('lists the tools of both servers as {server}.{tool}, reaching each with its credential', async () => {
    const listed = await mcp.as()('GET', '/llmrouter/mcp/tools');
    expect(listed.status).toBe(200);
    expect(listed.body.total_count).toBe(8);
    expect(await mcp.toolNames()).toEqual([...toolsOf('calc'), ...toolsOf('wiki')]);
    const one = await mcp.as()('GET', '/llmrouter/mcp/tools/wiki.add');
    expect(one.body).toEqual({
      name: 'wiki.add',
      server_id: 'wiki',
      tool_name: 'add',
      description: 'Adds two numbers',
      input_schema: {
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'number' } },
        required: ['a', 'b'],
      },
    });
    expectError(await mcp.as()('GET', '/llmrouter/mcp/tools/wiki.nope'), 404, 'mcp_tool_not_found');
    const compat = await mcp.as()('GET', '/mcp-rest/tools/list?server_id=calc');
    expect((compat.body.tools as Body[]).map((t) => t.name).sort()).toEqual(toolsOf('calc'));
    expect((compat.body.tools as Body[])[0]?.mcp_info).toEqual({
      server_name: 'calc',
      server_id: 'calc',
    });

    const wikiList = stubs.wiki.received('tools/list');
    const calcList = stubs.calc.received('tools/list');
    expect(wikiList.length).toBeGreaterThan(0);
    expect(calcList.length).toBeGreaterThan(0);
    for (const m of wikiList) expect(m.headers.authorization).toBe(`Bearer ${WIKI_TOKEN}`);
    for (const m of calcList) expect(m.headers[CALC_HEADER.toLowerCase()]).toBe(CALC_KEY);
  });

  it('applies a server’s allowed_tools to listings and calls', async () => {
    const put = await mcp.admin('PUT', '/llmrouter/mcp/servers/calc', {
      allowed_tools: ['add', 'echo'],
    });
    expect(put.status).toBe(200);
    expect(await mcp.toolNames()).toEqual([
      ...toolsOf('calc', ['add', 'echo']),
      ...toolsOf('wiki'),
    ]);
    expectError(await mcp.callTool('calc.slow', {}), 404, 'mcp_tool_not_found');
    expect(stubs.calc.received('tools/call')).toHaveLength(0);
    await mcp.admin('PUT', '/llmrouter/mcp/servers/calc', { allowed_tools: [] });
    expect(await mcp.toolNames()).toEqual([...toolsOf('calc'), ...toolsOf('wiki')]);
  });

  it('calls tools on both transports and answers the upstream’s real result', async () => {
    const sum = await mcp.callTool('wiki.add', { a: 2, b: 3 });
    expect(sum.status).toBe(200);
    expect(sum.body).toEqual({
      result: { content: [{ type: 'text', text: '5' }], structuredContent: { sum: 5 } },
      server_id: 'wiki',
      tool_name: 'wiki.add',
    });
    const [upstream] = stubs.wiki.received('tools/call');
    expect(upstream?.params).toMatchObject({ name: 'add', arguments: { a: 2, b: 3 } });
    expect(upstream?.headers.authorization).toBe(`Bearer ${WIKI_TOKEN}`);

    const compat = await mcp.as()('POST', '/mcp-rest/tools/call', {
      name: 'echo',
      server_name: 'calc',
      arguments: { text: 'over sse' },
    });
    expect({ status: compat.status, body: compat.body }).toEqual({
      status: 200,
      body: { content: [{ type: 'text', text: 'over sse' }] },
    });
    expect(stubs.calc.received('tools/call')[0]?.headers[CALC_HEADER.toLowerCase()]).toBe(CALC_KEY);
    const failed = await mcp.callTool('wiki.fail', {});
    expect(failed.status).toBe(200);
    expect(failed.body.result).toEqual({
      content: [{ type: 'text', text: 'it broke' }],
      isError: true,
    });
  });

  it('refuses schema-invalid arguments and unknown tools before the upstream sees them', async () => {
    const before = stubs.wiki.received('tools/call').length;
    const invalid = await mcp.callTool('wiki.add', { a: 'secret-looking-value', b: 1 });
    expectError(invalid, 400, 'invalid_tool_arguments');
    expect(invalid.body.error.param).toBe('arguments');
    expect(invalid.body.error.message).not.toContain('secret-looking-value');
    expectError(await mcp.callTool('wiki.add', { a: 1 }), 400, 'invalid_tool_arguments');
    expectError(await mcp.callTool('wiki.add', 'not an object'), 400, 'invalid_tool_arguments');
    expectError(await mcp.callTool('wiki.nope', {}), 404, 'mcp_tool_not_found');
    expectError(await mcp.callTool('ghost.add', { a: 1, b: 2 }), 404, 'mcp_tool_not_found');
    expect(stubs.wiki.received('tools/call')).toHaveLength(before);
  });

  it('answers 502 when the upstream dies mid-call, reports it unhealthy, and recovers after restart', async () => {
    const running = stubs.wiki.called('slow');
    const pending = mcp.callTool('wiki.slow', { ms: 20_000 });
    await running;
    await stubs.wiki.kill();
    const died = await pending;
    expectError(died, 502, 'mcp_upstream_error');
    expect(died.body.error.message).toContain('"wiki"');

    const report = await mcp.as()('GET', '/v1/llmrouter/mcp/server/health');
    expect(report.status).toBe(200);
    expectNoSecrets(report.body);
    const byId = new Map((report.body.servers as Health[]).map((s) => [s.server_id, s]));
    expect(byId.get('calc')).toMatchObject({
      status: 'healthy',
      error: null,
      server_info: { name: 'calc-stub' },
    });
    expect(byId.get('wiki')).toMatchObject({
      status: 'unhealthy',
      latency_ms: null,
      error: expect.any(String),
    });
    expect(byId.get('wiki')?.error).not.toContain(stubs.wiki.url);
    expect({ healthy: report.body.healthy, unhealthy: report.body.unhealthy }).toEqual({
      healthy: 1,
      unhealthy: 1,
    });
    const one = await mcp.as()('GET', '/v1/llmrouter/mcp/server/wiki/health');
    expect(one.body).toMatchObject({ server_id: 'wiki', status: 'unhealthy' });
    const compat = await mcp.as()('GET', '/v1/mcp/server/health?server_ids=calc');
    expect((compat.body as unknown as Health[]).map((s) => [s.server_id, s.status])).toEqual([
      ['calc', 'healthy'],
    ]);

    await stubs.wiki.start();
    const again = await mcp.callTool('wiki.add', { a: 20, b: 22 });
    expect(again.status).toBe(200);
    expect(again.body.result).toMatchObject({ structuredContent: { sum: 42 } });
    const healed = await mcp.as()('GET', '/v1/llmrouter/mcp/server/wiki/health');
    expect(healed.body).toMatchObject({ status: 'healthy', error: null, tool_count: 4 });
  });

  it('counts the calls in routeiq_mcp_calls_total by server, method and status', async () => {
    const families = await scrape(gw);
    const count = (server: string, status: string) =>
      exact(families, 'routeiq_mcp_calls_total', { server, method: 'tools/call', status });
    // wiki: add ×2 ok; fail (isError) and the dead slow call are errors; three invalid calls.
    expect(count('wiki', 'ok')).toBe(2);
    expect(count('wiki', 'error')).toBe(2);
    expect(count('wiki', 'invalid')).toBe(3);
    expect(count('calc', 'ok')).toBe(1);
    expect(samples(families, 'routeiq_mcp_calls_total')).toHaveLength(4);
  });

  it('audits server writes and tool calls with their outcome, and no secret', async () => {
    const rows = await pollAudit(
      gw,
      'limit=500',
      (found) => found.filter((row) => row.action === 'mcp.tool.call').length >= 8,
    );
    expectNoSecrets(rows);
    expect(JSON.stringify(rows)).not.toContain(stubs.wiki.origin);
    const of = (action: string, outcome: string) =>
      rows
        .filter((r) => r.action === action && r.outcome === outcome)
        .map((r) => (outcome === 'success' ? r.resource_id : [r.resource_id, r.reason]))
        .sort();
    expect(of('mcp.server.add', 'success')).toEqual(['calc', 'scratch', 'scratch-pad', 'wiki']);
    expect(of('mcp.server.add', 'failure')).toEqual([
      [null, 'invalid_mcp_server'],
      ['calc', 'mcp_server_exists'],
      ['wiki', 'mcp_server_exists'],
    ]);
    expect(of('mcp.server.update', 'success')).toEqual([
      'calc',
      'calc',
      'scratch-pad',
      'scratch-pad',
    ]);
    expect(of('mcp.server.update', 'failure')).toEqual([
      [null, 'invalid_mcp_server'],
      ['nope', 'mcp_server_not_found'],
    ]);
    expect(of('mcp.server.delete', 'success')).toEqual(['scratch', 'scratch-pad']);
    expect(of('mcp.server.delete', 'failure')).toEqual([['scratch-pad', 'mcp_server_not_found']]);
    for (const row of rows.filter((r) => r.resource_type === 'mcp_server')) {
      expect(row.actor_type).toBe('admin');
    }

    const calls = rows.filter((r) => r.action === 'mcp.tool.call');
    const summary = calls.map((r) => [
      r.resource_id,
      r.outcome,
      r.reason,
      r.metadata.is_error ?? null,
    ]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['wiki.add', 'success', null, false],
        ['calc.echo', 'success', null, false],
        ['wiki.fail', 'success', null, true],
        ['wiki.add', 'failure', 'invalid_tool_arguments', null],
        ['wiki.slow', 'failure', 'mcp_upstream_error', null],
      ]),
    );
    expect(calls).toHaveLength(8);
    for (const row of calls) {
      expect(row).toMatchObject({ resource_type: 'mcp_tool', actor_type: 'master' });
      expect(row.metadata).toMatchObject({
        server: row.resource_id?.split('.')[0],
        channel: 'rest',
      });
    }
    expect(JSON.stringify(calls)).not.toContain('secret-looking-value');
  });
});
