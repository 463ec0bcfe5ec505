import { createServer, type AddressInfo } from 'node:net';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { CoordinationKeys } from '../coordination-keys';
import { CoordinationErrorCode } from '../coordination.exception';
import { RedisConnections } from '../redis-connections';
import { RedisResponseCacheStore } from './redis-response-cache.store';
import { UnsharedResponseCacheStore } from './response-cache.store';

const keys = new CoordinationKeys(uniqueRedisPrefix());
const id = (scope: string, model: string, hash: string) => ({ scope, model, hash });

describe(RedisResponseCacheStore.name, () => {
  let connections: RedisConnections;
  let admin: Redis;
  let store: RedisResponseCacheStore;

  beforeAll(async () => {
    connections = new RedisConnections(TEST_REDIS_URL);
    if (!(await connections.waitUntilReady(5000))) throw new Error('test Redis is not running');
    admin = new Redis(TEST_REDIS_URL);
    store = new RedisResponseCacheStore(connections, keys);
  });

  afterEach(async () => {
    const written = await admin.keys(`${keys.prefix}*`);
    if (written.length > 0) await admin.del(...written);
  });

  afterAll(async () => {
    admin.disconnect();
    await connections.close();
  });

  it('stores an entry as a hash under the prefix with Redis expiry, and reads it back', async () => {
    await expect(store.get(id('s1', 'm1', 'h1'))).resolves.toBeUndefined();
    await store.set(id('s1', 'm1', 'h1'), { meta: '{"a":1}', body: '{"b":2}' }, 100);
    await expect(store.get(id('s1', 'm1', 'h1'))).resolves.toEqual({
      meta: '{"a":1}',
      body: '{"b":2}',
    });
    const key = `${keys.prefix}cache:s1:m1:h1`;
    expect(await admin.hget(key, 'body')).toBe('{"b":2}');
    const ttl = await admin.ttl(key);
    expect(ttl).toBeGreaterThan(95);
    expect(ttl).toBeLessThanOrEqual(100);
    await expect(store.set(id('s1', 'm1', 'h1'), { meta: '', body: '' }, 0)).rejects.toThrow(
      RangeError,
    );
  });

  it('lists entries by scope and model with sizes and TTLs, without reading bodies', async () => {
    await store.set(id('s1', 'm1', 'h1'), { meta: 'one', body: 'x'.repeat(10) }, 60);
    await store.set(id('s1', 'm2', 'h2'), { meta: 'two', body: 'y'.repeat(20) }, 60);
    await store.set(id('s2', 'm1', 'h3'), { meta: 'three', body: 'z' }, 60);
    const all = await listAll(store, {});
    expect(all.map((record) => record.hash).sort()).toEqual(['h1', 'h2', 'h3']);
    const byScope = await listAll(store, { scope: 's1' });
    expect(byScope.map((record) => record.hash).sort()).toEqual(['h1', 'h2']);
    const byModel = await listAll(store, { model: 'm1' });
    expect(byModel.map((record) => [record.hash, record.scope]).sort()).toEqual([
      ['h1', 's1'],
      ['h3', 's2'],
    ]);
    const [two] = await listAll(store, { scope: 's1', model: 'm2' });
    expect(two).toMatchObject({ meta: 'two', bodyBytes: 20, model: 'm2' });
    expect(two!.ttlSeconds).toBeGreaterThan(50);
  });

  it('deletes only the matching entries and counts them', async () => {
    await store.set(id('s1', 'm1', 'h1'), { meta: 'a', body: 'a' }, 60);
    await store.set(id('s1', 'm2', 'h2'), { meta: 'b', body: 'b' }, 60);
    await store.set(id('s2', 'm1', 'h3'), { meta: 'c', body: 'c' }, 60);
    await expect(store.deleteMatching({ scope: 's1', model: 'm1' })).resolves.toBe(1);
    await expect(store.deleteMatching({ model: 'm1' })).resolves.toBe(1);
    await expect(store.get(id('s1', 'm2', 'h2'))).resolves.toBeDefined();
    await expect(store.deleteMatching({})).resolves.toBe(1);
    await expect(listAll(store, {})).resolves.toEqual([]);
  });

  it('escapes glob characters of the key prefix in its patterns', () => {
    const odd = new CoordinationKeys('a*b[c]?:');
    expect(odd.responseCachePattern('s', undefined)).toBe('a\\*b\\[c\\]\\?:cache:s:*:*');
    expect(odd.responseCacheIdOf('a*b[c]?:cache:s:m:h')).toEqual({
      scope: 's',
      model: 'm',
      hash: 'h',
    });
    expect(odd.responseCacheIdOf('a*b[c]?:cache:s:m')).toBeUndefined();
    expect(odd.responseCacheIdOf('other:cache:s:m:h')).toBeUndefined();
  });

  it('rejects with redis_unavailable when Redis is unreachable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const down = new RedisConnections(`redis://127.0.0.1:${port}`);
    try {
      const unreachable = new RedisResponseCacheStore(down, keys);
      const unavailable = { code: CoordinationErrorCode.RedisUnavailable };
      await expect(unreachable.get(id('s', 'm', 'h'))).rejects.toMatchObject(unavailable);
      await expect(
        unreachable.set(id('s', 'm', 'h'), { meta: '', body: '' }, 1),
      ).rejects.toMatchObject(unavailable);
      await expect(unreachable.deleteMatching({})).rejects.toMatchObject(unavailable);
    } finally {
      await down.close();
    }
  });
});

describe(UnsharedResponseCacheStore.name, () => {
  it('shares nothing: reads miss and writes are dropped', async () => {
    const store = new UnsharedResponseCacheStore();
    expect(store.shared).toBe(false);
    await store.set();
    await expect(store.get()).resolves.toBeUndefined();
    await expect(store.list()).resolves.toEqual({ cursor: '0', records: [] });
    await expect(store.deleteMatching()).resolves.toBe(0);
  });
});

async function listAll(
  store: RedisResponseCacheStore,
  filter: { scope?: string; model?: string },
): Promise<
  {
    hash: string;
    scope: string;
    model: string;
    meta: string;
    bodyBytes: number;
    ttlSeconds: number;
  }[]
> {
  const found = [];
  let cursor = '0';
  do {
    const page = await store.list(filter, cursor, 100);
    found.push(...page.records);
    cursor = page.cursor;
  } while (cursor !== '0');
  return found;
}
