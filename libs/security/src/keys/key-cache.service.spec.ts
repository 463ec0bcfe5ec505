import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryCoordinationBus } from '@routeiq/coordination';
import {
  createDataSource,
  NO_AGENT_RESTRICTIONS,
  NO_MCP_RESTRICTIONS,
  runMigrationsLocked,
  TeamStore,
  VirtualKeyStore,
  type VirtualKeyRecord,
} from '@routeiq/persistence';
import type { DataSource } from 'typeorm';
import { KeyCacheService } from './key-cache.service';

const TOKEN = 'a'.repeat(64);
const T0 = new Date('2026-01-01T00:00:00.000Z');

/** The in-memory bus, plus the reconnect a Redis bus reports after an outage. */
class ReconnectingBus extends InMemoryCoordinationBus {
  private readonly reconnectListeners = new Set<() => void>();

  override onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  reconnect(): void {
    for (const listener of this.reconnectListeners) listener();
  }
}

function keyRecord(): VirtualKeyRecord {
  return {
    token: TOKEN,
    keyName: 'sk-...aaaa',
    keyAlias: null,
    teamId: null,
    userId: null,
    permissions: [],
    expiresAt: null,
    models: [],
    maxBudget: null,
    budgetDuration: null,
    budgetResetAt: null,
    spend: 0,
    rpmLimit: null,
    tpmLimit: null,
    blocked: false,
    metadata: {},
    mcp: NO_MCP_RESTRICTIONS,
    agents: NO_AGENT_RESTRICTIONS,
    createdAt: T0,
    updatedAt: T0,
  };
}

describe(KeyCacheService.name, () => {
  let dir: string;
  let dataSource: DataSource;
  let keys: VirtualKeyStore;
  let bus: ReconnectingBus;
  let cache: KeyCacheService;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-key-cache-'));
    dataSource = await createDataSource({
      kind: 'sqlite',
      path: join(dir, 'routeiq.sqlite'),
    }).initialize();
    await runMigrationsLocked(dataSource);
    keys = new VirtualKeyStore(dataSource);
    await keys.insert(keyRecord());
    bus = new ReconnectingBus();
    cache = new KeyCacheService(keys, new TeamStore(dataSource), bus);
    cache.onModuleInit();
  });

  afterEach(async () => {
    cache.onModuleDestroy();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('forgets every cached key when the bus comes back: a revocation may have been missed', async () => {
    expect((await cache.resolve(TOKEN))?.key.blocked).toBe(false);
    // Blocked by another replica while this one could not hear the announcement.
    await keys.update(TOKEN, { blocked: true });
    expect((await cache.resolve(TOKEN))?.key.blocked).toBe(false);

    bus.reconnect();

    expect((await cache.resolve(TOKEN))?.key.blocked).toBe(true);
  });

  it('stops listening for reconnects once destroyed', async () => {
    await cache.resolve(TOKEN);
    await keys.update(TOKEN, { blocked: true });
    cache.onModuleDestroy();

    bus.reconnect();

    expect((await cache.resolve(TOKEN))?.key.blocked).toBe(false);
  });
});
