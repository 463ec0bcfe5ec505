import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, McpStubServer, mcpStubTools } from '@routeiq/testing';
import { McpErrorCode } from '../mcp.exception';
import {
  serverRecord,
  upstreamHarness,
  type UpstreamHarness,
} from '../upstream/__fixtures__/upstream.harness';
import { McpCatalogService } from './mcp-catalog.service';

const docs = new McpStubServer({
  name: 'docs',
  tools: mcpStubTools().slice(0, 2),
  pageSize: 2,
  resources: [
    { uri: 'file:///a.md', name: 'a', mimeType: 'text/markdown', text: '# A' },
    { uri: 'file:///b.md', name: 'b', text: 'B' },
    { uri: 'file:///c.md', name: 'c', text: 'C' },
  ],
  resourceTemplates: [{ uriTemplate: 'file:///{path}', name: 'files' }],
  prompts: [
    {
      name: 'summarise',
      description: 'Summarise a text',
      arguments: [{ name: 'text', required: true }],
      text: (args) => `Summarise: ${args.text}`,
    },
  ],
});

describe(McpCatalogService.name, () => {
  let tools: McpStubServer;
  let harness: UpstreamHarness;

  beforeAll(async () => {
    await docs.start();
  });

  afterAll(async () => {
    await docs.stop();
  });

  beforeEach(async () => {
    tools = new McpStubServer({ name: 'tools', pageSize: 3 });
    await tools.start();
    harness = upstreamHarness([`${tools.origin}/`, `${docs.origin}/`]);
    harness.directory.put(serverRecord('docs', docs.url), serverRecord('tools', tools.url));
  });

  afterEach(async () => {
    await harness.close();
    await tools.stop();
    docs.messages.length = 0;
  });

  it('lists every page of every server, namespaced by server id', async () => {
    const listed = await harness.catalog.tools();

    expect(listed.map((tool) => tool.qualifiedName)).toEqual([
      'docs.add',
      'docs.echo',
      'tools.add',
      'tools.echo',
      'tools.slow',
      'tools.fail',
    ]);
    expect(listed[0]).toEqual({
      serverId: 'docs',
      name: 'add',
      qualifiedName: 'docs.add',
      description: 'Adds two numbers',
      inputSchema: {
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'number' } },
        required: ['a', 'b'],
      },
    });
    expect(tools.received('tools/list').map((m) => m.params?.cursor)).toEqual([undefined, '3']);
    expect(docs.received('initialize')[0]?.params?.clientInfo).toMatchObject({
      name: 'routeiq-gateway',
    });
  });

  it('lists resources, templates and prompts only where the server declared them', async () => {
    const resources = await harness.catalog.resources();
    const templates = await harness.catalog.resourceTemplates();
    const prompts = await harness.catalog.prompts();

    expect(resources.map((r) => [r.serverId, r.uri, r.qualifiedName])).toEqual([
      ['docs', 'file:///a.md', 'docs.a'],
      ['docs', 'file:///b.md', 'docs.b'],
      ['docs', 'file:///c.md', 'docs.c'],
    ]);
    expect(resources[0]?.mimeType).toBe('text/markdown');
    expect(templates).toEqual([
      {
        serverId: 'docs',
        name: 'files',
        qualifiedName: 'docs.files',
        uriTemplate: 'file:///{path}',
      },
    ]);
    expect(prompts).toEqual([
      {
        serverId: 'docs',
        name: 'summarise',
        qualifiedName: 'docs.summarise',
        description: 'Summarise a text',
        arguments: [{ name: 'text', required: true }],
      },
    ]);
    expect(docs.received('resources/list')).toHaveLength(2);
    expect(tools.received('resources/list')).toHaveLength(0);
    expect(tools.received('prompts/list')).toHaveLength(0);
  });

  it('narrows to the given servers and applies allowedTools', async () => {
    harness.directory.put(serverRecord('tools', tools.url, { allowedTools: ['add', 'slow'] }));

    const listed = await harness.catalog.tools(['tools', 'unknown']);

    expect(listed.map((tool) => tool.qualifiedName)).toEqual(['tools.add', 'tools.slow']);
    await expect(harness.catalog.findTool('tools.slow')).resolves.toMatchObject({ name: 'slow' });
    await expect(harness.catalog.findTool('tools.echo')).resolves.toBeUndefined();
    await expect(harness.catalog.findTool('tools.nope')).resolves.toBeUndefined();
    await expect(harness.catalog.findTool('nope.add')).resolves.toBeUndefined();
    await expect(harness.catalog.findTool('add')).resolves.toBeUndefined();
    expect(docs.received('initialize')).toHaveLength(0);
  });

  it('leaves disabled servers out without connecting to them', async () => {
    harness.directory.put(serverRecord('tools', tools.url, { enabled: false }));

    const listed = await harness.catalog.tools();

    expect(new Set(listed.map((tool) => tool.serverId))).toEqual(new Set(['docs']));
    await expect(harness.catalog.findTool('tools.add')).resolves.toBeUndefined();
    expect(tools.messages).toHaveLength(0);
  });

  it('leaves out a server whose listing fails, unreachable or refused by the SSRF guard', async () => {
    const dead = new McpStubServer();
    await dead.start();
    await dead.stop();
    await harness.close();
    harness = upstreamHarness([`${tools.origin}/`, `${docs.origin}/`, dead.url]);
    harness.directory.put(
      serverRecord('docs', docs.url),
      serverRecord('tools', tools.url),
      serverRecord('dead', dead.url),
      serverRecord('blocked', 'http://127.0.0.1:9/mcp'),
    );

    const listed = await harness.catalog.tools();

    expect(new Set(listed.map((tool) => tool.serverId))).toEqual(new Set(['docs', 'tools']));
    expect(harness.catalog.lastToolCount('dead')).toBeNull();
    expect(harness.catalog.lastToolCount('tools')).toBe(4);
  });

  it('rejects a strict listing, naming the first server whose listing failed', async () => {
    const dead = new McpStubServer();
    await dead.start();
    await dead.stop();
    // Accepts the connection and never answers: the listing runs into the server's timeout.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/mcp`;
    await harness.close();
    harness = upstreamHarness([`${docs.origin}/`, dead.url, silentUrl]);
    harness.directory.put(
      serverRecord('docs', docs.url),
      serverRecord('dead', dead.url),
      serverRecord('silent', silentUrl, { timeoutMs: 200 }),
    );
    try {
      await expect(harness.catalog.tools(undefined, { strict: true })).rejects.toMatchObject({
        status: 502,
        code: McpErrorCode.UpstreamError,
        message:
          'Could not list the tools of MCP server "dead": the server is unreachable (ECONNREFUSED)',
      });
      await expect(harness.catalog.tools(['silent'], { strict: true })).rejects.toMatchObject({
        status: 502,
        message: 'Could not list the tools of MCP server "silent": did not answer within 200 ms',
      });
      await expect(harness.catalog.tools(['docs'], { strict: true })).resolves.toHaveLength(2);
      // Without `strict` the same listing leaves the failed servers out.
      const lenient = await harness.catalog.tools();
      expect(lenient.map((tool) => tool.serverId)).toEqual(['docs', 'docs']);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('shares one listing between concurrent callers and caches it', async () => {
    await Promise.all([
      harness.catalog.tools(),
      harness.catalog.tools(['tools']),
      harness.catalog.findTool('tools.add'),
    ]);
    await harness.catalog.tools();

    expect(tools.received('initialize')).toHaveLength(1);
    expect(tools.received('tools/list')).toHaveLength(2); // one listing, two pages
  });

  it('lists again after invalidate() and after the TTL', async () => {
    await harness.catalog.tools(['tools']);
    harness.catalog.invalidate(['tools']);
    await harness.catalog.tools(['tools']);
    expect(tools.received('tools/list')).toHaveLength(4);

    const later = Date.now() + harness.config.discoveryTtlSeconds * 1000 + 1;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      await harness.catalog.tools(['tools']);
    } finally {
      clock.mockRestore();
    }
    expect(tools.received('tools/list')).toHaveLength(6);
    expect(tools.received('initialize')).toHaveLength(1);
  });

  it('drops the listing when the upstream sends tools/list_changed', async () => {
    await harness.catalog.tools(['tools']);
    await tools.listening();

    await tools.addTool({
      name: 'late',
      inputSchema: { type: 'object' },
      run: () => ({ content: [] }),
    });

    await eventually(
      async () => (await harness.catalog.findTool('tools.late')) !== undefined,
      'the new tool is listed',
    );
    expect(harness.catalog.lastToolCount('tools')).toBe(5);
  });

  it('lists again when a registry change closes the connection under a listing', async () => {
    const listing = harness.catalog.tools(['tools'], { strict: true });
    // The same record again, as the registry's own bus message reloads it just after a write.
    harness.directory.put(serverRecord('tools', tools.url));

    await expect(listing).resolves.toHaveLength(4);
  });

  it('drops the listing and the connection when the registry changes the server', async () => {
    await harness.catalog.tools(['tools']);

    harness.directory.put(serverRecord('tools', tools.url, { allowedTools: ['echo'] }));
    const listed = await harness.catalog.tools(['tools']);

    expect(listed.map((tool) => tool.name)).toEqual(['echo']);
    expect(tools.received('initialize')).toHaveLength(2);
    expect(tools.received('tools/list')).toHaveLength(4);

    harness.directory.remove('tools');
    await expect(harness.catalog.tools(['tools'])).resolves.toEqual([]);
    expect(harness.catalog.lastToolCount('tools')).toBeNull();
  });
});
