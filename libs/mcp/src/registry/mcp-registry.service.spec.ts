import { InMemoryCoordinationBus, WarmUpRegistry } from '@routeiq/coordination';
import { mcpServerDefaults, type McpServerInput, type McpServerStore } from '@routeiq/persistence';
import {
  HostResolver,
  OutboundException,
  OutboundUrlGuard,
  resolveOutboundConfig,
  SsrfBlockReason,
} from '@routeiq/security';
import { McpErrorCode, McpException } from '../mcp.exception';
import { FakeMcpServerStore } from './__fixtures__/fake-mcp-server.store';
import { MCP_REGISTRY_CHANGED_TOPIC, McpRegistryService } from './mcp-registry.service';

class TableResolver extends HostResolver {
  async resolve(hostname: string): Promise<readonly string[]> {
    const table: Record<string, string[]> = {
      'mcp.example.com': ['93.184.216.34'],
      'rebind.evil': ['169.254.169.254'],
    };
    const addresses = table[hostname];
    if (!addresses) throw new Error(`ENOTFOUND ${hostname}`);
    return addresses;
  }
}

function input(serverId: string, overrides: Partial<McpServerInput> = {}): McpServerInput {
  return {
    ...mcpServerDefaults(),
    serverId,
    serverName: serverId,
    url: 'https://mcp.example.com/mcp',
    createdBy: 'admin-1',
    updatedBy: null,
    ...overrides,
  };
}

/** Resolves with the ids of the next change `registry` reports. */
function nextChange(registry: McpRegistryService): Promise<readonly string[]> {
  return new Promise((resolve) => {
    const stop = registry.onChange((ids) => {
      stop();
      resolve(ids);
    });
  });
}

async function blocked(promise: Promise<unknown>): Promise<OutboundException> {
  const error: unknown = await promise.then(
    () => new Error('the URL was allowed'),
    (e: unknown) => e,
  );
  if (error instanceof OutboundException) return error;
  throw error;
}

