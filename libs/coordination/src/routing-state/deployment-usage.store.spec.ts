import { TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { CoordinationKeys } from '../coordination-keys';
import { RedisConnections } from '../redis-connections';
import { DeploymentUsageStore, NO_USAGE } from './deployment-usage.store';
import { InMemoryDeploymentUsageStore } from './in-memory-deployment-usage.store';
import { RedisDeploymentUsageStore } from './redis-deployment-usage.store';

interface Harness {
  readonly store: DeploymentUsageStore;
  close(): Promise<void>;
}

const MINUTE = 60_000;
/** The start of an epoch minute, 10 s in. */
const T0 = Math.floor(Date.now() / MINUTE) * MINUTE + 10_000;

async function redisHarness(): Promise<Harness> {
  const keys = new CoordinationKeys(uniqueRedisPrefix());
  const connections = new RedisConnections(TEST_REDIS_URL);
  if (!(await connections.waitUntilReady(5000))) throw new Error('test Redis is not running');
  const store = new RedisDeploymentUsageStore(connections, keys);
  return {
    store,
    close: async () => {
      await store.close();
      const admin = new Redis(TEST_REDIS_URL);
      const written = await admin.keys(`${keys.prefix}*`);
      if (written.length > 0) await admin.del(...written);
      admin.disconnect();
      await connections.close();
    },
  };
}

async function inMemoryHarness(): Promise<Harness> {
  return { store: new InMemoryDeploymentUsageStore(), close: async () => undefined };
}

/** The per-minute counting of the contract, run against every implementation. */
function describeUsageStoreContract(name: string, open: () => Promise<Harness>): void {
  describe(`${DeploymentUsageStore.name} contract: ${name}`, () => {
    let harness: Harness;
    let store: DeploymentUsageStore;

    beforeEach(async () => {
      harness = await open();
      store = harness.store;
    });

    afterEach(() => harness.close());

    it('counts requests and tokens per deployment, before and after a sync', async () => {
      expect(store.current('a', T0)).toEqual(NO_USAGE);
      store.addRequest('a', T0);
      store.addRequest('a', T0 + 1);
      store.addTokens('a', 120, T0 + 2);
      store.addTokens('b', 30, T0);
      const expected = { a: { requests: 2, tokens: 120 }, b: { requests: 0, tokens: 30 } };
      expect({ a: store.current('a', T0 + 3), b: store.current('b', T0 + 3) }).toEqual(expected);

      await store.sync();
      await store.sync();
      expect({ a: store.current('a', T0 + 3), b: store.current('b', T0 + 3) }).toEqual(expected);
      store.addRequest('a', T0 + 4);
      expect(store.current('a', T0 + 4)).toEqual({ requests: 3, tokens: 120 });
    });

    it('rounds token counts and drops ones that are not positive numbers', () => {
      for (const tokens of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
        store.addTokens('a', tokens, T0);
      }
      expect(store.current('a', T0)).toEqual(NO_USAGE);
      store.addTokens('a', 2.6, T0);
      expect(store.current('a', T0)).toEqual({ requests: 0, tokens: 3 });
    });

    it('starts every epoch minute from zero and ignores late counts of a past minute', async () => {
      store.addRequest('a', T0);
      store.addTokens('a', 50, T0);
      await store.sync();
      expect(store.current('a', T0 + MINUTE)).toEqual(NO_USAGE);

      store.addRequest('a', T0 + MINUTE);
      store.addRequest('a', T0 + 1); // reported after the minute ended
      await store.sync();
      expect(store.current('a', T0 + MINUTE)).toEqual({ requests: 1, tokens: 0 });
      expect(store.current('a', T0)).toEqual(NO_USAGE);
    });
  });
}

describeUsageStoreContract('RedisDeploymentUsageStore', redisHarness);
describeUsageStoreContract('InMemoryDeploymentUsageStore', inMemoryHarness);
