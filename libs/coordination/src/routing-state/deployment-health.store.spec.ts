import { TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { CoordinationKeys } from '../coordination-keys';
import { RedisConnections } from '../redis-connections';
import {
  DeploymentHealthStore,
  effectiveCircuit,
  HEALTHY,
  type HealthEvent,
  type HealthPolicy,
} from './deployment-health.store';
import { InMemoryDeploymentHealthStore } from './in-memory-deployment-health.store';
import { RedisDeploymentHealthStore } from './redis-deployment-health.store';

interface Harness {
  readonly store: DeploymentHealthStore;
  close(): Promise<void>;
}

const T0 = 1_700_000_000_000;
const POLICY: HealthPolicy = {
  allowedFails: 2,
  cooldownMs: 5_000,
  breakerFailures: 5,
  breakerWindowMs: 60_000,
  halfOpenAfterMs: 30_000,
  closeAfterSuccesses: 2,
};
/** Cooldowns off, so breaker tests see circuit changes only. */
const BREAKER_ONLY: HealthPolicy = { ...POLICY, cooldownMs: 0 };
/** A breaker that never opens, so cooldown tests see cooldown changes only. */
const COOLDOWN_ONLY: HealthPolicy = { ...POLICY, breakerFailures: 1_000 };

const FAILURE: HealthEvent = { type: 'failure', coolImmediately: false };
const SUCCESS: HealthEvent = { type: 'success' };

async function redisHarness(): Promise<Harness> {
  const keys = new CoordinationKeys(uniqueRedisPrefix());
  const connections = new RedisConnections(TEST_REDIS_URL);
  if (!(await connections.waitUntilReady(5000))) throw new Error('test Redis is not running');
  return {
    store: new RedisDeploymentHealthStore(connections, keys, 2000),
    close: async () => {
      const admin = new Redis(TEST_REDIS_URL);
      const written = await admin.keys(`${keys.prefix}*`);
      if (written.length > 0) await admin.del(...written);
      admin.disconnect();
      await connections.close();
    },
  };
}

async function inMemoryHarness(): Promise<Harness> {
  return { store: new InMemoryDeploymentHealthStore(), close: async () => undefined };
}

/** The contract's state machine, run against every implementation. */
function describeHealthStoreContract(name: string, open: () => Promise<Harness>): void {
  describe(`${DeploymentHealthStore.name} contract: ${name}`, () => {
    let harness: Harness;
    let store: DeploymentHealthStore;

    beforeEach(async () => {
      harness = await open();
      store = harness.store;
    });

    afterEach(() => harness.close());

    /** Records failures at the given offsets from T0; returns the last transition. */
    async function failAt(id: string, offsets: number[], policy: HealthPolicy = POLICY) {
      let last;
      for (const offset of offsets) last = await store.record(id, FAILURE, policy, T0 + offset);
      return last;
    }

    async function openBreaker(id: string): Promise<number> {
      await failAt(id, [0, 1, 2, 3, 4], BREAKER_ONLY);
      return T0 + 4;
    }

    describe('cooldown', () => {
      it('starts after allowedFails + 1 failures within 60 s', async () => {
        await expect(failAt('d', [0], COOLDOWN_ONLY)).resolves.toEqual({
          state: HEALTHY,
          changed: false,
        });
        await expect(failAt('d', [1_000], COOLDOWN_ONLY)).resolves.toMatchObject({
          state: { cooldownUntil: 0 },
          changed: false,
        });
        await expect(failAt('d', [59_999], COOLDOWN_ONLY)).resolves.toEqual({
          state: { ...HEALTHY, cooldownUntil: T0 + 59_999 + 5_000 },
          changed: true,
        });
      });

      it('does not count failures 60 s old or older', async () => {
        await failAt('d', [0, 1_000], COOLDOWN_ONLY);
        // At T0 + 60 000 the failure at T0 is exactly 60 s old: out of the window.
        await expect(failAt('d', [60_000], COOLDOWN_ONLY)).resolves.toMatchObject({
          state: { cooldownUntil: 0 },
          changed: false,
        });
        await expect(failAt('d', [60_500], COOLDOWN_ONLY)).resolves.toMatchObject({
          state: { cooldownUntil: T0 + 65_500 },
          changed: true,
        });
        await failAt('e', [0, 1], COOLDOWN_ONLY);
        await expect(failAt('e', [70_000], COOLDOWN_ONLY)).resolves.toMatchObject({
          state: { cooldownUntil: 0 },
        });
      });

      it('starts at once on coolImmediately, for the longer of cooldownMs and coolForMs', async () => {
        const immediate = (coolForMs?: number): HealthEvent => ({
          type: 'failure',
          coolImmediately: true,
          ...(coolForMs === undefined ? {} : { coolForMs }),
        });
        await expect(store.record('a', immediate(), COOLDOWN_ONLY, T0)).resolves.toEqual({
          state: { ...HEALTHY, cooldownUntil: T0 + 5_000 },
          changed: true,
        });
        await expect(store.record('b', immediate(1_000), COOLDOWN_ONLY, T0)).resolves.toMatchObject(
          { state: { cooldownUntil: T0 + 5_000 } },
        );
        await expect(store.record('c', immediate(120_000), COOLDOWN_ONLY, T0)).resolves.toEqual({
          state: { ...HEALTHY, cooldownUntil: T0 + 120_000 },
          changed: true,
        });
      });

      it('never shortens a running cooldown, and extends it on later failures', async () => {
        const retryAfter: HealthEvent = {
          type: 'failure',
          coolImmediately: true,
          coolForMs: 90_000,
        };
        await store.record('d', retryAfter, COOLDOWN_ONLY, T0);
        const shorter: HealthEvent = { type: 'failure', coolImmediately: true };
        await expect(store.record('d', shorter, COOLDOWN_ONLY, T0 + 1_000)).resolves.toEqual({
          state: { ...HEALTHY, cooldownUntil: T0 + 90_000 },
          changed: false,
        });
        await expect(store.record('d', shorter, COOLDOWN_ONLY, T0 + 88_000)).resolves.toEqual({
          state: { ...HEALTHY, cooldownUntil: T0 + 93_000 },
          changed: true,
        });
      });

      it('is off when cooldownMs is 0', async () => {
        const policy = { ...COOLDOWN_ONLY, cooldownMs: 0 };
        const retryAfter: HealthEvent = {
          type: 'failure',
          coolImmediately: true,
          coolForMs: 9_000,
        };
        await expect(store.record('d', retryAfter, policy, T0)).resolves.toEqual({
          state: HEALTHY,
          changed: false,
        });
        await expect(failAt('d', [1, 2, 3, 4, 5, 6], policy)).resolves.toEqual({
          state: HEALTHY,
          changed: false,
        });
      });
    });

    describe('circuit breaker', () => {
      it('opens at breakerFailures within the window', async () => {
        await expect(failAt('d', [0, 10, 20, 30], BREAKER_ONLY)).resolves.toEqual({
          state: HEALTHY,
          changed: false,
        });
        await expect(failAt('d', [40], BREAKER_ONLY)).resolves.toEqual({
          state: { ...HEALTHY, circuit: 'open', circuitSince: T0 + 40 },
          changed: true,
        });
      });

      it('stays closed when the failures are spread beyond the window', async () => {
        const policy = { ...BREAKER_ONLY, breakerWindowMs: 10_000 };
        // At T0 + 12 000 the window (T0 + 2 000, now] holds 4 failures.
        await expect(failAt('d', [0, 3_000, 6_000, 9_000, 12_000], policy)).resolves.toMatchObject({
          state: { circuit: 'closed' },
          changed: false,
        });
        await expect(failAt('d', [12_500], policy)).resolves.toMatchObject({
          state: { circuit: 'open', circuitSince: T0 + 12_500 },
          changed: true,
        });
      });

      it('keeps failures as long as the breaker window when it passes 60 s', async () => {
        const policy = { ...BREAKER_ONLY, breakerWindowMs: 120_000 };
        await failAt('d', [0, 30_000, 60_000, 90_000], policy);
        await expect(failAt('d', [110_000], policy)).resolves.toMatchObject({
          state: { circuit: 'open' },
        });
      });

      it('turns half-open by time alone and stays open on failures before that', async () => {
        const openedAt = await openBreaker('d');
        const [state] = (await store.readAll()).values();
        expect(effectiveCircuit(state!, openedAt + 29_999, 30_000)).toBe('open');
        expect(effectiveCircuit(state!, openedAt + 30_000, 30_000)).toBe('half_open');

        await expect(store.record('d', FAILURE, BREAKER_ONLY, openedAt + 29_999)).resolves.toEqual({
          state: { ...HEALTHY, circuit: 'open', circuitSince: openedAt },
          changed: false,
        });
      });

      it('ignores successes while closed or still open', async () => {
        await expect(store.record('d', SUCCESS, POLICY, T0)).resolves.toEqual({
          state: HEALTHY,
          changed: false,
        });
        await expect(store.readAll()).resolves.toEqual(new Map());

        const openedAt = await openBreaker('d');
        const open = { ...HEALTHY, circuit: 'open', circuitSince: openedAt };
        await expect(store.record('d', SUCCESS, POLICY, openedAt + 29_999)).resolves.toEqual({
          state: open,
          changed: false,
        });
        await expect(store.readAll()).resolves.toEqual(new Map([['d', open]]));
      });

      it('reopens on a failure while half-open', async () => {
        const openedAt = await openBreaker('d');
        const probeAt = openedAt + 30_000;
        await expect(store.record('d', FAILURE, BREAKER_ONLY, probeAt)).resolves.toEqual({
          state: { ...HEALTHY, circuit: 'open', circuitSince: probeAt },
          changed: true,
        });
        // After a probe success too, with the successes forgotten.
        await store.record('d', SUCCESS, BREAKER_ONLY, probeAt + 30_000);
        await expect(store.record('d', FAILURE, BREAKER_ONLY, probeAt + 30_001)).resolves.toEqual({
          state: { ...HEALTHY, circuit: 'open', circuitSince: probeAt + 30_001 },
          changed: true,
        });
      });

      it('closes after closeAfterSuccesses half-open successes and clears the window', async () => {
        const openedAt = await openBreaker('d');
        const probeAt = openedAt + 30_000;
        await expect(store.record('d', SUCCESS, BREAKER_ONLY, probeAt + 5)).resolves.toEqual({
          state: {
            circuit: 'half_open',
            circuitSince: probeAt,
            probeSuccesses: 1,
            cooldownUntil: 0,
          },
          changed: false,
        });
        await expect(store.record('d', SUCCESS, BREAKER_ONLY, probeAt + 6)).resolves.toEqual({
          state: { ...HEALTHY, circuitSince: probeAt + 6 },
          changed: true,
        });
        // The five failures that opened it are forgotten: four new ones keep it closed.
        await expect(failAt('d', [30_010, 30_011, 30_012, 30_013], BREAKER_ONLY)).resolves.toEqual({
          state: { ...HEALTHY, circuitSince: probeAt + 6 },
          changed: false,
        });
        await expect(failAt('d', [30_014], BREAKER_ONLY)).resolves.toMatchObject({
          state: { circuit: 'open' },
          changed: true,
        });
      });

      it('reports both a cooldown and an opening in one transition', async () => {
        const policy = { ...POLICY, allowedFails: 4 };
        await failAt('d', [0, 1, 2, 3], policy);
        await expect(failAt('d', [4], policy)).resolves.toEqual({
          state: {
            circuit: 'open',
            circuitSince: T0 + 4,
            probeSuccesses: 0,
            cooldownUntil: T0 + 5_004,
          },
          changed: true,
        });
      });
    });

    describe('readAll and reset', () => {
      it('reads every stored state', async () => {
        await openBreaker('a');
        await store.record('b', { type: 'failure', coolImmediately: true }, POLICY, T0);
        await failAt('c', [0], POLICY);
        await expect(store.readAll()).resolves.toEqual(
          new Map([
            ['a', { ...HEALTHY, circuit: 'open', circuitSince: T0 + 4 }],
            ['b', { ...HEALTHY, cooldownUntil: T0 + 5_000 }],
            ['c', HEALTHY],
          ]),
        );
      });

      it('forgets one deployment, failures included, or all of them', async () => {
        await openBreaker('a');
        await failAt('b', [0, 1, 2, 3], BREAKER_ONLY);
        await failAt('c', [0], BREAKER_ONLY);

        await store.reset('b');
        expect([...(await store.readAll()).keys()].sort()).toEqual(['a', 'c']);
        await expect(failAt('b', [10], BREAKER_ONLY)).resolves.toMatchObject({
          state: { circuit: 'closed' },
        });

        await store.reset();
        await expect(store.readAll()).resolves.toEqual(new Map());
        await expect(failAt('a', [10, 11, 12, 13], BREAKER_ONLY)).resolves.toEqual({
          state: HEALTHY,
          changed: false,
        });
      });
    });
  });
}

describeHealthStoreContract('RedisDeploymentHealthStore', redisHarness);
describeHealthStoreContract('InMemoryDeploymentHealthStore', inMemoryHarness);
