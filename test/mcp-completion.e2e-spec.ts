import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { TestGateway } from './support/gateway-harness';
import { McpStubServer, type McpStubPrompt } from './support/mcp-stub.server';
import {
  connectStreamable,
  generateKey,
  mcpErrorOf,
  registerServer,
  startMcpGateway,
} from './fixtures/mcp-protocol.fixtures';

// `completion/complete` through the gateway's /mcp endpoint: the official SDK client against
// real upstream MCP servers, one that completes (prompt arguments and a resource template) and
// one that does not declare the completions capability.
const REVIEW: McpStubPrompt = {
  name: 'review',
  arguments: [{ name: 'language' }],
  text: (args) => `Review this ${args.language ?? 'code'}`,
};
const PATHS = Array.from({ length: 150 }, (_, i) => `src/file-${i}.ts`);

describe('Gateway MCP endpoint: completion', () => {
  const docs = new McpStubServer({
    name: 'docs',
    prompts: [REVIEW],
    resourceTemplates: [{ uriTemplate: 'file:///{path}', name: 'file' }],
    completions: {
      review: { language: ['python', 'perl', 'php', 'typescript'] },
      'file:///{path}': { path: PATHS },
    },
  });
  const plain = new McpStubServer({ name: 'plain', prompts: [REVIEW] });
  let gw: TestGateway;
  let client: Client;
  let plainOnly: Client;

  beforeAll(async () => {
    await Promise.all([docs.start(), plain.start()]);
    gw = await startMcpGateway([docs, plain]);
    await registerServer(gw, 'docs', docs);
    await registerServer(gw, 'plain', plain);
    ({ client } = await connectStreamable(gw, await generateKey(gw)));
    const plainKey = await generateKey(gw, { object_permission: { mcp_servers: ['plain'] } });
    ({ client: plainOnly } = await connectStreamable(gw, plainKey));
  });

  afterAll(async () => {
    await Promise.all([client?.close(), plainOnly?.close()]);
    await gw?.close();
    await Promise.all([docs.stop(), plain.stop()]);
  });

  it('declares the completions capability', () => {
    expect(client.getServerCapabilities()).toMatchObject({ completions: {} });
  });

  it('forwards a prompt argument completion to its server, with the upstream name', async () => {
    const result = await client.complete({
      ref: { type: 'ref/prompt', name: 'docs.review' },
      argument: { name: 'language', value: 'p' },
      context: { arguments: { repo: 'routeiq' } },
    });
    expect(result.completion).toEqual({
      values: ['python', 'perl', 'php'],
      total: 3,
      hasMore: false,
    });
    const sent = docs.received('completion/complete').map((message) => message.params);
    expect(sent).toEqual([
      expect.objectContaining({
        ref: { type: 'ref/prompt', name: 'review' },
        argument: { name: 'language', value: 'p' },
        context: { arguments: { repo: 'routeiq' } },
      }),
    ]);
  });

  it('completes a resource template argument, capping the values at 100', async () => {
    const ref = { type: 'ref/resource', uri: 'file:///{path}' } as const;
    const result = await client.complete({ ref, argument: { name: 'path', value: 'src/' } });
    expect(result.completion).toEqual({
      values: PATHS.slice(0, 100),
      total: 150,
      hasMore: true,
    });
    expect(docs.received('completion/complete').at(-1)?.params).toMatchObject({ ref });
  });

  it('refuses a key without access to the server as prompts/get does', async () => {
    const before = docs.received('completion/complete').length;
    const ref = { type: 'ref/prompt', name: 'docs.review' } as const;
    const refused = await mcpErrorOf(
      plainOnly.complete({ ref, argument: { name: 'language', value: 'p' } }),
    );
    const asGet = await mcpErrorOf(plainOnly.getPrompt({ name: 'docs.review' }));
    expect(refused.code).toBe(-32003);
    expect({ code: refused.code, message: refused.message }).toEqual({
      code: asGet.code,
      message: asGet.message,
    });
    expect(docs.received('completion/complete')).toHaveLength(before);
  });

  it('answers an empty completion for an upstream without the capability', async () => {
    const result = await client.complete({
      ref: { type: 'ref/prompt', name: 'plain.review' },
      argument: { name: 'language', value: 'p' },
    });
    expect(result.completion).toEqual({ values: [], hasMore: false });
    expect(plain.received('completion/complete')).toEqual([]);
  });

  it('refuses an unknown prompt or resource with -32002, as prompts/get does', async () => {
    const argument = { name: 'language', value: '' };
    const unknownPrompt = await mcpErrorOf(
      client.complete({ ref: { type: 'ref/prompt', name: 'docs.nope' }, argument }),
    );
    const asGet = await mcpErrorOf(client.getPrompt({ name: 'docs.nope' }));
    expect(unknownPrompt.code).toBe(-32002);
    expect(unknownPrompt.code).toBe(asGet.code);
    const unknownResource = await mcpErrorOf(
      client.complete({ ref: { type: 'ref/resource', uri: 'memo://nowhere/{id}' }, argument }),
    );
    expect(unknownResource.code).toBe(-32002);
  });
});
