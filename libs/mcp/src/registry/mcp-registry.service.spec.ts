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

// The registry's generic behaviour (replication, 404/409, when vetting runs) is covered by the
// ReplicatedRegistry spec; this one covers what is MCP's own.

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

  async function start(warmUp?: WarmUpRegistry): Promise<McpRegistryService> {
    const registry = new McpRegistryService(store as unknown as McpServerStore, bus, guard, warmUp);
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

  it('announces writes as { serverIds } on mcp.registry.changed; other replicas follow', async () => {
    const writer = await start();
    const other = await start();
    const published: unknown[] = [];
    bus.subscribe(MCP_REGISTRY_CHANGED_TOPIC, (message) => published.push(message.payload));

    const onCreate = nextChange(other);
    const created = await writer.create(input('github'));
    await expect(onCreate).resolves.toEqual(['github']);
    expect(other.get('github')).toEqual(created);

    const onDelete = nextChange(other);
    await writer.delete('github');
    await expect(onDelete).resolves.toEqual(['github']);
    expect(other.get('github')).toBeUndefined();
    expect(published).toEqual([{ serverIds: ['github'] }, { serverIds: ['github'] }]);
  });

  it('holds readiness down as mcp-registry until the first read of the registry succeeds', async () => {
    const warmUp = new WarmUpRegistry();
    store.failing = true;
    const registry = await start(warmUp);
    expect(warmUp.pending()).toEqual(['mcp-registry']);

    store.failing = false;
    await registry.resync();
    expect(warmUp.pending()).toEqual([]);
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

  it('checks the URL again when the transport changes or the server is enabled', async () => {
    await store.create(
      input('fs', { transport: 'stdio', url: 'http://rebind.evil/mcp', command: 'npx' }),
    );
    await store.create(input('old', { url: 'http://127.0.0.1:9/mcp', enabled: false }));
    const registry = await start();

    const toHttp = await blocked(registry.update('fs', { transport: 'streamable_http' }, null));
    expect(toHttp.reason).toBe(SsrfBlockReason.Metadata);
    expect(store.rows.get('fs')?.transport).toBe('stdio');
    await expect(registry.update('old', { serverName: 'Old' }, null)).resolves.toMatchObject({
      serverName: 'Old',
    });
    const enabling = await blocked(registry.update('old', { enabled: true }, null));
    expect(enabling.reason).toBe(SsrfBlockReason.Loopback);
    expect(store.rows.get('old')?.enabled).toBe(false);
  });

  it('answers McpException 409 for a taken id and 404 for a missing server', async () => {
    const registry = await start();
    await registry.create(input('github'));
    const exists: unknown = await registry.create(input('github')).catch((e: unknown) => e);
    expect(exists).toBeInstanceOf(McpException);
    expect(exists).toMatchObject({ status: 409, code: McpErrorCode.ServerExists });
    for (const missing of [
      () => registry.update('nope', { enabled: false }, null),
      () => registry.delete('nope'),
      () => registry.fetch('nope'),
    ]) {
      const error: unknown = await missing().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(McpException);
      expect(error).toMatchObject({ status: 404, code: McpErrorCode.ServerNotFound });
    }
  });
});
