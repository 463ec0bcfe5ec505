import { GatewayMetrics } from '@routeiq/observability';
import { Logger } from '@nestjs/common';
import { DEFAULT_CIRCUIT_BREAKER, type RouterSettings } from '@routeiq/config';
import {
  CoordinationKeys,
  RedisConnections,
  RedisCoordinationBus,
  RedisDeploymentHealthStore,
} from '@routeiq/coordination';
import { ProviderException, type ResolvedDeployment } from '@routeiq/providers';
import { eventually, TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { buildModelGroup } from '../model-group';
import type { ModelRegistryService } from '../model-registry.service';
import { DEPLOYMENT_HEALTH_TOPIC, DeploymentHealthService } from './deployment-health.service';

const d1 = {
  id: 'd1',
  modelName: 'g',
  config: { litellmParams: {} },
  adapter: { capabilities: new Set(['chat']) },
} as unknown as ResolvedDeployment;

const settings = {
  allowed_fails: 3,
  cooldown_time: 5,
  disable_cooldowns: false,
  circuit_breaker: DEFAULT_CIRCUIT_BREAKER,
} as RouterSettings;

// Two deployments: the only deployment of a group never cools down.
const group = buildModelGroup('g', [d1, { ...d1, id: 'd2' }], 0);
const registry = {
  settings,
  groups: () => [group],
  find: () => group,
} as unknown as ModelRegistryService;

describe(`${DeploymentHealthService.name} against the real Redis`, () => {
  let keys: CoordinationKeys;
  let admin: Redis;
  const opened: RedisConnections[] = [];
  const started: DeploymentHealthService[] = [];

  /** One replica: its own Redis connections, bus, store and local view. */
  async function replica(): Promise<DeploymentHealthService> {
    const connections = new RedisConnections(TEST_REDIS_URL);
    opened.push(connections);
    if (!(await connections.waitUntilReady(5000))) throw new Error('test Redis is not running');
    // A SUBSCRIBE sent while the subscriber is mid ready-check is lost (reported to the lead).
    await eventually(() => connections.subscriber.status === 'ready', 'subscriber ready');
    const store = new RedisDeploymentHealthStore(connections, keys, 2000);
    const service = new DeploymentHealthService(
      store,
      new RedisCoordinationBus(connections, keys),
      registry,
      new GatewayMetrics(),
    );
    service.onModuleInit();
    started.push(service);
    return service;
  }

  async function subscribers(): Promise<number> {
    const channel = keys.channel(DEPLOYMENT_HEALTH_TOPIC);
    const reply = (await admin.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
    return Number(reply[1]);
  }

  beforeEach(async () => {
    keys = new CoordinationKeys(uniqueRedisPrefix());
    admin = new Redis(TEST_REDIS_URL);
    await admin.ping();
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    for (const service of started) service.onModuleDestroy();
    started.length = 0;
    await Promise.all(opened.map((connections) => connections.close()));
    opened.length = 0;
    const written = await admin.keys(`${keys.prefix}*`);
    if (written.length > 0) await admin.del(...written);
    admin.disconnect();
    jest.restoreAllMocks();
  });

  it("opens the breaker on replica B from replica A's failures, then closes it on both", async () => {
    const [a, b] = [await replica(), await replica()];
    await eventually(async () => (await subscribers()) === 2, 'both replicas subscribed');
    const now = Date.now();
    for (let i = 0; i < 4; i += 1) a.recordFailure(d1, ProviderException.timeout('d1', 10), now);
    await eventually(() => b.availability(d1, now) === 'cooldown', 'b sees the cooldown');
    expect(b.openBreakers(now)).toEqual([]);

    a.recordFailure(d1, ProviderException.timeout('d1', 10), now);
    await eventually(() => b.availability(d1, now) === 'breaker_open', 'b sees the open breaker');
    expect(b.openBreakers(now)).toEqual(['d1']);
    expect(b.retryAfterSeconds([d1], now)).toBe(30);

    const halfOpen = now + 30_000;
    expect([a.availability(d1, halfOpen), b.availability(d1, halfOpen)]).toEqual([
      'eligible',
      'eligible',
    ]);
    a.recordSuccess(d1, halfOpen);
    await eventually(() => a.snapshot(halfOpen)[0]!.circuit === 'half_open', 'a half open');
    b.recordSuccess(d1, halfOpen);
    await eventually(() => a.snapshot(halfOpen)[0]!.circuit === 'closed', 'a closed');
    await eventually(() => b.snapshot(halfOpen)[0]!.circuit === 'closed', 'b closed');
    expect(a.openBreakers(now)).toEqual([]);
  });

  it('lets a replica that starts later catch up from Redis', async () => {
    const a = await replica();
    const now = Date.now();
    const limited = new ProviderException({
      status: 429,
      code: 'rate_limit_exceeded',
      message: 'slow down',
      headers: { 'retry-after': '20' },
    });
    a.recordFailure(d1, limited, now);
    await eventually(() => a.availability(d1, now) === 'cooldown', 'a sees the cooldown');

    const late = await replica();
    await eventually(
      () => late.availability(d1, now) === 'cooldown',
      'the late replica sees the cooldown',
    );
    expect(late.retryAfterSeconds([d1], now)).toBe(20);
    expect(late.availability(d1, now + 20_000)).toBe('eligible');

    await late.reset('d1');
    await eventually(() => a.availability(d1, now) === 'eligible', 'a sees it eligible');
    expect(await admin.hgetall(keys.deploymentHealth())).toEqual({});
  });
});
