import { createServer, type AddressInfo } from 'node:net';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { CoordinationKeys } from '../coordination-keys';
import { CoordinationErrorCode } from '../coordination.exception';
import { RedisConnections } from '../redis-connections';
import { RedisSemanticIndexStore } from './redis-semantic-index.store';
import { UnsharedSemanticIndexStore } from './semantic-index.store';

const keys = new CoordinationKeys(uniqueRedisPrefix());
const space = (scope: string, model = 'm1', id = 'sp1') => ({ scope, model, space: id });

describe(RedisSemanticIndexStore.name, () => {
  let connections: RedisConnections;
  let admin: Redis;
  let store: RedisSemanticIndexStore;

  beforeAll(async () => {
    connections = new RedisConnections(TEST_REDIS_URL);
    if (!(await connections.waitUntilReady(5000))) throw new Error('test Redis is not running');
    admin = new Redis(TEST_REDIS_URL);
    store = new RedisSemanticIndexStore(connections, keys);
  });

  afterEach(async () => {
    const written = await admin.keys(`${keys.prefix}*`);
    if (written.length > 0) await admin.del(...written);
  });

  afterAll(async () => {
    admin.disconnect();
    await connections.close();
  });

  it('keeps the newest entries up to the cap, newest first, under the prefix with expiry', async () => {
    await store.add(space('s1'), 'h1', 'one', 100, 2);
    await store.add(space('s1'), 'h2', 'two', 30, 2);
    await store.add(space('s1'), 'h1', 'one again', 30, 2);
    await expect(store.load(space('s1'), 10)).resolves.toEqual(['one again', 'two']);
    await store.add(space('s1'), 'h3', 'three', 30, 2);
    await expect(store.load(space('s1'), 10)).resolves.toEqual(['three', 'one again']);
    await expect(store.load(space('s1'), 1)).resolves.toEqual(['three']);
    const { entries, order } = keys.semanticIndex('s1', 'm1', 'sp1');
    expect(entries).toBe(`${keys.prefix}cache-semantic:s1:m1:sp1:entries`);
    expect([await admin.hlen(entries), await admin.zcard(order)]).toEqual([2, 2]);
    // Each key lives as long as its longest-lived entry.
    for (const key of [entries, order]) {
      const ttl = await admin.ttl(key);
      expect(ttl).toBeGreaterThan(95);
      expect(ttl).toBeLessThanOrEqual(100);
    }
    await expect(store.load(space('other'), 10)).resolves.toEqual([]);
    await expect(store.add(space('s1'), 'h4', 'x', 0, 2)).rejects.toThrow(RangeError);
    await expect(store.add(space('s1'), 'h4', 'x', 10, 0)).rejects.toThrow(RangeError);
  });

  it('deletes the spaces of a scope and/or model, counting them', async () => {
    await store.add(space('s1', 'm1', 'a'), 'h', 'x', 60, 5);
    await store.add(space('s1', 'm2', 'b'), 'h', 'x', 60, 5);
    await store.add(space('s2', 'm1', 'c'), 'h', 'x', 60, 5);
    await expect(store.deleteMatching({ scope: 's1', model: 'm1' })).resolves.toBe(1);
    await expect(store.deleteMatching({ model: 'm1' })).resolves.toBe(1);
    await expect(store.load(space('s1', 'm2', 'b'), 5)).resolves.toEqual(['x']);
    await expect(store.deleteMatching({})).resolves.toBe(1);
    expect(await admin.keys(`${keys.prefix}*`)).toEqual([]);
  });

  it('rejects with redis_unavailable when Redis is unreachable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const down = new RedisConnections(`redis://127.0.0.1:${port}`);
    try {
      const unreachable = new RedisSemanticIndexStore(down, keys);
      const unavailable = { code: CoordinationErrorCode.RedisUnavailable };
      await expect(unreachable.load(space('s'), 5)).rejects.toMatchObject(unavailable);
      await expect(unreachable.add(space('s'), 'h', 'x', 1, 1)).rejects.toMatchObject(unavailable);
      await expect(unreachable.deleteMatching({})).rejects.toMatchObject(unavailable);
    } finally {
      await down.close();
    }
  });
});

describe(UnsharedSemanticIndexStore.name, () => {
  it('shares nothing', async () => {
    const store = new UnsharedSemanticIndexStore();
    expect(store.shared).toBe(false);
    await store.add();
    await expect(store.load()).resolves.toEqual([]);
    await expect(store.deleteMatching()).resolves.toBe(0);
  });
});
