import { Logger } from '@nestjs/common';
import { ConfigStore, resolveServerConfig } from '@routeiq/config';
import {
  CoordinationKeys,
  RedisConnections,
  RedisCoordinationBus,
  RedisSharedStateStore,
} from '@routeiq/coordination';
import { eventually, TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoutingConfig } from './routing.config';
import { STRATEGIES_CHANGED_TOPIC, StrategyRegistryService } from './strategy-registry.service';

describe(`${StrategyRegistryService.name} on Redis`, () => {
  const keys = new CoordinationKeys(uniqueRedisPrefix());
  const opened: RedisConnections[] = [];
  const started: StrategyRegistryService[] = [];
  let dir: string;
  let file: string;
  let admin: Redis;

  /** Replicas subscribed to the change topic, as Redis counts them. */
  async function subscribers(): Promise<number> {
    const channel = keys.channel(STRATEGIES_CHANGED_TOPIC);
    const reply = (await admin.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
    return Number(reply[1]);
  }

  beforeAll(() => {
    admin = new Redis(TEST_REDIS_URL);
    dir = mkdtempSync(join(tmpdir(), 'routeiq-strategies-redis-'));
    file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      'model_list:\n  - model_name: demo\n    litellm_params: { model: mock/demo }\n',
    );
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterAll(async () => {
    for (const registry of started) registry.onModuleDestroy();
    await Promise.all(opened.map((connections) => connections.close()));
    const written = await admin.keys(`${keys.prefix}*`);
    if (written.length > 0) await admin.del(...written);
    admin.disconnect();
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A replica with its own Redis connections, as a separate gateway process would have. */
  async function replica(): Promise<StrategyRegistryService> {
    const connections = new RedisConnections(TEST_REDIS_URL);
    opened.push(connections);
    if (!(await connections.waitUntilReady(5000))) throw new Error('test Redis is not running');
    const registry = new StrategyRegistryService(
      new ConfigStore(resolveServerConfig({}, { config: file })),
      new RedisSharedStateStore(connections, keys),
      new RedisCoordinationBus(connections, keys),
      new RoutingConfig(),
    );
    registry.onModuleInit();
    started.push(registry);
    await registry.onApplicationBootstrap();
    return registry;
  }

  it('brings a change made on one replica to the other, and to one that starts later', async () => {
    const a = await replica();
    const b = await replica();
    await eventually(async () => (await subscribers()) === 2, 'both replicas subscribed');
    await a.stage('least-busy', 25);
    await eventually(() => b.status().revision === a.status().revision, 'b at the revision of a');
    expect(b.status().strategies.find((s) => s.name === 'least-busy')).toMatchObject({
      state: 'staged',
      weight: 25,
    });

    await b.promote('least-busy');
    await eventually(() => a.status().active === 'least-busy', 'a activates least-busy');
    expect(a.status()).toEqual(b.status());
    expect((await replica()).status()).toEqual(b.status());
  });
});
