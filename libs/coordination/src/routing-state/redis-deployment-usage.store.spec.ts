import { Logger } from '@nestjs/common';
import { eventually, TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { CoordinationKeys } from '../coordination-keys';
import { RedisConnections } from '../redis-connections';
import { NO_USAGE } from './deployment-usage.store';
import { epochMinute } from './in-memory-deployment-usage.store';
import {
  RedisDeploymentUsageStore,
  type RedisDeploymentUsageOptions,
} from './redis-deployment-usage.store';

const MINUTE = 60_000;
const T0 = Math.floor(Date.now() / MINUTE) * MINUTE + 10_000;

describe(RedisDeploymentUsageStore.name, () => {
  const keys = new CoordinationKeys(uniqueRedisPrefix());
  const replicas: Array<{ connections: RedisConnections; store: RedisDeploymentUsageStore }> = [];
  let admin: Redis;
  let warn: jest.SpyInstance;
  let log: jest.SpyInstance;

  /** A replica with its own connections; a long interval unless a test wants the timer. */
  async function replica(
    options: RedisDeploymentUsageOptions = { syncIntervalMs: MINUTE },
  ): Promise<{ connections: RedisConnections; store: RedisDeploymentUsageStore }> {
    const connections = new RedisConnections(TEST_REDIS_URL);
    if (!(await connections.waitUntilReady(5000))) throw new Error('test Redis is not running');
    const opened = {
      connections,
      store: new RedisDeploymentUsageStore(connections, keys, options),
    };
    replicas.push(opened);
    return opened;
  }

  beforeAll(() => {
    admin = new Redis(TEST_REDIS_URL);
  });

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    for (const { connections, store } of replicas.splice(0)) {
      await store.close();
      await connections.close();
    }
    jest.restoreAllMocks();
    const written = await admin.keys(`${keys.prefix}*`);
    if (written.length > 0) await admin.del(...written);
  });

  afterAll(() => admin.disconnect());

  it("shows each replica the other's counts after a sync, in a 2-minute hash", async () => {
    const [a, b] = [(await replica()).store, (await replica()).store];
    a.addRequest('gpt', T0);
    a.addTokens('gpt', 100, T0);
    b.addRequest('gpt', T0);
    b.addRequest('gpt', T0);
    b.addTokens('gpt', 50, T0);
    expect(b.current('gpt', T0)).toEqual({ requests: 2, tokens: 50 });

    await a.sync();
    await b.sync();
    await a.sync();
    expect(a.current('gpt', T0)).toEqual({ requests: 3, tokens: 150 });
    expect(b.current('gpt', T0)).toEqual({ requests: 3, tokens: 150 });

    const key = keys.deploymentUsage(epochMinute(T0));
    expect(await admin.hgetall(key)).toEqual({ 'requests:gpt': '3', 'tokens:gpt': '150' });
    const ttl = await admin.pttl(key);
    expect(ttl).toBeGreaterThan(100_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
  });

  it('pulls counts of deployments it only reads, on its own timer', async () => {
    const a = (await replica()).store;
    const b = (await replica({ syncIntervalMs: 10 })).store;
    expect(b.syncing).toBe(false);
    expect(b.current('gpt', Date.now())).toEqual(NO_USAGE);
    expect(b.syncing).toBe(true);

    a.addRequest('gpt', Date.now());
    await a.sync();
    await eventually(() => b.current('gpt', Date.now()).requests === 1, 'b counts the request');
  });

  it('knows the counts of deployments only other replicas used before it first reads them', async () => {
    const [a, b] = [(await replica()).store, (await replica()).store];
    b.addRequest('other', T0);
    a.addRequest('gpt', T0);
    a.addRequest('gpt', T0);
    a.addTokens('gpt', 30, T0);
    await a.sync();
    await b.sync();
    expect(b.current('gpt', T0)).toEqual({ requests: 2, tokens: 30 });
  });

  it('moves deployments not read since the minute turned on to the new minute', async () => {
    const [a, b] = [(await replica()).store, (await replica()).store];
    b.addRequest('gpt', T0);
    await b.sync();
    a.addRequest('gpt', T0 + MINUTE);
    await a.sync();
    b.addRequest('other', T0 + MINUTE);
    await b.sync();
    expect(b.current('gpt', T0 + MINUTE)).toEqual({ requests: 1, tokens: 0 });
  });

  it('stops its timer once no deployment was counted or read for idleAfterMs', async () => {
    const { store } = await replica({ syncIntervalMs: 10, idleAfterMs: 50 });
    store.addRequest('gpt', T0);
    expect(store.syncing).toBe(true);
    await eventually(() => !store.syncing, 'the sync finished');

    expect(await admin.hget(keys.deploymentUsage(epochMinute(T0)), 'requests:gpt')).toBe('1');
    store.addRequest('gpt', T0);
    expect(store.syncing).toBe(true);
  });

  it('stops polling when only other replicas count', async () => {
    const a = (await replica()).store;
    const { store } = await replica({ syncIntervalMs: 10, idleAfterMs: 50 });
    a.addRequest('busy', T0);
    await a.sync();
    store.current('gpt', T0);
    await eventually(() => !store.syncing, 'the sync finished');
  });

  it('writes each minute to its own hash', async () => {
    const { store } = await replica();
    store.addRequest('gpt', T0);
    store.addRequest('gpt', T0);
    await store.sync();
    store.addRequest('gpt', T0 + MINUTE);
    await store.sync();

    expect(await admin.hget(keys.deploymentUsage(epochMinute(T0)), 'requests:gpt')).toBe('2');
    expect(await admin.hget(keys.deploymentUsage(epochMinute(T0) + 1), 'requests:gpt')).toBe('1');
  });

  it('keeps the counts of a failed sync, logs once per outage and pushes them later', async () => {
    const { connections, store: a } = await replica();
    const b = (await replica()).store;
    expect(b.current('gpt', T0)).toEqual(NO_USAGE);
    a.addRequest('gpt', T0);
    connections.command.disconnect();

    await expect(a.sync()).resolves.toBeUndefined();
    a.addTokens('gpt', 7, T0);
    expect(() => a.current('gpt', T0)).not.toThrow();
    await a.sync();
    await b.sync();
    expect(a.current('gpt', T0)).toEqual({ requests: 1, tokens: 7 });
    expect(b.current('gpt', T0)).toEqual(NO_USAGE);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/^deployment usage sync failing/);

    await eventually(() => connections.command.status === 'end', 'the connection ended');
    await connections.command.connect();
    await a.sync();
    await b.sync();
    expect(b.current('gpt', T0)).toEqual({ requests: 1, tokens: 7 });
    expect(a.current('gpt', T0)).toEqual({ requests: 1, tokens: 7 });
    expect(log).toHaveBeenCalledWith('deployment usage sync restored');
  });

  it('keeps deltas that Redis refused and pushes them once it accepts them', async () => {
    const { store } = await replica();
    const key = keys.deploymentUsage(epochMinute(T0));
    await admin.set(key, 'not a hash');
    store.addRequest('gpt', T0);

    await store.sync();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('WRONGTYPE');
    expect(store.current('gpt', T0)).toEqual({ requests: 1, tokens: 0 });

    await admin.del(key);
    await store.sync();
    expect(await admin.hget(key, 'requests:gpt')).toBe('1');
    expect(store.current('gpt', T0)).toEqual({ requests: 1, tokens: 0 });
  });

  it('pushes what is pending when closed, then stops', async () => {
    const { store: a } = await replica({ syncIntervalMs: 10 });
    const b = (await replica()).store;
    a.addRequest('gpt', T0);
    await a.close();
    expect(a.syncing).toBe(false);
    a.addRequest('gpt', T0);
    expect(a.syncing).toBe(false);

    b.current('gpt', T0);
    await b.sync();
    expect(b.current('gpt', T0)).toEqual({ requests: 1, tokens: 0 });
  });
});
