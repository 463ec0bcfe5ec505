import { createServer, type AddressInfo } from 'node:net';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { CoordinationKeys } from '../coordination-keys';
import { CoordinationErrorCode } from '../coordination.exception';
import { RedisConnections } from '../redis-connections';
import { ExpiringStore } from './expiring.store';
import { InMemoryExpiringStore } from './in-memory-expiring.store';
import { RedisExpiringStore } from './redis-expiring.store';

interface Harness {
  readonly store: ExpiringStore;
  /** The same entries as seen by another replica. */
  readonly peer: ExpiringStore;
  close(): Promise<void>;
}

const keys = new CoordinationKeys(uniqueRedisPrefix());

async function readyConnections(): Promise<RedisConnections> {
  const connections = new RedisConnections(TEST_REDIS_URL);
  if (!(await connections.waitUntilReady(5000))) throw new Error('test Redis is not running');
  return connections;
}

async function dropKeys(): Promise<void> {
  const admin = new Redis(TEST_REDIS_URL);
  const written = await admin.keys(`${keys.prefix}*`);
  if (written.length > 0) await admin.del(...written);
  admin.disconnect();
}

async function redisHarness(): Promise<Harness> {
  const opened = [await readyConnections(), await readyConnections()];
  const [own, other] = opened as [RedisConnections, RedisConnections];
  return {
    store: new RedisExpiringStore(own, keys),
    peer: new RedisExpiringStore(other, keys),
    close: async () => {
      await dropKeys();
      await Promise.all(opened.map((connections) => connections.close()));
    },
  };
}

async function inMemoryHarness(): Promise<Harness> {
  const store = new InMemoryExpiringStore();
  return { store, peer: store, close: async () => undefined };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe.each([
  ['RedisExpiringStore', redisHarness],
  ['InMemoryExpiringStore', inMemoryHarness],
])(`${ExpiringStore.name} contract: %s`, (_name, open) => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await open();
  });

  afterEach(() => harness.close());

  it('reads what was written, per namespace, and replaces it', async () => {
    const { store, peer } = harness;
    await expect(peer.get('mcp-session', 'a')).resolves.toBeUndefined();
    await store.set('mcp-session', 'a', '{"keyId":"k1"}', 60);
    await store.set('other', 'a', 'elsewhere', 60);
    await expect(peer.get('mcp-session', 'a')).resolves.toBe('{"keyId":"k1"}');
    await expect(peer.get('other', 'a')).resolves.toBe('elsewhere');

    await peer.set('mcp-session', 'a', '', 60);
    await expect(store.get('mcp-session', 'a')).resolves.toBe('');
  });

  it('touches and deletes only live entries, reporting whether there was one', async () => {
    const { store, peer } = harness;
    await expect(store.touch('mcp-session', 'a', 60)).resolves.toBe(false);
    await expect(store.delete('mcp-session', 'a')).resolves.toBe(false);

    await store.set('mcp-session', 'a', 'x', 60);
    await expect(peer.touch('mcp-session', 'a', 120)).resolves.toBe(true);
    await expect(peer.delete('mcp-session', 'a')).resolves.toBe(true);
    await expect(store.get('mcp-session', 'a')).resolves.toBeUndefined();
    await expect(store.touch('mcp-session', 'a', 60)).resolves.toBe(false);
    await expect(store.delete('mcp-session', 'a')).resolves.toBe(false);
  });

  it('claims only an id without a live value: one claimant of several wins', async () => {
    const { store, peer } = harness;
    const claims = await Promise.all([
      store.claim('lock', 'refresh', 'r1', 60),
      peer.claim('lock', 'refresh', 'r2', 60),
      store.claim('lock', 'refresh', 'r3', 60),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const winner = ['r1', 'r2', 'r3'][claims.indexOf(true)];
    await expect(peer.get('lock', 'refresh')).resolves.toBe(winner);
    await expect(store.claim('lock', 'other', 'x', 60)).resolves.toBe(true);
    await store.delete('lock', 'refresh');
    await expect(peer.claim('lock', 'refresh', 'r4', 60)).resolves.toBe(true);
    await expect(store.claim('n', 'a', 'x', 0)).rejects.toThrow(RangeError);
  });

  it('forgets an entry once its time to live has passed', async () => {
    const { store, peer } = harness;
    await store.set('mcp-session', 'short', 'x', 1);
    await store.set('mcp-session', 'long', 'y', 60);
    // Expiry is the store's (Redis's, or the wall clock's): wait until it has surely passed.
    await sleep(1100);
    await expect(peer.get('mcp-session', 'short')).resolves.toBeUndefined();
    await expect(peer.touch('mcp-session', 'short', 60)).resolves.toBe(false);
    await expect(peer.get('mcp-session', 'long')).resolves.toBe('y');
  });

  it('refuses a time to live that is not a positive integer', async () => {
    const { store } = harness;
    await expect(store.set('n', 'a', 'x', 0)).rejects.toThrow(RangeError);
    await expect(store.set('n', 'a', 'x', 1.5)).rejects.toThrow(RangeError);
    await expect(store.touch('n', 'a', -1)).rejects.toThrow(RangeError);
    await expect(store.get('n', 'a')).resolves.toBeUndefined();
  });
});

