import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { TestGateway } from './support/gateway-harness';
import { call, type ErrorEnvelope } from './support/http';
import { McpStubServer } from './support/mcp-stub.server';
import {
  connectSse,
  connectStreamable,
  createMcpStubs,
  generateKey,
  initializeRequest,
  mcpErrorOf,
  postMcp,
  registerServer,
  startMcpGateway,
  statelessRequest,
  STATELESS_VERSION,
} from './fixtures/mcp-protocol.fixtures';

// The gateway's own MCP endpoint, part two: the stateless 2026-07-28 revision over raw HTTP (no
// SDK speaks it yet) and the legacy HTTP+SSE transport with the official SDK client. `beta` is
// reached upstream over legacy SSE too, so both directions of that transport are exercised.
// Last, the two operator gates (tool invocation, the whole MCP gateway), each on its own gateway.
describe('Gateway MCP endpoint: stateless revision and legacy SSE', () => {
  const { alpha, beta } = createMcpStubs();
  const gamma = new McpStubServer({ name: 'gamma' });
  let gw: TestGateway;
  let key: string;
  const clients: Client[] = [];
  const auth = () => ({ authorization: `Bearer ${key}` });

  /** Sends a well-formed stateless request; `headers` override its routing headers. */
  const stateless = (method: string, params = {}, headers: Record<string, string> = {}) => {
    const request = statelessRequest(method, params);
    return postMcp(gw, request.body, { ...auth(), ...request.headers, ...headers });
  };

  beforeAll(async () => {
    await Promise.all([alpha.start(), beta.start(), gamma.start()]);
    gw = await startMcpGateway([alpha, beta, gamma]);
    await registerServer(gw, 'alpha', alpha);
    await registerServer(gw, 'beta', beta, 'sse');
    await registerServer(gw, 'gamma', gamma);
    key = await generateKey(gw);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await gw?.close();
    await Promise.all([alpha.stop(), beta.stop(), gamma.stop()]);
  });

  describe('stateless 2026-07-28', () => {
    it('answers server/discover with the supported versions, no session opened', async () => {
      const res = await stateless('server/discover');
      expect(res.status).toBe(200);
      expect(res.headers.get('mcp-session-id')).toBeNull();
      expect(res.body).toMatchObject({
        id: 'server/discover',
        result: {
          resultType: 'complete',
          serverInfo: { name: 'routeiq-gateway' },
          capabilities: { tools: {} },
        },
      });
      expect(res.body.result?.supportedVersions).toEqual([
        STATELESS_VERSION,
        '2025-11-25',
        '2025-06-18',
        '2025-03-26',
      ]);
    });

    it('lists and calls tools with _meta and the routing headers', async () => {
      const listed = await stateless('tools/list');
      expect(listed.status).toBe(200);
      expect(listed.body.result?.resultType).toBe('complete');
      const names = (listed.body.result?.tools as Array<{ name: string }>).map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(['alpha.add', 'beta.echo']));

      const calls = alpha.received('tools/call').length;
      const called = await stateless('tools/call', {
        name: 'alpha.add',
        arguments: { a: 4, b: 5 },
      });
      expect(called.status).toBe(200);
      expect(called.body).toMatchObject({
        id: 'tools/call',
        result: {
          resultType: 'complete',
          content: [{ type: 'text', text: '9' }],
          structuredContent: { sum: 9 },
        },
      });
      expect(
        alpha
          .received('tools/call')
          .slice(calls)
          .map((m) => m.params?.arguments),
      ).toEqual([{ a: 4, b: 5 }]);
      const read = await stateless('resources/read', { uri: 'memo://alpha/readme' });
      expect(read.body.result).toMatchObject({
        resultType: 'complete',
        contents: [{ uri: 'memo://alpha/readme', text: 'alpha notes' }],
      });
    });

    it('answers 400 -32602 to a request whose params carry no _meta', async () => {
      const { headers } = statelessRequest('tools/list');
      const res = await postMcp(
        gw,
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        {
          ...auth(),
          ...headers,
        },
      );
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ id: 1, error: { code: -32602 } });
      const noCapabilities = await postMcp(
        gw,
        {
          jsonrpc: '2.0',
          id: 2,
          method: 'tools/list',
          params: { _meta: { 'io.modelcontextprotocol/protocolVersion': STATELESS_VERSION } },
        },
        { ...auth(), ...headers },
      );
      expect(noCapabilities.status).toBe(400);
      expect(noCapabilities.body.error?.code).toBe(-32602);
    });

    it('answers 400 -32001 when a routing header contradicts the body', async () => {
      const calls = alpha.received('tools/call').length;
      const params = { name: 'alpha.add', arguments: { a: 1, b: 1 } };
      const cases: Array<[string, Record<string, string>]> = [
        ['Mcp-Name', { 'mcp-name': 'alpha.echo' }],
        ['Mcp-Method', { 'mcp-method': 'tools/list' }],
        ['MCP-Protocol-Version', { 'mcp-protocol-version': '2025-11-25' }],
      ];
      for (const [header, override] of cases) {
        const res = await stateless('tools/call', params, override);
        expect({ header, status: res.status, code: res.body.error?.code }).toEqual({
          header,
          status: 400,
          code: -32001,
        });
        expect(res.body.error?.message).toContain(header);
      }
      const request = statelessRequest('tools/call', params);
      const { 'mcp-name': _name, ...withoutName } = request.headers;
      const missing = await postMcp(gw, request.body, { ...auth(), ...withoutName });
      expect(missing.status).toBe(400);
      expect(missing.body.error?.code).toBe(-32001);
      expect(alpha.received('tools/call')).toHaveLength(calls);
    });

    it('answers 400 -32004 with data.supportedVersions to an unsupported version', async () => {
      const request = statelessRequest('tools/list', {}, '2025-11-25');
      const res = await postMcp(gw, request.body, { ...auth(), ...request.headers });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: -32004,
        data: { supportedVersions: expect.arrayContaining([STATELESS_VERSION]) },
      });
      const future = statelessRequest('tools/list', {}, '2099-01-01');
      const later = await postMcp(gw, future.body, { ...auth(), ...future.headers });
      expect(later.status).toBe(400);
      expect(later.body.error?.code).toBe(-32004);
    });

    it('answers 404 -32601 to methods the revision removed, and to unknown ones', async () => {
      for (const method of ['ping', 'logging/setLevel', 'tools/teleport']) {
        const params = method === 'logging/setLevel' ? { level: 'info' } : {};
        const res = await stateless(method, params);
        expect({ method, status: res.status, code: res.body.error?.code }).toEqual({
          method,
          status: 404,
          code: -32601,
        });
      }
    });

    it('answers -32001 when the upstream server dies mid-call', async () => {
      const started = gamma.called('slow');
      const pending = stateless('tools/call', { name: 'gamma.slow', arguments: { ms: 20_000 } });
      await started;
      await gamma.kill();
      const res = await pending;
      expect(res.body).toMatchObject({ id: 'tools/call', error: { code: -32001 } });
      expect(res.body.error?.message).toContain('gamma');
    });

    it('still applies the JSON-RPC errors of the methods: -32602, -32002', async () => {
      const invalid = await stateless('tools/call', { name: 'alpha.add', arguments: { a: 'x' } });
      expect(invalid.body.error?.code).toBe(-32602);
      const unknown = await stateless('tools/call', { name: 'alpha.nope', arguments: {} });
      expect(unknown.body.error?.code).toBe(-32002);
    });
  });

  describe('legacy HTTP+SSE at /mcp/sse', () => {
    it('lists and calls the tools of both servers with the SDK SSE client', async () => {
      const client = await connectSse(gw, key);
      clients.push(client);
      expect(client.getServerVersion()?.name).toBe('routeiq-gateway');
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(
        expect.arrayContaining(['alpha.add', 'alpha.echo', 'beta.add', 'beta.echo']),
      );

      const sum = await client.callTool({ name: 'alpha.add', arguments: { a: 20, b: 22 } });
      expect(sum).toMatchObject({ content: [{ type: 'text', text: '42' }] });
      const calls = beta.received('tools/call').length;
      const echoed = await client.callTool({ name: 'beta.echo', arguments: { text: 'over sse' } });
      expect(echoed.content).toEqual([{ type: 'text', text: 'over sse' }]);
      // beta is an upstream legacy-SSE server: the call reached it over its /messages endpoint.
      expect(beta.received('tools/call').slice(calls)).toHaveLength(1);

      const invalid = await mcpErrorOf(
        client.callTool({ name: 'alpha.add', arguments: { a: true, b: 1 } }),
      );
      expect(invalid.code).toBe(-32602);
    });

    it('answers 404 to a message for an unknown SSE session and 401 without a key', async () => {
      const message = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
      const unknown = await fetch(`${gw.url}/mcp/messages?sessionId=no-such-session`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify(message),
      });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { code: -32001 } });
      const anonymous = await fetch(`${gw.url}/mcp/sse`);
      expect(anonymous.status).toBe(401);
      await anonymous.body?.cancel();
    });
  });
});

