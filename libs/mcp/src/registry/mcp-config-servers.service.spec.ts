import type {
  ConfigParticipant,
  ConfigStore,
  GatewayConfig,
  McpServerConfig,
} from '@routeiq/config';
import { InMemoryCoordinationBus } from '@routeiq/coordination';
import { mcpServerDefaults, type McpServerStore } from '@routeiq/persistence';
import type { GatewayRequest } from '@routeiq/common';
import { HostResolver, OutboundUrlGuard, resolveOutboundConfig } from '@routeiq/security';
import { resolveMcpConfig } from '../mcp.config';
import { McpErrorCode, McpException } from '../mcp.exception';
import { McpServerAdminService } from '../rest/mcp-server-admin.service';
import { FakeMcpServerStore } from './__fixtures__/fake-mcp-server.store';
import { MCP_CONFIG_RETRY_FIRST_MS, McpConfigServersService } from './mcp-config-servers.service';
import { McpRegistryService } from './mcp-registry.service';

class PublicResolver extends HostResolver {
  async resolve(): Promise<readonly string[]> {
    return ['93.184.216.34'];
  }
}

const GITHUB: McpServerConfig = {
  server_id: 'github',
  server_name: 'GitHub',
  url: 'https://api.githubcopilot.example/mcp',
  transport: 'http',
  auth_type: 'bearer_token',
  auth_value: 'ghp-from-env',
  access_groups: ['dev'],
  allowed_tools: ['search_issues'],
};
const DOCS: McpServerConfig = {
  server_id: 'docs',
  server_name: 'docs',
  url: 'https://docs.example.org/mcp',
};
const ADMIN = { principal: { kind: 'admin', keyId: 'admin' } } as unknown as GatewayRequest;

function configOf(...mcpServers: McpServerConfig[]): GatewayConfig {
  return { mcpServers } as unknown as GatewayConfig;
}

/** One replica: its registry and applier over a shared store, booted with `initial`. */
async function replica(store: FakeMcpServerStore, initial: GatewayConfig) {
  let participant: ConfigParticipant | undefined;
  const configStore = {
    register: (p: ConfigParticipant) => {
      participant = p;
      p.prepare(initial).commit();
    },
  } as unknown as ConfigStore;
  const guard = new OutboundUrlGuard(resolveOutboundConfig({}), new PublicResolver());
  const mcpStore = store as unknown as McpServerStore;
  const registry = new McpRegistryService(mcpStore, new InMemoryCoordinationBus(), guard);
  const mcpConfig = resolveMcpConfig({});
  const applier = new McpConfigServersService(configStore, registry, mcpStore, mcpConfig);
  applier.onModuleInit();
  await applier.onApplicationBootstrap();
  /** A successful reload: prepare then commit, as ConfigStore does. */
  const reload = async (config: GatewayConfig) => {
    const change = participant!.prepare(config);
    expect(change.problems).toEqual([]);
    change.commit();
    await applier.settled();
  };
  const admin = new McpServerAdminService(registry, mcpConfig, applier);
  return { applier, registry, reload, admin, participant: participant! };
}

