import { Test } from '@nestjs/testing';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import type { BusMessage } from './coordination.bus';
import { CoordinationBus } from './coordination.bus';
import { CoordinationHealth } from './coordination.health';
import { CoordinationKeys } from './coordination-keys';
import { CoordinationModule } from './coordination.module';
import { ExpiringStore, InMemoryExpiringStore, RedisExpiringStore } from './expiring';
import { InMemoryCoordinationBus } from './in-memory-coordination';
import { RedisCoordinationBus } from './redis-coordination.bus';

const VARIABLES = ['REDIS_URL', 'REDIS_HOST', 'REDIS_PORT', 'REDIS_PASSWORD', 'REDIS_KEY_PREFIX'];

describe(CoordinationModule.name, () => {
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

  it('uses in-memory coordination without Redis', async () => {
    const app = await boot();
    try {
      expect(app.get(CoordinationBus)).toBeInstanceOf(InMemoryCoordinationBus);
      expect(app.get(CoordinationHealth).enabled).toBe(false);
      expect(app.get(CoordinationKeys).channel('t')).toBe('routeiq:bus:t');
      expect(app.get(ExpiringStore)).toBeInstanceOf(InMemoryExpiringStore);
    } finally {
      await app.close();
    }
  });

  it('uses Redis when REDIS_URL is set', async () => {
    process.env.REDIS_URL = TEST_REDIS_URL;
    process.env.REDIS_KEY_PREFIX = uniqueRedisPrefix();
    const app = await boot();
    try {
      const bus = app.get(CoordinationBus);
      expect(bus).toBeInstanceOf(RedisCoordinationBus);
      expect(app.get(ExpiringStore)).toBeInstanceOf(RedisExpiringStore);
      const health = app.get(CoordinationHealth);
      expect(health.enabled).toBe(true);
      await expect(health.ping(1000)).resolves.toBeUndefined();

      const received = new Promise<BusMessage>((resolve) => bus.subscribe('t', resolve));
      // Publish until the subscription is live (SUBSCRIBE is asynchronous).
      const timer = setInterval(() => void bus.publish('t', { n: 1 }).catch(() => undefined), 20);
      const message = await received.finally(() => clearInterval(timer));
      expect(message).toMatchObject({ topic: 't', origin: bus.instanceId, payload: { n: 1 } });
    } finally {
      await app.close();
    }
  });
});
