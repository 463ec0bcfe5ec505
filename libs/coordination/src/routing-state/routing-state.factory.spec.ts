import { Test } from '@nestjs/testing';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { CoordinationKeys } from '../coordination-keys';
import { CoordinationModule } from '../coordination.module';
import { DeploymentHealthStore } from './deployment-health.store';
import { DeploymentUsageStore } from './deployment-usage.store';
import { InMemoryDeploymentHealthStore } from './in-memory-deployment-health.store';
import { epochMinute, InMemoryDeploymentUsageStore } from './in-memory-deployment-usage.store';
import { InMemorySharedStateStore } from './in-memory-shared-state.store';
import { RedisDeploymentHealthStore } from './redis-deployment-health.store';
import { RedisDeploymentUsageStore } from './redis-deployment-usage.store';
import { RedisSharedStateStore } from './redis-shared-state.store';
import { SharedStateStore } from './shared-state.store';

const VARIABLES = ['REDIS_URL', 'REDIS_HOST', 'REDIS_PORT', 'REDIS_PASSWORD', 'REDIS_KEY_PREFIX'];

describe('routing state in CoordinationModule', () => {
  const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

  beforeEach(() => VARIABLES.forEach((name) => delete process.env[name]));
  afterEach(() =>
    VARIABLES.forEach((name) => {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }),
  );

  async function boot() {
    const moduleRef = await Test.createTestingModule({ imports: [CoordinationModule] }).compile();
    return moduleRef.createNestApplication({ logger: false }).init();
  }

  it('provides in-memory stores without Redis', async () => {
    const app = await boot();
    try {
      expect(app.get(DeploymentHealthStore)).toBeInstanceOf(InMemoryDeploymentHealthStore);
      expect(app.get(DeploymentUsageStore)).toBeInstanceOf(InMemoryDeploymentUsageStore);
      expect(app.get(SharedStateStore)).toBeInstanceOf(InMemorySharedStateStore);
    } finally {
      await app.close();
    }
  });

  it('provides Redis stores with Redis, and pushes pending usage on shutdown', async () => {
    process.env.REDIS_URL = TEST_REDIS_URL;
    process.env.REDIS_KEY_PREFIX = uniqueRedisPrefix();
    const admin = new Redis(TEST_REDIS_URL);
    const app = await boot();
    const keys = app.get(CoordinationKeys);
    try {
      expect(app.get(DeploymentHealthStore)).toBeInstanceOf(RedisDeploymentHealthStore);
      expect(app.get(SharedStateStore)).toBeInstanceOf(RedisSharedStateStore);
      const usage = app.get(DeploymentUsageStore);
      expect(usage).toBeInstanceOf(RedisDeploymentUsageStore);

      const now = Date.now();
      usage.addRequest('gpt', now);
      await app.close();
      expect((usage as RedisDeploymentUsageStore).syncing).toBe(false);
      const key = keys.deploymentUsage(epochMinute(now));
      expect(await admin.hget(key, 'requests:gpt')).toBe('1');
    } finally {
      await app.close();
      const written = await admin.keys(`${keys.prefix}*`);
      if (written.length > 0) await admin.del(...written);
      admin.disconnect();
    }
  });
});
