import { createServer, type AddressInfo } from 'node:net';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { CoordinationKeys } from '../coordination-keys';
import { CoordinationErrorCode } from '../coordination.exception';
import { RedisConnections } from '../redis-connections';
import { InMemorySharedStateStore } from './in-memory-shared-state.store';
import { RedisSharedStateStore } from './redis-shared-state.store';
import { SharedStateStore } from './shared-state.store';

interface Harness {
  readonly store: SharedStateStore;
  /** The same documents as seen by another replica. */
  readonly peer: SharedStateStore;
  close(): Promise<void>;
}

const keys = new CoordinationKeys(uniqueRedisPrefix());

async function redisHarness(): Promise<Harness> {
  const opened = [new RedisConnections(TEST_REDIS_URL), new RedisConnections(TEST_REDIS_URL)];
  for (const connections of opened) {
    if (!(await connections.waitUntilReady(5000))) throw new Error('test Redis is not running');
  }
  const [own, other] = opened as [RedisConnections, RedisConnections];
  return {
    store: new RedisSharedStateStore(own, keys),
    peer: new RedisSharedStateStore(other, keys),
    close: async () => {
      const admin = new Redis(TEST_REDIS_URL);
      const written = await admin.keys(`${keys.prefix}*`);
      if (written.length > 0) await admin.del(...written);
      admin.disconnect();
      await Promise.all(opened.map((connections) => connections.close()));
    },
  };
}

async function inMemoryHarness(): Promise<Harness> {
  const store = new InMemorySharedStateStore();
  return { store, peer: store, close: async () => undefined };
}

describe.each([
  ['RedisSharedStateStore', redisHarness],
  ['InMemorySharedStateStore', inMemoryHarness],
])(`${SharedStateStore.name} contract: %s`, (_name, open) => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await open();
  });

  afterEach(() => harness.close());

  it('reads what was written, replaces it and forgets it on delete', async () => {
    const { store, peer } = harness;
    await expect(peer.get('registry')).resolves.toBeUndefined();
    await store.set('registry', '{"active":"v1"}');
    await store.set('other', '');
    await expect(peer.get('registry')).resolves.toBe('{"active":"v1"}');
    await expect(peer.get('other')).resolves.toBe('');

    await peer.set('registry', '{"active":"v2"}');
    await expect(store.get('registry')).resolves.toBe('{"active":"v2"}');
    await store.delete('registry');
    await store.delete('never-written');
    await expect(peer.get('registry')).resolves.toBeUndefined();
    await expect(peer.get('other')).resolves.toBe('');
  });
});

describe(RedisSharedStateStore.name, () => {
  it('keeps documents under the key prefix', async () => {
    const connections = new RedisConnections(TEST_REDIS_URL);
    const admin = new Redis(TEST_REDIS_URL);
    try {
      await connections.waitUntilReady(5000);
      await new RedisSharedStateStore(connections, keys).set('registry', 'x');
      expect(await admin.get(`${keys.prefix}state:registry`)).toBe('x');
    } finally {
      await admin.del(keys.sharedState('registry'));
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
      const store = new RedisSharedStateStore(connections, keys);
      const unavailable = { code: CoordinationErrorCode.RedisUnavailable };
      await expect(store.get('a')).rejects.toMatchObject(unavailable);
      await expect(store.set('a', 'b')).rejects.toMatchObject(unavailable);
      await expect(store.delete('a')).rejects.toMatchObject(unavailable);
    } finally {
      await connections.close();
    }
  });
});