describe('Gateway MCP endpoint: gates', () => {
  it('answers -32004 to tools/call while LLMROUTER_ENABLE_MCP_TOOL_INVOCATION is unset', async () => {
    const { alpha } = createMcpStubs();
    await alpha.start();
    const gw = await startMcpGateway([alpha], { LLMROUTER_ENABLE_MCP_TOOL_INVOCATION: undefined });
    let client: Client | undefined;
    try {
      await registerServer(gw, 'alpha', alpha);
      ({ client } = await connectStreamable(gw, await generateKey(gw)));
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('alpha.add');
      const disabled = await mcpErrorOf(
        client.callTool({ name: 'alpha.add', arguments: { a: 1, b: 2 } }),
      );
      expect(disabled.code).toBe(-32004);
      // Even for a tool that does not exist: the gate comes first.
      const unknown = await mcpErrorOf(client.callTool({ name: 'alpha.nope', arguments: {} }));
      expect(unknown.code).toBe(-32004);
      expect(alpha.received('tools/call')).toHaveLength(0);
    } finally {
      await client?.close();
      await gw.close();
      await alpha.stop();
    }
  });

  it('answers 404 mcp_gateway_disabled on /mcp while MCP_GATEWAY_ENABLED is unset', async () => {
    const gw = await startMcpGateway([], { MCP_GATEWAY_ENABLED: undefined });
    try {
      for (const path of ['/mcp', '/mcp/messages?sessionId=x']) {
        const res = await call<ErrorEnvelope>(`${gw.url}${path}`, {
          method: 'POST',
          headers: { authorization: 'Bearer whatever', 'content-type': 'application/json' },
          body: JSON.stringify(initializeRequest('2025-11-25')),
        });
        expect({ path, status: res.status, code: res.body.error?.code }).toEqual({
          path,
          status: 404,
          code: 'mcp_gateway_disabled',
        });
      }
      const sse = await call<ErrorEnvelope>(`${gw.url}/mcp/sse`);
      expect(sse.status).toBe(404);
      expect(sse.body.error.code).toBe('mcp_gateway_disabled');
    } finally {
      await gw.close();
    }
  });
});