describe(InMemoryExpiringStore.name, () => {
  it('restarts the time to live on touch and expires on its clock', async () => {
    let now = 0;
    const store = new InMemoryExpiringStore(10, () => now);
    await store.set('n', 'a', 'x', 10);
    now = 9_000;
    await expect(store.touch('n', 'a', 10)).resolves.toBe(true);
    now = 18_999;
    await expect(store.get('n', 'a')).resolves.toBe('x');
    now = 19_000;
    await expect(store.get('n', 'a')).resolves.toBeUndefined();
  });

  it('stays within its capacity: expired entries go first, then the least recently used', async () => {
    let now = 0;
    const store = new InMemoryExpiringStore(3, () => now);
    await store.set('n', 'expiring', '1', 1);
    await store.set('n', 'old', '2', 60);
    await store.set('n', 'touched', '3', 60);
    now = 2_000;
    await store.set('n', 'fourth', '4', 60);
    expect(store.size).toBe(3);
    await expect(store.get('n', 'old')).resolves.toBe('2');

    await store.touch('n', 'old', 60);
    await store.set('n', 'fifth', '5', 60);
    expect(store.size).toBe(3);
    await expect(store.get('n', 'touched')).resolves.toBeUndefined();
    await expect(store.get('n', 'old')).resolves.toBe('2');
    await expect(store.get('n', 'fourth')).resolves.toBe('4');
    await expect(store.get('n', 'fifth')).resolves.toBe('5');
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new InMemoryExpiringStore(0)).toThrow(RangeError);
  });
});

describe(RedisExpiringStore.name, () => {
  it('keeps entries under the key prefix with Redis expiry', async () => {
    const connections = await readyConnections();
    const admin = new Redis(TEST_REDIS_URL);
    try {
      const store = new RedisExpiringStore(connections, keys);
      await store.set('mcp-session', 's1', 'x', 100);
      const key = `${keys.prefix}ttl:mcp-session:s1`;
      expect(await admin.get(key)).toBe('x');
      const ttl = await admin.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(100_000);

      await store.touch('mcp-session', 's1', 5000);
      expect(await admin.pttl(key)).toBeGreaterThan(100_000);
    } finally {
      await dropKeys();
      admin.disconnect();
      await connections.close();
    }
  });

  it('rejects with redis_unavailable when Redis is unreachable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const connections = new RedisConnections(`redis://127.0.0.1:${port}`);
    try {
      const store = new RedisExpiringStore(connections, keys);
      const unavailable = { code: CoordinationErrorCode.RedisUnavailable };
      await expect(store.get('n', 'a')).rejects.toMatchObject(unavailable);
      await expect(store.set('n', 'a', 'b', 1)).rejects.toMatchObject(unavailable);
      await expect(store.touch('n', 'a', 1)).rejects.toMatchObject(unavailable);
      await expect(store.delete('n', 'a')).rejects.toMatchObject(unavailable);
    } finally {
      await connections.close();
    }
  });
});
