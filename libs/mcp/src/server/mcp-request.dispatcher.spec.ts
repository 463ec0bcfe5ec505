import type { IncomingHttpHeaders } from 'node:http';
import { Logger } from '@nestjs/common';
import type { GatewayRequest } from '@routeiq/common';
import { InMemoryExpiringStore } from '@routeiq/coordination';
import { resolveMcpConfig } from '../mcp.config';
import { FakeMcpOperations } from './__fixtures__/fake-mcp-operations';
import type { JsonRpcParams, JsonRpcRequest } from './json-rpc';
import { McpMethodsService } from './mcp-methods.service';
import { McpRequestDispatcher, type McpDispatchContext } from './mcp-request.dispatcher';
import { McpSessionStore, type McpSession } from './mcp-session.store';
import { testListPager } from './__fixtures__/list-pager.fixture';

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
};

function requestOf(keyId: string, headers: IncomingHttpHeaders = {}): GatewayRequest {
  return {
    id: 'req-1',
    headers,
    principal: { kind: 'virtual', keyId },
  } as unknown as GatewayRequest;
}

function setup() {
  const operations = new FakeMcpOperations();
  const sessions = new McpSessionStore(new InMemoryExpiringStore(), resolveMcpConfig({}));
  const dispatcher = new McpRequestDispatcher(
    new McpMethodsService(operations, testListPager()),
    sessions,
  );
  const session: McpSession = {
    id: 'session-1',
    keyId: 'key-a',
    transport: 'streamable-http',
    protocolVersion: '2025-11-25',
    createdAt: new Date(0).toISOString(),
  };
  const inSession: McpDispatchContext = {
    req: requestOf('key-a'),
    transport: 'streamable-http',
    session,
    stateless: false,
  };
  const call = (method: string, params?: JsonRpcParams, ctx = inSession, id: string | number = 7) =>
    dispatcher.dispatch({ id, method, ...(params && { params }) } satisfies JsonRpcRequest, ctx);
  return { operations, sessions, dispatcher, call, inSession };
}

function stateless(method: string, headers: IncomingHttpHeaders = {}): McpDispatchContext {
  return {
    req: requestOf('key-a', {
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': method,
      ...headers,
    }),
    transport: 'streamable-http',
    stateless: true,
  };
}

const initParams = (protocolVersion: string) => ({
  protocolVersion,
  capabilities: {},
  clientInfo: { name: 'spec-client', version: '1.2.3' },
});

