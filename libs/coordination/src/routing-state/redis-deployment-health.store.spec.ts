import { createServer, type AddressInfo } from 'node:net';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { CoordinationKeys } from '../coordination-keys';
import { CoordinationErrorCode } from '../coordination.exception';
import { RedisConnections } from '../redis-connections';
import { HEALTHY, type HealthEvent, type HealthPolicy } from './deployment-health.store';
import { parseHealthState, RedisDeploymentHealthStore } from './redis-deployment-health.store';

const T0 = Date.now();
const POLICY: HealthPolicy = {
  allowedFails: 100,
  cooldownMs: 0,
  breakerFailures: 5,
  breakerWindowMs: 60_000,
  halfOpenAfterMs: 30_000,
  closeAfterSuccesses: 2,
};
const FAILURE: HealthEvent = { type: 'failure', coolImmediately: false };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe(RedisDeploymentHealthStore.name, () => {
  const keys = new CoordinationKeys(uniqueRedisPrefix());
  const opened: RedisConnections[] = [];
  let admin: Redis;

  async function replica(): Promise<RedisDeploymentHealthStore> {
    const connections = new RedisConnections(TEST_REDIS_URL);
    opened.push(connections);
    if (!(await connections.waitUntilReady(5000))) throw new Error('test Redis is not running');
    return new RedisDeploymentHealthStore(connections, keys, 2000);
  }

  beforeAll(() => {
    admin = new Redis(TEST_REDIS_URL);
  });

  afterEach(async () => {
    await Promise.all(opened.map((connections) => connections.close()));
    opened.length = 0;
    const written = await admin.keys(`${keys.prefix}*`);
    if (written.length > 0) await admin.del(...written);
  });

  afterAll(() => admin.disconnect());

  it("lets replicas see each other's failures: B's fifth failure opens A's four", async () => {
    const [a, b] = [await replica(), await replica()];
    for (let i = 0; i < 4; i += 1) {
      await expect(a.record('gpt', FAILURE, POLICY, T0 + i)).resolves.toEqual({
        state: HEALTHY,
        changed: false,
      });
    }
    const opening = { ...HEALTHY, circuit: 'open', circuitSince: T0 + 4 };
    await expect(b.record('gpt', FAILURE, POLICY, T0 + 4)).resolves.toEqual({
      state: opening,
      changed: true,
    });
    await expect(a.readAll()).resolves.toEqual(new Map([['gpt', opening]]));
  });

  it('counts failures of the same millisecond from both replicas separately', async () => {
    const [a, b] = [await replica(), await replica()];
    await Promise.all([a, b, a, b].map((store) => store.record('gpt', FAILURE, POLICY, T0)));
    await expect(b.record('gpt', FAILURE, POLICY, T0)).resolves.toMatchObject({
      state: { circuit: 'open' },
      changed: true,
    });
  });

  it('stores one JSON field per deployment and trims the failure set with a TTL', async () => {
    const store = await replica();
    const policy = { ...POLICY, breakerWindowMs: 90_000 };
    for (const offset of [0, 50_000, 95_000])
      await store.record('gpt', FAILURE, policy, T0 + offset);

    const failures = keys.deploymentFailures('gpt');
    expect(await admin.zrange(failures, 0, -1, 'WITHSCORES')).toEqual([
      expect.any(String),
      String(T0 + 50_000),
      expect.any(String),
      String(T0 + 95_000),
    ]);
    const ttl = await admin.pttl(failures);
    expect(ttl).toBeGreaterThan(80_000);
    expect(ttl).toBeLessThanOrEqual(90_000);
    const field = await admin.hget(keys.deploymentHealth(), 'gpt');
    expect(parseHealthState(field ?? '')).toEqual(HEALTHY);
  });

  it('loads its script again after Redis lost it', async () => {
    const store = await replica();
    await store.record('gpt', FAILURE, POLICY, T0);
    await admin.script('FLUSH');
    await expect(store.record('gpt', FAILURE, POLICY, T0 + 1)).resolves.toMatchObject({
      changed: false,
    });
    expect(await admin.zcard(keys.deploymentFailures('gpt'))).toBe(2);
  });

  it('skips fields it cannot read', async () => {
    const store = await replica();
    await store.record('gpt', FAILURE, POLICY, T0);
    await admin.hset(keys.deploymentHealth(), 'junk', '{"circuit":"ajar"}', 'bad', 'not json');
    await expect(store.readAll()).resolves.toEqual(new Map([['gpt', HEALTHY]]));
  });

  it('rejects with redis_unavailable when Redis is unreachable', async () => {
    const connections = new RedisConnections(`redis://127.0.0.1:${await freePort()}`);
    opened.push(connections);
    const store = new RedisDeploymentHealthStore(connections, keys);
    const unavailable = { code: CoordinationErrorCode.RedisUnavailable };
    await expect(store.record('gpt', FAILURE, POLICY, T0)).rejects.toMatchObject(unavailable);
    await expect(store.readAll()).rejects.toMatchObject(unavailable);
    await expect(store.reset()).rejects.toMatchObject(unavailable);
  });
});
