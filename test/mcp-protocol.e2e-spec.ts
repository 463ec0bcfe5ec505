import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { TestGateway } from './support/gateway-harness';
import { call, type ErrorEnvelope } from './support/http';
import {
  adminCall,
  connectStreamable,
  createMcpStubs,
  generateKey,
  initializeRequest,
  mcpErrorOf,
  postMcp,
  registerServer,
  startMcpGateway,
} from './fixtures/mcp-protocol.fixtures';

// The gateway's own MCP endpoint, session revision (Streamable HTTP at /mcp): the official SDK
// client against two real upstream MCP servers, then the session rules and the JSON-RPC and
// HTTP errors over raw HTTP. The stateless revision, legacy SSE and the operator gates:
// mcp-protocol-stateless.e2e-spec.ts.
const toolsList = { jsonrpc: '2.0', id: 2, method: 'tools/list' };

describe('Gateway MCP endpoint: session revision', () => {
  const { alpha, beta } = createMcpStubs();
  let gw: TestGateway;
  let userKey: string;
  let otherKey: string;
  let alphaOnlyKey: string;
  let client: Client;
  let transport: StreamableHTTPClientTransport;
  const clients: Client[] = [];

  /** Opens a session over raw HTTP; resolves to its Mcp-Session-Id. */
  const openSession = async (key: string): Promise<string> => {
    const res = await postMcp(gw, initializeRequest('2025-11-25'), auth(key));
    expect(res.status).toBe(200);
    const sessionId = res.headers.get('mcp-session-id');
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    return sessionId!;
  };
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  const inSession = (key: string, sessionId: string) => ({
    ...auth(key),
    'mcp-session-id': sessionId,
    'mcp-protocol-version': '2025-11-25',
  });

  beforeAll(async () => {
    await Promise.all([alpha.start(), beta.start()]);
    gw = await startMcpGateway([alpha, beta]);
    await registerServer(gw, 'alpha', alpha);
    await registerServer(gw, 'beta', beta);
    userKey = await generateKey(gw);
    otherKey = await generateKey(gw);
    alphaOnlyKey = await generateKey(gw, { object_permission: { mcp_servers: ['alpha'] } });
    ({ client, transport } = await connectStreamable(gw, userKey));
    clients.push(client);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await gw?.close();
    await Promise.all([alpha.stop(), beta.stop()]);
  });

  it('negotiates 2025-11-25 and lists the tools of both upstream servers, namespaced', async () => {
    expect(transport.protocolVersion).toBe('2025-11-25');
    expect(transport.sessionId).toEqual(expect.any(String));
    expect(client.getServerVersion()).toEqual({ name: 'routeiq-gateway', version: '0.1.0' });
    expect(client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {}, prompts: {} });

    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name).sort();
    expect(names).toEqual(
      ['add', 'echo', 'fail', 'slow'].flatMap((t) => [`alpha.${t}`, `beta.${t}`]).sort(),
    );
    const add = tools.find((tool) => tool.name === 'alpha.add');
    expect(add).toMatchObject({
      description: 'Adds two numbers',
      inputSchema: { type: 'object', required: ['a', 'b'] },
    });
  });

  it('calls a tool on the right upstream server and returns its real result', async () => {
    const before = {
      alpha: alpha.received('tools/call').length,
      beta: beta.received('tools/call').length,
    };
    const sum = await client.callTool({ name: 'alpha.add', arguments: { a: 2, b: 3 } });
    expect(sum).toEqual({ content: [{ type: 'text', text: '5' }], structuredContent: { sum: 5 } });
    const echoed = await client.callTool({ name: 'beta.echo', arguments: { text: 'hi beta' } });
    expect(echoed.content).toEqual([{ type: 'text', text: 'hi beta' }]);
    // An isError result is a result, not a JSON-RPC error.
    const failed = await client.callTool({ name: 'beta.fail', arguments: {} });
    expect(failed).toMatchObject({ isError: true, content: [{ type: 'text', text: 'it broke' }] });

    const alphaCalls = alpha.received('tools/call').slice(before.alpha);
    expect(alphaCalls.map((m) => m.params)).toEqual([
      expect.objectContaining({ name: 'add', arguments: { a: 2, b: 3 } }),
    ]);
    expect(
      beta
        .received('tools/call')
        .slice(before.beta)
        .map((m) => m.params?.name),
    ).toEqual(['echo', 'fail']);
    // The upstream session is the gateway's own, never the client's.
    expect(alphaCalls[0]!.headers['mcp-session-id']).not.toBe(transport.sessionId);
    expect(alphaCalls[0]!.headers.authorization).toBeUndefined();
  });

  it('lists and reads resources, lists and gets prompts', async () => {
    const { resources } = await client.listResources();
    expect(resources).toEqual([
      expect.objectContaining({ uri: 'memo://alpha/readme', mimeType: 'text/plain' }),
    ]);
    const read = await client.readResource({ uri: 'memo://alpha/readme' });
    expect(read.contents).toEqual([
      { uri: 'memo://alpha/readme', mimeType: 'text/plain', text: 'alpha notes' },
    ]);
    const missing = await mcpErrorOf(client.readResource({ uri: 'memo://nowhere' }));
    expect(missing.code).toBe(-32002);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates).toEqual([
      expect.objectContaining({ uriTemplate: 'memo://alpha/notes/{id}', name: 'alpha.note' }),
    ]);

    const { prompts } = await client.listPrompts();
    expect(prompts).toEqual([
      expect.objectContaining({
        name: 'alpha.greet',
        description: 'Greets someone',
        arguments: [{ name: 'who', required: true }],
      }),
    ]);
    const prompt = await client.getPrompt({ name: 'alpha.greet', arguments: { who: 'Ada' } });
    expect(prompt.messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'Hello, Ada!' } },
    ]);
    expect(alpha.received('prompts/get').at(-1)?.params).toMatchObject({ name: 'greet' });
    const noWho = await mcpErrorOf(client.getPrompt({ name: 'alpha.greet', arguments: {} }));
    expect(noWho.code).toBe(-32602);
    const noPrompt = await mcpErrorOf(client.getPrompt({ name: 'alpha.nope', arguments: {} }));
    expect(noPrompt.code).toBe(-32002);
  });

  it('refuses schema-invalid arguments (-32602) and unknown tools (-32002) before the upstream', async () => {
    const calls = alpha.received('tools/call').length;
    const invalid = await mcpErrorOf(
      client.callTool({ name: 'alpha.add', arguments: { a: 'two', b: 3 } }),
    );
    expect(invalid.code).toBe(-32602);
    expect(invalid.message).toContain('alpha.add');
    // Argument values are never echoed back.
    expect(invalid.message).not.toContain('two');
    const missing = await mcpErrorOf(client.callTool({ name: 'alpha.add', arguments: { a: 1 } }));
    expect(missing.code).toBe(-32602);

    const unknown = await mcpErrorOf(client.callTool({ name: 'alpha.nope', arguments: {} }));
    expect(unknown.code).toBe(-32002);
    const noServer = await mcpErrorOf(client.callTool({ name: 'gamma.add', arguments: {} }));
    expect(noServer.code).toBe(-32002);
    expect(alpha.received('tools/call')).toHaveLength(calls);
  });

  it('shows a key restricted by object_permission only its servers, -32003 for the others', async () => {
    const restricted = await connectStreamable(gw, alphaOnlyKey);
    clients.push(restricted.client);
    const { tools } = await restricted.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'alpha.add',
      'alpha.echo',
      'alpha.fail',
      'alpha.slow',
    ]);
    const calls = beta.received('tools/call').length;
    const denied = await mcpErrorOf(
      restricted.client.callTool({ name: 'beta.echo', arguments: { text: 'x' } }),
    );
    expect(denied.code).toBe(-32003);
    expect(beta.received('tools/call')).toHaveLength(calls);
    const allowed = await restricted.client.callTool({
      name: 'alpha.add',
      arguments: { a: 1, b: 1 },
    });
    expect(allowed.structuredContent).toEqual({ sum: 2 });
  });

  it('filters tools, resources and prompts by tool globs and by the key team', async () => {
    const globbed = await generateKey(gw, {
      object_permission: { mcp_servers: ['beta'], mcp_tool_permissions: { beta: ['echo', 'a*'] } },
    });
    const { client: betaClient } = await connectStreamable(gw, globbed);
    clients.push(betaClient);
    const { tools } = await betaClient.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['beta.add', 'beta.echo']);
    expect((await betaClient.listResources()).resources).toEqual([]);
    expect((await betaClient.listPrompts()).prompts).toEqual([]);
    const slow = await mcpErrorOf(betaClient.callTool({ name: 'beta.slow', arguments: {} }));
    expect(slow.code).toBe(-32003);
    const prompt = await mcpErrorOf(betaClient.getPrompt({ name: 'alpha.greet', arguments: {} }));
    expect(prompt.code).toBe(-32003);
    const read = await mcpErrorOf(betaClient.readResource({ uri: 'memo://alpha/readme' }));
    expect(read.code).toBe(-32002);

    // The team allows alpha only, the key only its add tool: both must allow.
    const team = await adminCall(gw, 'POST', '/team/new', {
      object_permission: { mcp_servers: ['alpha'] },
    });
    expect(team.status).toBe(200);
    const member = await generateKey(gw, {
      team_id: team.body.team_id,
      object_permission: { mcp_tool_permissions: { alpha: ['add'] } },
    });
    const { client: memberClient } = await connectStreamable(gw, member);
    clients.push(memberClient);
    expect((await memberClient.listTools()).tools.map((tool) => tool.name)).toEqual(['alpha.add']);
    const denied = await mcpErrorOf(
      memberClient.callTool({ name: 'beta.add', arguments: { a: 1, b: 2 } }),
    );
    expect(denied.code).toBe(-32003);
  });

  describe('sessions', () => {
    it('requires the Mcp-Session-Id after initialize', async () => {
      const sessionId = await openSession(userKey);
      const without = await postMcp(gw, toolsList, auth(userKey));
      expect(without.status).toBe(400);
      expect(without.body).toMatchObject({ id: 2, error: { code: -32600 } });

      const listed = await postMcp(gw, toolsList, inSession(userKey, sessionId));
      expect(listed.status).toBe(200);
      const tools = listed.body.result?.tools as Array<{ name: string }>;
      expect(tools.map((tool) => tool.name)).toContain('beta.echo');
      // A notification is accepted with 202 and no body.
      const initialized = await postMcp(
        gw,
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        inSession(userKey, sessionId),
      );
      expect(initialized.status).toBe(202);
    });

    it('answers 404 -32001 for an unknown session and for a session of another key', async () => {
      const unknown = await postMcp(gw, toolsList, inSession(userKey, 'no-such-session-id'));
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ error: { code: -32001, message: 'Session not found' } });

      const sessionId = await openSession(userKey);
      const stolen = await postMcp(gw, toolsList, inSession(otherKey, sessionId));
      expect(stolen.status).toBe(404);
      expect(stolen.body.error?.code).toBe(-32001);
      // The owner keeps it.
      expect((await postMcp(gw, toolsList, inSession(userKey, sessionId))).status).toBe(200);
    });

    it('ends a session on DELETE, after which it is unknown', async () => {
      const sessionId = await openSession(userKey);
      const end = (key: string) =>
        fetch(`${gw.url}/mcp`, { method: 'DELETE', headers: inSession(key, sessionId) });
      expect((await end(otherKey)).status).toBe(404);
      expect((await end(userKey)).status).toBe(204);
      const after = await postMcp(gw, toolsList, inSession(userKey, sessionId));
      expect(after.status).toBe(404);
      expect(after.body.error?.code).toBe(-32001);
      expect((await end(userKey)).status).toBe(404);

      // The SDK client terminates its own session the same way.
      const sdk = await connectStreamable(gw, userKey);
      const sdkSession = sdk.transport.sessionId!;
      await sdk.transport.terminateSession();
      await sdk.client.close();
      const gone = await postMcp(gw, toolsList, inSession(userKey, sdkSession));
      expect(gone.status).toBe(404);
    });

    it.each(['2025-06-18', '2025-03-26'])(
      'echoes protocol version %s asked by an older client',
      async (version) => {
        const res = await postMcp(gw, initializeRequest(version, 'init'), auth(userKey));
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id: 'init', result: { protocolVersion: version } });
        const sessionId = res.headers.get('mcp-session-id')!;
        const headers = {
          ...auth(userKey),
          'mcp-session-id': sessionId,
          'mcp-protocol-version': version,
        };
        const listed = await postMcp(gw, toolsList, headers);
        expect(listed.status).toBe(200);
        expect(listed.body.result?.tools).toEqual(expect.any(Array));
      },
    );

    it('checks MCP-Protocol-Version against the session, and batches against its version', async () => {
      const sessionId = await openSession(userKey);
      const mismatch = await postMcp(gw, toolsList, {
        ...inSession(userKey, sessionId),
        'mcp-protocol-version': '2025-06-18',
      });
      expect(mismatch.status).toBe(400);
      expect(mismatch.body.error?.code).toBe(-32600);
      const batch = [toolsList, { jsonrpc: '2.0', id: 3, method: 'ping' }];
      const refused = await postMcp(gw, batch, inSession(userKey, sessionId));
      expect(refused.status).toBe(400);
      expect(refused.body.error?.code).toBe(-32600);

      const old = await postMcp(gw, initializeRequest('2025-03-26'), auth(userKey));
      const oldSession = old.headers.get('mcp-session-id')!;
      const answered = await postMcp(gw, batch, { ...auth(userKey), 'mcp-session-id': oldSession });
      expect(answered.status).toBe(200);
      const replies = answered.body as unknown as Array<{ id: number; result: object }>;
      expect(replies.map((reply) => reply.id)).toEqual([2, 3]);
      expect(replies[1]!.result).toEqual({});
    });

    it('opens no server-initiated stream: GET /mcp is 405', async () => {
      const res = await fetch(`${gw.url}/mcp`, {
        headers: { ...auth(userKey), accept: 'text/event-stream' },
      });
      expect(res.status).toBe(405);
      await res.body?.cancel();
    });

    it('answers the newest version to a client asking one it does not speak', async () => {
      const res = await postMcp(gw, initializeRequest('2099-01-01'), auth(userKey));
      expect(res.status).toBe(200);
      expect(res.body.result?.protocolVersion).toBe('2025-11-25');
    });
  });

  describe('errors', () => {
    it('answers -32700 to malformed JSON, -32600 to a bad envelope, -32601 to an unknown method', async () => {
      const parse = await postMcp(gw, '{"jsonrpc": "2.0", "id": 1, "method": ', auth(userKey));
      expect(parse.status).toBe(400);
      expect(parse.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });

      const shape = await postMcp(
        gw,
        { jsonrpc: '1.0', id: 9, method: 'tools/list' },
        auth(userKey),
      );
      expect(shape.status).toBe(400);
      expect(shape.body).toMatchObject({ id: 9, error: { code: -32600 } });
      const noMethod = await postMcp(gw, { jsonrpc: '2.0', id: 10 }, auth(userKey));
      expect(noMethod.body.error?.code).toBe(-32600);

      const sessionId = await openSession(userKey);
      const unknown = await postMcp(
        gw,
        { jsonrpc: '2.0', id: 11, method: 'tools/teleport' },
        inSession(userKey, sessionId),
      );
      expect(unknown.body).toMatchObject({ id: 11, error: { code: -32601 } });
      expect(unknown.body.error?.message).toContain('tools/teleport');
    });

    it('answers 401 in the OpenAI error shape without a user key', async () => {
      const res = await call<ErrorEnvelope>(`${gw.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(initializeRequest('2025-11-25')),
      });
      expect(res.status).toBe(401);
      expect(res.body.error).toEqual({
        message: expect.any(String),
        type: expect.any(String),
        code: expect.any(String),
        param: null,
      });
      const wrong = await postMcp(
        gw,
        initializeRequest('2025-11-25'),
        auth('sk-not-a-real-key-000000'),
      );
      expect(wrong.status).toBe(401);
    });

    it('refuses a foreign Origin with 403 and accepts the gateway own origin', async () => {
      const foreign = await postMcp(gw, initializeRequest('2025-11-25'), {
        ...auth(userKey),
        origin: 'https://evil.example',
      });
      expect(foreign.status).toBe(403);
      expect((foreign.body as unknown as ErrorEnvelope).error.code).toBe('mcp_access_denied');
      const own = await postMcp(gw, initializeRequest('2025-11-25'), {
        ...auth(userKey),
        origin: gw.url,
      });
      expect(own.status).toBe(200);
    });
  });
});