describe(McpRequestDispatcher.name, () => {
  describe('initialize', () => {
    it.each([
      ['2025-11-25', '2025-11-25'],
      ['2025-06-18', '2025-06-18'],
      ['2025-03-26', '2025-03-26'],
      ['2024-11-05', '2025-11-25'],
      ['2099-01-01', '2025-11-25'],
    ])('answers %s with %s and opens a session of the caller', async (asked, negotiated) => {
      const { call, sessions } = setup();
      const ctx = {
        req: requestOf('key-a'),
        transport: 'streamable-http' as const,
        stateless: false,
      };
      const outcome = await call('initialize', initParams(asked), ctx, 'init');
      expect(outcome.response).toEqual({
        jsonrpc: '2.0',
        id: 'init',
        result: {
          protocolVersion: negotiated,
          capabilities: {
            tools: { listChanged: false },
            resources: {},
            prompts: {},
            completions: {},
          },
          serverInfo: { name: 'routeiq-gateway', version: expect.any(String) },
        },
      });
      const id = outcome.session?.id ?? '';
      expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
      await expect(sessions.find(id, 'key-a', 'streamable-http')).resolves.toMatchObject({
        keyId: 'key-a',
        protocolVersion: negotiated,
        clientInfo: { name: 'spec-client', version: '1.2.3' },
      });
      await expect(sessions.find(id, 'key-b', 'streamable-http')).resolves.toBeUndefined();
    });

    it('accepts 2024-11-05 on the legacy SSE transport and updates that session', async () => {
      const { call, sessions } = setup();
      const session = await sessions.create({ keyId: 'key-a', transport: 'sse' });
      const ctx = { req: requestOf('key-a'), transport: 'sse' as const, session, stateless: false };
      const outcome = await call('initialize', initParams('2024-11-05'), ctx);
      expect(outcome.response).toMatchObject({ result: { protocolVersion: '2024-11-05' } });
      await expect(sessions.find(session.id, 'key-a', 'sse')).resolves.toMatchObject({
        protocolVersion: '2024-11-05',
      });
    });

    it('refuses params that are not an initialize request with -32602', async () => {
      const { call } = setup();
      const ctx = {
        req: requestOf('key-a'),
        transport: 'streamable-http' as const,
        stateless: false,
      };
      const outcome = await call('initialize', { protocolVersion: '2025-11-25' }, ctx);
      expect(outcome.session).toBeUndefined();
      expect(outcome.response).toMatchObject({ id: 7, error: { code: -32602 } });
    });
  });

  describe('features', () => {
    it('lists tools, resources, templates and prompts under their namespaced names', async () => {
      const { call } = setup();
      await expect(call('tools/list')).resolves.toMatchObject({
        status: 200,
        response: {
          result: {
            tools: [
              {
                name: 'weather.forecast',
                description: 'Forecast for a city',
                inputSchema: { type: 'object' },
              },
            ],
          },
        },
      });
      const resources = await call('resources/list');
      expect(resources.response).toMatchObject({
        result: { resources: [{ uri: 'file:///readme.md', name: 'docs.readme' }] },
      });
      expect(resources.response).not.toHaveProperty('result.nextCursor');
      const forged = await call('resources/list', { cursor: 'not-ours' });
      expect(forged.response).toMatchObject({ error: { code: -32602 } });
      const templates = await call('resources/templates/list');
      expect(templates.response).toMatchObject({
        result: { resourceTemplates: [{ uriTemplate: 'file:///{path}', name: 'docs.file' }] },
      });
      const prompts = await call('prompts/list');
      expect(prompts.response).toMatchObject({
        result: { prompts: [{ name: 'docs.summarize', arguments: [{ name: 'topic' }] }] },
      });
    });

    it('calls tools, reads resources and gets prompts for the caller, in its session', async () => {
      const { call, operations, inSession } = setup();
      const signal = new AbortController().signal;
      const ctx = { ...inSession, signal };
      const tool = await call(
        'tools/call',
        { name: 'weather.forecast', arguments: { city: 'Oslo' } },
        ctx,
      );
      expect(tool.response).toEqual({
        jsonrpc: '2.0',
        id: 7,
        result: { content: [{ type: 'text', text: '{"city":"Oslo"}' }], isError: false },
      });
      await call('resources/read', { uri: 'file:///readme.md' }, ctx);
      await call('prompts/get', { name: 'docs.summarize' }, ctx);
      expect(operations.calls).toEqual([
        {
          operation: 'callTool',
          keyId: 'key-a',
          target: 'weather.forecast',
          args: { city: 'Oslo' },
          options: { channel: 'mcp', signal, sessionId: 'session-1' },
        },
        {
          operation: 'readResource',
          keyId: 'key-a',
          target: 'file:///readme.md',
          options: { channel: 'mcp', signal, sessionId: 'session-1' },
        },
        {
          operation: 'getPrompt',
          keyId: 'key-a',
          target: 'docs.summarize',
          args: {},
          options: { channel: 'mcp', signal, sessionId: 'session-1' },
        },
      ]);
    });

    it('answers ping and logging/setLevel', async () => {
      const { call } = setup();
      await expect(call('ping')).resolves.toMatchObject({ response: { result: {} } });
      await expect(call('logging/setLevel', { level: 'debug' })).resolves.toMatchObject({
        response: { result: {} },
      });
    });

    it('answers -32601 for unknown methods and -32602 for bad params, with the id', async () => {
      const { call, operations } = setup();
      await expect(call('tools/unknown', undefined, undefined, 'x')).resolves.toEqual({
        status: 200,
        response: {
          jsonrpc: '2.0',
          id: 'x',
          error: { code: -32601, message: 'Method not found: tools/unknown' },
        },
      });
      await expect(call('server/discover')).resolves.toMatchObject({
        response: { error: { code: -32601 } },
      });
      const bad = await call('tools/call', { arguments: {} });
      expect(bad.response).toMatchObject({
        id: 7,
        error: { code: -32602, message: expect.stringContaining('params.name') },
      });
      await expect(call('logging/setLevel', { level: 'loud' })).resolves.toMatchObject({
        response: { error: { code: -32602 } },
      });
      expect(operations.calls).toEqual([]);
    });
  });

  describe('errors', () => {
    it('maps an McpException to its JSON-RPC code with data.code', async () => {
      const { call } = setup();
      const outcome = await call('tools/call', { name: 'weather.missing' });
      expect(outcome.response).toEqual({
        jsonrpc: '2.0',
        id: 7,
        error: {
          code: -32002,
          message: 'MCP tool "weather.missing" not found',
          data: { code: 'mcp_tool_not_found' },
        },
      });
    });

    it('maps a quota refusal to -32003 with its retry hint', async () => {
      const { call } = setup();
      const outcome = await call('tools/call', { name: 'weather.quota' });
      expect(outcome.response).toMatchObject({
        error: {
          code: -32003,
          message: 'Quota exceeded',
          data: { code: 'quota_exceeded', retryAfter: '7' },
        },
      });
    });

    it('hides unexpected errors behind -32603 "Internal error" and logs them scrubbed', async () => {
      const { call } = setup();
      const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const outcome = await call('tools/call', { name: 'weather.boom' });
      expect(logged).toHaveBeenCalledWith(
        { requestId: 'req-1', err: expect.stringContaining('password=[REDACTED]') },
        'MCP tools/call failed',
      );
      logged.mockRestore();
      expect(outcome.response).toEqual({
        jsonrpc: '2.0',
        id: 7,
        error: { code: -32603, message: 'Internal error' },
      });
      expect(JSON.stringify(outcome)).not.toContain('hunter2');
    });
  });

  describe('stateless revision (2026-07-28)', () => {
    it('answers server/discover and marks results complete', async () => {
      const { call } = setup();
      const discover = await call('server/discover', { _meta: META }, stateless('server/discover'));
      expect(discover).toEqual({
        status: 200,
        response: {
          jsonrpc: '2.0',
          id: 7,
          result: {
            supportedVersions: ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26'],
            capabilities: {
              tools: { listChanged: false },
              resources: {},
              prompts: {},
              completions: {},
            },
            serverInfo: { name: 'routeiq-gateway', version: expect.any(String) },
            resultType: 'complete',
          },
        },
      });
      const tools = await call('tools/list', { _meta: META }, stateless('tools/list'));
      expect(tools.response).toMatchObject({ result: { resultType: 'complete', tools: [{}] } });
    });

    it('calls a tool when Mcp-Name repeats its name, without a session', async () => {
      const { call, operations } = setup();
      const ctx = stateless('tools/call', { 'mcp-name': 'weather.forecast' });
      const outcome = await call('tools/call', { _meta: META, name: 'weather.forecast' }, ctx);
      expect(outcome.response).toMatchObject({
        result: { resultType: 'complete', isError: false },
      });
      expect(operations.calls[0]?.options).toEqual({ channel: 'mcp' });
    });

    it('needs _meta with the protocol version and client capabilities (-32602, 400)', async () => {
      const { call } = setup();
      const partial = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' };
      for (const params of [undefined, { _meta: partial }, { _meta: 'x' }]) {
        const outcome = await call('tools/list', params, stateless('tools/list'));
        expect(outcome).toMatchObject({
          status: 400,
          response: { id: 7, error: { code: -32602 } },
        });
      }
    });

    it('refuses another protocol version with -32004 listing the supported ones (400)', async () => {
      const { call } = setup();
      const meta = { ...META, 'io.modelcontextprotocol/protocolVersion': '2025-11-25' };
      const outcome = await call('tools/list', { _meta: meta }, stateless('tools/list'));
      expect(outcome).toMatchObject({
        status: 400,
        response: {
          error: {
            code: -32004,
            data: { supportedVersions: expect.arrayContaining(['2026-07-28']) },
          },
        },
      });
    });

    it.each([
      ['a missing MCP-Protocol-Version', 'tools/list', { 'mcp-protocol-version': undefined }],
      ['another MCP-Protocol-Version', 'tools/list', { 'mcp-protocol-version': '2025-11-25' }],
      ['a missing Mcp-Method', 'tools/list', { 'mcp-method': undefined }],
      ['another Mcp-Method', 'tools/list', { 'mcp-method': 'prompts/list' }],
      ['a missing Mcp-Name', 'tools/call', {}],
      ['another Mcp-Name', 'tools/call', { 'mcp-name': 'weather.other' }],
    ])('refuses %s with -32001 (400)', async (_case, method, headers) => {
      const { call, operations } = setup();
      const params = { _meta: META, name: 'weather.forecast' };
      const outcome = await call(method, params, stateless(method, headers));
      expect(outcome).toMatchObject({ status: 400, response: { error: { code: -32001 } } });
      expect(operations.calls).toEqual([]);
    });

    it('checks Mcp-Name against the URI of resources/read', async () => {
      const { call } = setup();
      const params = { _meta: META, uri: 'file:///readme.md' };
      const wrong = stateless('resources/read', { 'mcp-name': 'file:///other.md' });
      await expect(call('resources/read', params, wrong)).resolves.toMatchObject({ status: 400 });
      const right = stateless('resources/read', { 'mcp-name': 'file:///readme.md' });
      await expect(call('resources/read', params, right)).resolves.toMatchObject({ status: 200 });
    });

    it.each(['ping', 'logging/setLevel', 'resources/subscribe', 'tools/unknown'])(
      'answers %s with -32601 and HTTP 404',
      async (method) => {
        const { call } = setup();
        const outcome = await call(method, { _meta: META, level: 'info' }, stateless(method));
        expect(outcome).toMatchObject({ status: 404, response: { error: { code: -32601 } } });
      },
    );
  });
});