async function apiServer(store: FakeMcpServerStore, serverId: string): Promise<void> {
  await store.create({
    ...mcpServerDefaults(),
    serverId,
    serverName: serverId,
    url: `https://${serverId}.example/mcp`,
    createdBy: 'admin',
    updatedBy: null,
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );
  if (error instanceof McpException) return error.code;
  throw error;
}

describe(McpConfigServersService.name, () => {
  it('registers the config servers at boot, marked as coming from the config', async () => {
    const store = new FakeMcpServerStore();
    await replica(store, configOf(GITHUB, DOCS));
    expect(store.rows.get('github')).toMatchObject({
      source: 'config',
      serverName: 'GitHub',
      transport: 'streamable_http',
      authType: 'bearer_token',
      authValue: 'ghp-from-env',
      accessGroups: ['dev'],
      allowedTools: ['search_issues'],
    });
    expect(store.rows.get('docs')).toMatchObject({ source: 'config', authType: 'none' });
  });

  it('updates changed servers and removes those gone from the file, never API servers', async () => {
    const store = new FakeMcpServerStore();
    await apiServer(store, 'manual');
    const { reload } = await replica(store, configOf(GITHUB, DOCS));
    const manualBefore = store.rows.get('manual');
    await reload(configOf({ ...GITHUB, auth_value: 'rotated', description: 'Issues' }));
    expect(store.rows.get('github')).toMatchObject({ authValue: 'rotated', description: 'Issues' });
    expect(store.rows.has('docs')).toBe(false);
    expect(store.rows.get('manual')).toEqual(manualBefore);
    await reload(configOf());
    expect([...store.rows.keys()]).toEqual(['manual']);
  });

  it('leaves an API server alone when the file defines the same id', async () => {
    const store = new FakeMcpServerStore();
    await apiServer(store, 'docs');
    await replica(store, configOf(DOCS));
    expect(store.rows.get('docs')).toMatchObject({
      source: 'api',
      url: 'https://docs.example/mcp',
    });
  });

  it('converges when replicas boot together with the same file', async () => {
    const store = new FakeMcpServerStore();
    await Promise.all([1, 2, 3].map(() => replica(store, configOf(GITHUB, DOCS))));
    expect([...store.rows.keys()].sort()).toEqual(['docs', 'github']);
    expect(store.rows.get('github')?.source).toBe('config');
  });

  it('reports every invalid entry by its path in the file, and applies nothing', async () => {
    const store = new FakeMcpServerStore();
    const { participant } = await replica(store, configOf());
    const change = participant.prepare(
      configOf(
        { server_id: 'a', server_name: 'a', auth_type: 'api_key', url: 'https://a.example/mcp' },
        { server_id: 'b', server_name: 'b' },
        { server_id: 'c', server_name: 'c', command: 'npx', args: ['mcp-server'] },
      ),
    );
    expect(change.problems).toEqual([
      { path: 'mcp_servers.a.auth_value', message: 'is required for auth_type api_key' },
      { path: 'mcp_servers.b.url', message: 'is required for the streamable_http transport' },
      {
        path: 'mcp_servers.c.transport',
        message: 'stdio servers are disabled (LLMROUTER_MCP_STDIO_ENABLED)',
      },
    ]);
    expect(store.rows.size).toBe(0);
  });

  it('makes the admin API refuse to change, remove or shadow a config server', async () => {
    const store = new FakeMcpServerStore();
    const { admin } = await replica(store, configOf(GITHUB));
    const managed = McpErrorCode.ManagedByConfig as string;
    await expect(codeOf(admin.update('github', { enabled: false }, ADMIN))).resolves.toBe(managed);
    await expect(codeOf(admin.delete('github'))).resolves.toBe(managed);
    await expect(codeOf(admin.create(DOCS_BODY('github'), ADMIN))).resolves.toBe(managed);
    expect(store.rows.get('github')).toMatchObject({ enabled: true, source: 'config' });
    await expect(admin.create(DOCS_BODY('mine'), ADMIN)).resolves.toMatchObject({
      server_id: 'mine',
      source: 'api',
    });
    await expect(admin.delete('mine')).resolves.toBeUndefined();
  });

  describe('when an apply fails', () => {
    /** A store whose listing fails `failures` times (the database down), then works. */
    class FlakyStore extends FakeMcpServerStore {
      lists = 0;
      constructor(private failures: number) {
        super();
      }
      override async list(): ReturnType<FakeMcpServerStore['list']> {
        this.lists++;
        if (this.failures-- > 0) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        return super.list();
      }
    }

    beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] }));
    afterEach(() => jest.useRealTimers());

    it('tries again after 1 s, then 2 s, until the database answers', async () => {
      const store = new FlakyStore(2);
      const { applier } = await replica(store, configOf(GITHUB));
      expect([store.lists, store.rows.size]).toEqual([1, 0]);
      await jest.advanceTimersByTimeAsync(MCP_CONFIG_RETRY_FIRST_MS);
      expect([store.lists, store.rows.size]).toEqual([2, 0]);
      await jest.advanceTimersByTimeAsync(MCP_CONFIG_RETRY_FIRST_MS);
      expect(store.lists).toBe(2);
      await jest.advanceTimersByTimeAsync(MCP_CONFIG_RETRY_FIRST_MS);
      await applier.settled();
      expect([store.lists, store.rows.get('github')?.source]).toEqual([3, 'config']);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('does not try again a server the gateway refuses (a blocked URL)', async () => {
      const store = new FakeMcpServerStore();
      const blocked = { ...DOCS, url: 'http://127.0.0.1:9/mcp' };
      await replica(store, configOf(blocked, GITHUB));
      expect([store.rows.has('docs'), store.rows.has('github')]).toEqual([false, true]);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('drops the pending retry when a newer file is applied, and stops on shutdown', async () => {
      const store = new FlakyStore(1);
      const { reload } = await replica(store, configOf(GITHUB));
      expect(jest.getTimerCount()).toBe(1);
      await reload(configOf(DOCS));
      expect(jest.getTimerCount()).toBe(0);
      expect([...store.rows.keys()]).toEqual(['docs']);

      const failing = new FlakyStore(5);
      const { applier } = await replica(failing, configOf(GITHUB));
      expect(jest.getTimerCount()).toBe(1);
      applier.onApplicationShutdown();
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});

function DOCS_BODY(serverId: string): Record<string, unknown> {
  return { server_id: serverId, server_name: serverId, url: 'https://other.example/mcp' };
}
