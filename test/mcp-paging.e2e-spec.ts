import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { TestGateway } from './support/gateway-harness';
import {
  connectStreamable,
  createMcpStubs,
  generateKey,
  mcpErrorOf,
  registerServer,
  startMcpGateway,
} from './fixtures/mcp-protocol.fixtures';

/** The cursor with one character in its middle changed. */
const altered = (cursor: string): string => {
  const at = Math.floor(cursor.length / 2);
  return cursor.slice(0, at) + (cursor[at] === 'A' ? 'B' : 'A') + cursor.slice(at + 1);
};

// Pagination of the gateway's own MCP listings: the official SDK client against two real
// upstream MCP servers (four tools each) with MCP_LIST_PAGE_SIZE=2.
describe('Gateway MCP endpoint: paginated listings', () => {
  const { alpha, beta } = createMcpStubs();
  let gw: TestGateway;
  let client: Client;
  let otherClient: Client;

  /** Every page of tools/list by following nextCursor (at most 20 pages). */
  const allToolPages = async (c: Client): Promise<string[][]> => {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await c.listTools(cursor === undefined ? {} : { cursor });
      pages.push(page.tools.map((tool) => tool.name));
      cursor = page.nextCursor;
    } while (cursor !== undefined && pages.length < 20);
    return pages;
  };

  beforeAll(async () => {
    await Promise.all([alpha.start(), beta.start()]);
    gw = await startMcpGateway([alpha, beta], { MCP_LIST_PAGE_SIZE: '2' });
    await registerServer(gw, 'beta', beta);
    await registerServer(gw, 'alpha', alpha);
    ({ client } = await connectStreamable(gw, await generateKey(gw)));
    ({ client: otherClient } = await connectStreamable(gw, await generateKey(gw)));
  });

  afterAll(async () => {
    await Promise.all([client?.close(), otherClient?.close()]);
    await gw?.close();
    await Promise.all([alpha.stop(), beta.stop()]);
  });

  it('lists every tool exactly once, two a page, by server then name', async () => {
    const pages = await allToolPages(client);
    expect(pages).toEqual([
      ['alpha.add', 'alpha.echo'],
      ['alpha.fail', 'alpha.slow'],
      ['beta.add', 'beta.echo'],
      ['beta.fail', 'beta.slow'],
    ]);
    // The same pages again: the order does not depend on registration or listing timing.
    await expect(allToolPages(client)).resolves.toEqual(pages);
  });

  it('answers a listing that fits one page without a nextCursor', async () => {
    const prompts = await client.listPrompts();
    expect(prompts.prompts.map((p) => p.name)).toEqual(['alpha.greet']);
    expect(prompts.nextCursor).toBeUndefined();
    const resources = await client.listResources();
    expect(resources.resources.map((r) => r.uri)).toEqual(['memo://alpha/readme']);
    expect(resources.nextCursor).toBeUndefined();
    const templates = await client.listResourceTemplates();
    expect(templates.resourceTemplates.map((t) => t.name)).toEqual(['alpha.note']);
    expect(templates.nextCursor).toBeUndefined();
  });

  it("refuses a cursor used by another key with -32602, and serves the owner's", async () => {
    const { nextCursor } = await client.listTools();
    expect(nextCursor).toEqual(expect.any(String));
    const error = await mcpErrorOf(otherClient.listTools({ cursor: nextCursor! }));
    expect(error.code).toBe(-32602);
    expect(error.message).toMatch(/Invalid cursor/);
    const next = await client.listTools({ cursor: nextCursor! });
    expect(next.tools.map((tool) => tool.name)).toEqual(['alpha.fail', 'alpha.slow']);
  });

  it('refuses a bad cursor and a cursor of another list method with -32602', async () => {
    const { nextCursor } = await client.listTools();
    for (const request of [
      client.listTools({ cursor: 'not-a-cursor' }),
      client.listTools({ cursor: altered(nextCursor!) }),
      client.listPrompts({ cursor: nextCursor! }),
    ]) {
      expect((await mcpErrorOf(request)).code).toBe(-32602);
    }
  });
});