describe(McpRegistryService.name, () => {
  const guard = new OutboundUrlGuard(
    resolveOutboundConfig({ LLMROUTER_OUTBOUND_URL_ALLOWLIST: 'http://127.0.0.1:9/allowed' }),
    new TableResolver(),
  );
  let store: FakeMcpServerStore;
  let bus: InMemoryCoordinationBus;
  let replicas: McpRegistryService[];

  async function start(): Promise<McpRegistryService> {
    const registry = new McpRegistryService(store as unknown as McpServerStore, bus, guard);
    replicas.push(registry);
    registry.onModuleInit();
    await registry.onApplicationBootstrap();
    return registry;
  }

  beforeEach(() => {
    store = new FakeMcpServerStore();
    bus = new InMemoryCoordinationBus();
    replicas = [];
  });

  afterEach(() => replicas.forEach((registry) => registry.onModuleDestroy()));

  it('loads every server at start, ordered by id', async () => {
    await store.create(input('zeta'));
    await store.create(input('alpha', { enabled: false }));
    const registry = await start();
    expect(registry.ready).toBe(true);
    expect(registry.list().map((s) => s.serverId)).toEqual(['alpha', 'zeta']);
    expect(registry.get('alpha')?.enabled).toBe(false);
    expect(registry.get('missing')).toBeUndefined();
  });

  it('starts when the database is down and catches up on the next resync', async () => {
    await store.create(input('github'));
    store.failing = true;
    const registry = await start();
    expect(registry.ready).toBe(false);
    expect(registry.list()).toEqual([]);

    store.failing = false;
    const changed = nextChange(registry);
    await registry.resync();
    expect(registry.ready).toBe(true);
    await expect(changed).resolves.toEqual(['github']);
    expect(registry.get('github')?.url).toBe('https://mcp.example.com/mcp');
  });

  it('creates a server, serves it at once, and every replica reloads it and notifies', async () => {
    const writer = await start();
    const other = await start();
    const onWriter = nextChange(writer);
    const onOther = nextChange(other);

    const created = await writer.create(input('github'));

    expect(created.serverId).toBe('github');
    expect(writer.get('github')).toEqual(created);
    await expect(onWriter).resolves.toEqual(['github']);
    await expect(onOther).resolves.toEqual(['github']);
    expect(other.get('github')).toEqual(created);
  });

  it('reloads the servers named by a message from another replica, removals included', async () => {
    await store.create(input('github'));
    await store.create(input('jira'));
    const registry = await start();
    await store.update('github', { serverName: 'GitHub (renamed)' }, 'admin-2');
    await store.delete('jira');

    const changed = nextChange(registry);
    await bus.publish(MCP_REGISTRY_CHANGED_TOPIC, { serverIds: ['github', 'jira'] });

    await expect(changed).resolves.toEqual(['github', 'jira']);
    expect(registry.get('github')?.serverName).toBe('GitHub (renamed)');
    expect(registry.get('jira')).toBeUndefined();
    expect(registry.list().map((s) => s.serverId)).toEqual(['github']);
  });

  it('holds readiness down until the first read of the registry has succeeded', async () => {
    const warmUp = new WarmUpRegistry();
    const registry = new McpRegistryService(store as unknown as McpServerStore, bus, guard, warmUp);
    replicas.push(registry);
    store.failing = true;
    registry.onModuleInit();
    await registry.onApplicationBootstrap();
    expect(warmUp.pending()).toEqual(['mcp-registry']);

    store.failing = false;
    await registry.resync();
    expect(warmUp.pending()).toEqual([]);
  });

  it('ignores a malformed message', async () => {
    await store.create(input('github'));
    const registry = await start();
    const seen: Array<readonly string[]> = [];
    registry.onChange((ids) => seen.push(ids));
    await bus.publish(MCP_REGISTRY_CHANGED_TOPIC, { serverIds: 'github' });
    await bus.publish(MCP_REGISTRY_CHANGED_TOPIC, { serverIds: [] });
    await store.update('github', { enabled: false }, null);
    const changed = nextChange(registry);
    await bus.publish(MCP_REGISTRY_CHANGED_TOPIC, { serverIds: ['github'] });
    await changed;
    expect(seen).toEqual([['github']]);
  });

  it('tells listeners of its own writes at once, and not again when the echo changes nothing', async () => {
    const registry = await start();
    const seen: Array<readonly string[]> = [];
    registry.onChange((ids) => seen.push(ids));
    await registry.create(input('github'));
    expect(seen).toEqual([['github']]);
    // The bus echo of the write reloads the same record: no second notice.
    await bus.publish(MCP_REGISTRY_CHANGED_TOPIC, { serverIds: ['github'] });
    await registry.resync();
    expect(seen).toEqual([['github']]);
  });

  it('catches up with writes it missed on a resync, reporting only what changed', async () => {
    await store.create(input('github'));
    await store.create(input('jira'));
    const registry = await start();
    await store.update('jira', { enabled: false }, null);
    await store.create(input('slack'));

    const changed = nextChange(registry);
    await registry.resync();

    await expect(changed).resolves.toEqual(['jira', 'slack']);
    expect(registry.get('jira')?.enabled).toBe(false);
  });

  it('refuses a URL the SSRF guard blocks, at registration and on update', async () => {
    const registry = await start();
    const loopback = await blocked(
      registry.create(input('local', { url: 'http://127.0.0.1:9/mcp' })),
    );
    expect(loopback.status).toBe(400);
    expect(loopback.reason).toBe(SsrfBlockReason.Loopback);
    expect(store.rows.has('local')).toBe(false);

    await registry.create(input('github'));
    const rebind = await blocked(
      registry.update('github', { url: 'http://rebind.evil/mcp' }, null),
    );
    expect(rebind.reason).toBe(SsrfBlockReason.Metadata);
    expect(store.rows.get('github')?.url).toBe('https://mcp.example.com/mcp');
  });

  it('accepts an allowlisted URL and leaves stdio servers to the process launcher', async () => {
    const registry = await start();
    await expect(
      registry.create(input('local', { url: 'http://127.0.0.1:9/allowed/mcp' })),
    ).resolves.toMatchObject({ serverId: 'local' });
    await expect(
      registry.create(input('fs', { transport: 'stdio', url: null, command: 'npx' })),
    ).resolves.toMatchObject({ transport: 'stdio' });
  });

  it('answers 409 for a taken id and 404 for a missing server', async () => {
    const registry = await start();
    await registry.create(input('github'));
    const exists: unknown = await registry.create(input('github')).catch((e: unknown) => e);
    expect(exists).toBeInstanceOf(McpException);
    expect(exists).toMatchObject({ status: 409, code: McpErrorCode.ServerExists });
    await expect(registry.update('nope', { enabled: false }, null)).rejects.toMatchObject({
      status: 404,
      code: McpErrorCode.ServerNotFound,
    });
    await expect(registry.delete('nope')).rejects.toMatchObject({ status: 404 });
    await expect(registry.fetch('nope')).rejects.toMatchObject({ status: 404 });
  });

  it('updates and deletes through the store and stamps the actor', async () => {
    const registry = await start();
    await registry.create(input('github'));
    const updated = await registry.update('github', { enabled: false }, 'vk-9');
    expect(updated).toMatchObject({ enabled: false, updatedBy: 'vk-9' });
    expect(registry.get('github')?.enabled).toBe(false);

    const changed = nextChange(registry);
    await registry.delete('github');
    expect(registry.get('github')).toBeUndefined();
    expect(store.rows.size).toBe(0);
    await expect(changed).resolves.toEqual(['github']);
  });

  it('keeps notifying the others when one listener throws', async () => {
    const registry = await start();
    registry.onChange(() => {
      throw new Error('listener bug');
    });
    const changed = nextChange(registry);
    await registry.create(input('github'));
    await expect(changed).resolves.toEqual(['github']);
  });
});
