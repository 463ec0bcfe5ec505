import { eventually, TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { CoordinationKeys } from '../coordination-keys';
import { RedisConnections } from '../redis-connections';
import { InMemoryQuotaCounterStore } from './in-memory-quota-counter.store';
import { QuotaCounterStore } from './quota-counter.store';
import { RedisQuotaCounterStore } from './redis-quota-counter.store';

interface Harness {
  store: QuotaCounterStore;
  /** Remaining lifetime of a counter in ms (negative when it does not exist); -1 when unknown. */
  ttlOf(key: string): Promise<number>;
  close(): Promise<void>;
}

async function redisHarness(): Promise<Harness> {
  const keys = new CoordinationKeys(uniqueRedisPrefix());
  const connections = new RedisConnections(TEST_REDIS_URL);
  const admin = new Redis(TEST_REDIS_URL);
  if (!(await connections.waitUntilReady(5000))) throw new Error('test Redis is not running');
  return {
    store: new RedisQuotaCounterStore(connections, keys, 2000),
    ttlOf: async (key) => admin.pttl(keys.quotaCounter(key)),
    close: async () => {
      const written = await admin.keys(`${keys.prefix}*`);
      if (written.length > 0) await admin.del(...written);
      admin.disconnect();
      await connections.close();
    },
  };
}

async function inMemoryHarness(): Promise<Harness> {
  return {
    store: new InMemoryQuotaCounterStore(),
    ttlOf: async () => -1,
    close: async () => undefined,
  };
}

const MINUTE = 60_000;
// Lifetimes that expire within a test: long enough for the calls before the expiry on a busy
// machine, short enough to wait out.
const SHORT_TTL_MS = 1000;

describe.each([
  ['RedisQuotaCounterStore', redisHarness],
  ['InMemoryQuotaCounterStore', inMemoryHarness],
])(`${QuotaCounterStore.name} contract: %s`, (_name, open) => {
  let harness: Harness;
  let store: QuotaCounterStore;

  beforeEach(async () => {
    harness = await open();
    store = harness.store;
  });

  afterEach(() => harness.close());

  it('increments every counter and returns the new values when all fit', async () => {
    await expect(
      store.reserve([
        { key: 'a', amount: 1, limit: 5, ttlMs: MINUTE },
        { key: 'b', amount: 3, limit: 3, ttlMs: MINUTE },
      ]),
    ).resolves.toEqual({ ok: true, values: [1, 3] });
    await expect(store.read(['a', 'b', 'missing'])).resolves.toEqual([1, 3, 0]);
  });

  it('is all or nothing: one counter over its limit changes none', async () => {
    await store.reserve([{ key: 'b', amount: 2, limit: 10, ttlMs: MINUTE }]);

    await expect(
      store.reserve([
        { key: 'a', amount: 1, limit: 5, ttlMs: MINUTE },
        { key: 'b', amount: 2, limit: 3, ttlMs: MINUTE },
        { key: 'c', amount: 1, limit: 5, ttlMs: MINUTE },
      ]),
    ).resolves.toEqual({ ok: false, index: 1, current: 2 });
    await expect(store.read(['a', 'b', 'c'])).resolves.toEqual([0, 2, 0]);
  });

  it('admits up to the limit exactly, then refuses', async () => {
    const item = { key: 'r', amount: 1, limit: 3, ttlMs: MINUTE };
    const results = [];
    for (let i = 0; i < 4; i += 1) results.push(await store.reserve([item]));
    expect(results).toEqual([
      { ok: true, values: [1] },
      { ok: true, values: [2] },
      { ok: true, values: [3] },
      { ok: false, index: 0, current: 3 },
    ]);
  });

  it('only reads amount-0 items, even over their limit', async () => {
    await store.reserve([{ key: 'x', amount: 7, limit: 10, ttlMs: MINUTE }]);
    await expect(
      store.reserve([
        { key: 'x', amount: 0, limit: 5, ttlMs: MINUTE },
        { key: 'y', amount: 0, limit: 0, ttlMs: MINUTE },
      ]),
    ).resolves.toEqual({ ok: true, values: [7, 0] });
    await expect(store.read(['x', 'y'])).resolves.toEqual([7, 0]);
    expect(await harness.ttlOf('y')).not.toBeGreaterThan(0);
  });

  it('expires a counter after the lifetime set at its creation', async () => {
    await store.reserve([{ key: 'e', amount: 2, limit: 10, ttlMs: SHORT_TTL_MS }]);
    // A later reservation keeps the original expiry instead of extending it.
    await store.reserve([{ key: 'e', amount: 1, limit: 10, ttlMs: MINUTE }]);
    expect(await harness.ttlOf('e')).toBeLessThanOrEqual(SHORT_TTL_MS);
    await expect(store.read(['e'])).resolves.toEqual([3]);

    // Long before the minute an extended expiry would last.
    await eventually(async () => (await store.read(['e']))[0] === 0, 'e expires');
    await expect(
      store.reserve([{ key: 'e', amount: 1, limit: 1, ttlMs: MINUTE }]),
    ).resolves.toEqual({ ok: true, values: [1] });
  });

  it('adjusts by deltas, never below 0, and creates only on a positive delta', async () => {
    await store.reserve([
      { key: 'p', amount: 10, limit: 100, ttlMs: MINUTE },
      { key: 'q', amount: 4, limit: 100, ttlMs: MINUTE },
    ]);
    await store.adjust([
      { key: 'p', delta: -3, ttlMs: MINUTE },
      { key: 'q', delta: -50, ttlMs: MINUTE },
      { key: 'gone', delta: -5, ttlMs: MINUTE },
      { key: 'new', delta: 6, ttlMs: SHORT_TTL_MS },
    ]);
    await expect(store.read(['p', 'q', 'gone', 'new'])).resolves.toEqual([7, 0, 0, 6]);
    expect(await harness.ttlOf('gone')).not.toBeGreaterThan(0);

    await eventually(async () => (await store.read(['new']))[0] === 0, 'new expires');
  });

  it('sums spend exactly in micro-USD integers', async () => {
    const dime = 100_000; // 0.1 USD: 0.1 added ten times as a float is 0.9999999999999999
    const limit = 1_000_000; // 1 USD
    for (let i = 0; i < 10; i += 1) {
      await expect(
        store.reserve([{ key: 'usd', amount: dime, limit, ttlMs: MINUTE }]),
      ).resolves.toMatchObject({ ok: true });
    }
    await expect(store.reserve([{ key: 'usd', amount: 1, limit, ttlMs: MINUTE }])).resolves.toEqual(
      { ok: false, index: 0, current: 1_000_000 },
    );
    await store.adjust([{ key: 'usd', delta: -123_457, ttlMs: MINUTE }]);
    await expect(store.read(['usd'])).resolves.toEqual([876_543]);
  });

  it('rejects fractional amounts and duplicate keys before touching anything', async () => {
    await expect(
      store.reserve([{ key: 'f', amount: 0.5, limit: 10, ttlMs: MINUTE }]),
    ).rejects.toThrow(RangeError);
    await expect(
      store.reserve([
        { key: 'd', amount: 1, limit: 10, ttlMs: MINUTE },
        { key: 'd', amount: 1, limit: 10, ttlMs: MINUTE },
      ]),
    ).rejects.toThrow('distinct');
    await expect(store.adjust([{ key: 'f', delta: 1.5, ttlMs: MINUTE }])).rejects.toThrow(
      RangeError,
    );
    await expect(store.read(['f', 'd'])).resolves.toEqual([0, 0]);
  });
});
