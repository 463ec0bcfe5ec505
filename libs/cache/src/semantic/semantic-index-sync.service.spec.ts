import { createServer, type AddressInfo } from 'node:net';
import {
  CoordinationKeys,
  RedisConnections,
  RedisCoordinationBus,
  RedisResponseCacheStore,
  RedisSemanticIndexStore,
} from '@routeiq/coordination';
import { eventually, TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { CacheConfig } from '../cache.config';
import { tokenOf } from '../cache-key';
import { CacheStats } from '../cache-stats';
import { CacheTiers } from '../cache-tiers.service';
import { termVector } from './prompt-vector';
import { promptFacts } from './semantic-guard';
import type { IndexedPrompt } from './semantic-index';
import { SEMANTIC_INDEXED_TOPIC, SemanticIndexSync } from './semantic-index-sync.service';

interface Replica {
  readonly sync: SemanticIndexSync;
  readonly tiers: CacheTiers;
  readonly stats: CacheStats;
  readonly bus: RedisCoordinationBus;
  close(): Promise<void>;
}

const keys = new CoordinationKeys(uniqueRedisPrefix());
const SCOPE = 'team:t1';
const MODEL = 'gpt';
const ref = (space: string) => ({ space, scopeToken: tokenOf(SCOPE), modelToken: tokenOf(MODEL) });

async function replica(
  overrides: Partial<CacheConfig> = {},
  url = TEST_REDIS_URL,
): Promise<Replica> {
  const connections = new RedisConnections(url);
  if (url === TEST_REDIS_URL && !(await connections.waitUntilReady(5000))) {
    throw new Error('test Redis is not running');
  }
  const config = Object.assign(new CacheConfig(), {
    localMaxEntries: 100,
    redisEnabled: true,
    semanticEnabled: true,
    semanticMaxPromptsPerScope: 3,
    ...overrides,
  });
  const stats = new CacheStats();
  const bus = new RedisCoordinationBus(connections, keys);
  const tiers = new CacheTiers(config, new RedisResponseCacheStore(connections, keys), bus, stats);
  const store = new RedisSemanticIndexStore(connections, keys);
  const sync = new SemanticIndexSync(config, tiers, store, bus, stats);
  tiers.onModuleInit();
  sync.onModuleInit();
  return { sync, tiers, stats, bus, close: () => connections.close() };
}

function prompt(hash: string, text: string, space = 'a'.repeat(32)): IndexedPrompt {
  return {
    address: {
      hash: hash.repeat(64),
      scope: SCOPE,
      scopeToken: tokenOf(SCOPE),
      model: MODEL,
      modelToken: tokenOf(MODEL),
    },
    space,
    vector: termVector(text),
    facts: promptFacts(text),
    expiresAt: Date.now() + 60_000,
  };
}

describe(SemanticIndexSync.name, () => {
  let admin: Redis;
  let a: Replica;
  let b: Replica;
  const SPACE = 'a'.repeat(32);

  beforeAll(() => {
    admin = new Redis(TEST_REDIS_URL);
  });

  beforeEach(async () => {
    [a, b] = await Promise.all([replica(), replica()]);
    // Subscriptions are live once a round trip through the subscriber connection is done.
    await Promise.all([a, b].map((r) => r.bus.publish('noop', {})));
  });

  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
    const written = await admin.keys(`${keys.prefix}*`);
    if (written.length > 0) await admin.del(...written);
  });

  afterAll(() => admin.disconnect());

  it('writes an entry to Redis with expiry; a replica meeting the scope loads it once', async () => {
    a.sync.add(prompt('1', 'What is the capital of France?'));
    const { entries, order } = keys.semanticIndex(tokenOf(SCOPE), tokenOf(MODEL), SPACE);
    await eventually(() => a.stats.semanticShared.shared === 1, 'a shared the entry');
    expect(await admin.hlen(entries)).toBe(1);
    expect(await admin.ttl(order)).toBeGreaterThan(55);
    const raw = await admin.hget(entries, '1'.repeat(64));
    expect(raw).not.toContain('capital');
    expect(b.sync.index.has('1'.repeat(64))).toBe(false);

    await b.sync.ready(ref(SPACE));
    expect(b.sync.index.has('1'.repeat(64))).toBe(true);
    expect(b.stats.semanticShared).toMatchObject({ scopeLoads: 1, loaded: 1, rejected: 0 });
    // Loaded: no Redis round trip any more.
    expect(b.sync.ready(ref(SPACE))).toBeUndefined();
    expect(
      b.sync.index.search(
        SPACE,
        termVector('What is the capital city of France?'),
        promptFacts('What is the capital city of France?'),
        0.85,
      ),
    ).toMatchObject({ kind: 'hit' });
  });

  it('adds announced entries of loaded scopes, caps each scope in Redis', async () => {
    await b.sync.ready(ref(SPACE));
    const other = 'c'.repeat(32);
    for (const [hash, text] of [
      ['1', 'one'],
      ['2', 'two'],
      ['3', 'three'],
      ['4', 'four'],
    ]) {
      a.sync.add(prompt(hash!, `Name ${text} colours`));
    }
    a.sync.add(prompt('5', 'Name colours', other));
    await eventually(() => b.stats.semanticShared.received === 4, 'b received 4 entries');
    expect(b.sync.index.has('4'.repeat(64))).toBe(true);
    // A scope B never met is not pushed into its index: it is loaded when met.
    expect(b.sync.index.has('5'.repeat(64))).toBe(false);
    expect(b.stats.semanticShared.scopeLoads).toBe(1);
    const { entries } = keys.semanticIndex(tokenOf(SCOPE), tokenOf(MODEL), SPACE);
    expect((await admin.hkeys(entries)).sort()).toEqual(['2', '3', '4'].map((h) => h.repeat(64)));
    // The local index keeps the same cap per scope.
    expect(b.sync.index.has('1'.repeat(64))).toBe(false);
  });

  it('drops malformed entries from Redis and the bus, counting them', async () => {
    const { entries, order } = keys.semanticIndex(tokenOf(SCOPE), tokenOf(MODEL), SPACE);
    await admin.hset(entries, 'x', '{"v":1,"hash":"nope"}', 'y', 'not json');
    await admin.zadd(order, 1, 'x', 2, 'y');
    await expect(b.sync.ready(ref(SPACE))).resolves.toBeUndefined();
    expect(b.stats.semanticShared).toMatchObject({ loaded: 0, rejected: 2 });
    await a.bus.publish(SEMANTIC_INDEXED_TOPIC, { entry: { v: 1, vector: 'x' } });
    await a.bus.publish(SEMANTIC_INDEXED_TOPIC, { entry: 'garbage' });
    await eventually(() => b.stats.semanticShared.rejected === 4, 'b rejected 4 entries');
    expect(b.sync.index.size).toBe(0);
  });

  it('on a flush drops local entries, the Redis index and the loaded marks', async () => {
    await b.sync.ready(ref(SPACE));
    a.sync.add(prompt('1', 'What is the capital of France?'));
    await eventually(() => b.sync.index.has('1'.repeat(64)), 'b indexed the entry');
    const filter = { scopeToken: tokenOf(SCOPE) };
    a.tiers.flushLocal(filter);
    await expect(a.sync.deleteShared(filter)).resolves.toBe(1);
    await a.tiers.announceFlush(filter);
    await eventually(() => b.sync.index.size === 0, 'b dropped its entries');
    const reload = b.sync.ready(ref(SPACE));
    expect(reload).toBeDefined();
    await reload;
    expect(b.sync.index.size).toBe(0);
  });

  it('without the Redis tier keeps the index local', async () => {
    const local = await replica({ redisEnabled: false });
    try {
      expect(local.sync.shared).toBe(false);
      local.sync.add(prompt('1', 'What is the capital of France?'));
      expect(local.sync.ready(ref(SPACE))).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await admin.keys(`${keys.prefix}cache-semantic:*`)).toEqual([]);
      await expect(local.sync.deleteShared({})).resolves.toBeNull();
    } finally {
      await local.close();
    }
  });

  it('treats a Redis failure as a miss: counted, and not retried at once', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const down = await replica({}, `redis://127.0.0.1:${port}`);
    try {
      await expect(down.sync.ready(ref(SPACE))).resolves.toBeUndefined();
      expect(down.stats.sharedErrors).toBe(1);
      expect(down.sync.ready(ref(SPACE))).toBeUndefined();
      down.sync.add(prompt('1', 'What is the capital of France?'));
      expect(down.sync.index.has('1'.repeat(64))).toBe(true);
      await eventually(() => down.stats.sharedErrors === 2, 'a second shared error');
    } finally {
      await down.close();
    }
  });
});
