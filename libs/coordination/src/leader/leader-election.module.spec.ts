import { Test } from '@nestjs/testing';
import { ConfigValidationError } from '@routeiq/config';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { CoordinationBus } from '../coordination.bus';
import { CoordinationKeys } from '../coordination-keys';
import { CoordinationModule } from '../coordination.module';
import { LeaderElectionService } from './leader-election.service';
import { CONFIG_SYNC_ELECTION } from './redis-leader.lease';

const VARIABLES = [
  'REDIS_URL',
  'REDIS_HOST',
  'REDIS_PORT',
  'REDIS_PASSWORD',
  'REDIS_KEY_PREFIX',
  'LLMROUTER_HA_MODE',
  'LLMROUTER_CONFIG_SYNC_LEASE_SECONDS',
];

describe(`${CoordinationModule.name} leader election`, () => {
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

  it('refuses to start in leader_election mode without Redis, naming the variables', async () => {
    process.env.LLMROUTER_HA_MODE = 'leader_election';
    const started = boot();
    await expect(started).rejects.toBeInstanceOf(ConfigValidationError);
    await expect(started).rejects.toThrow(
      /LLMROUTER_HA_MODE: leader_election needs Redis.*REDIS_URL/,
    );
  });

  it('makes a single node its own leader without HA mode', async () => {
    const app = await boot();
    try {
      const election = app.get(LeaderElectionService);
      expect(election.isLeader()).toBe(true);
      expect(election.fencingToken()).toBe(1);
      await expect(election.status()).resolves.toMatchObject({ role: 'standalone' });
    } finally {
      await app.close();
    }
  });

  it('leads on Redis from start-up and releases the lease when the app closes', async () => {
    process.env.REDIS_URL = TEST_REDIS_URL;
    process.env.REDIS_KEY_PREFIX = uniqueRedisPrefix();
    process.env.LLMROUTER_HA_MODE = 'leader_election';
    process.env.LLMROUTER_CONFIG_SYNC_LEASE_SECONDS = '30';
    const admin = new Redis(TEST_REDIS_URL);
    const app = await boot();
    const leaseKey = app.get(CoordinationKeys).leaderLease(CONFIG_SYNC_ELECTION);
    try {
      const election = app.get(LeaderElectionService);
      // The first attempt runs during bootstrap: a lone replica leads once start-up is done.
      expect(election.isLeader()).toBe(true);
      expect(election.instanceId).toBe(app.get(CoordinationBus).instanceId);
      await expect(admin.get(leaseKey)).resolves.toBe(
        `${election.instanceId}:${election.fencingToken()}`,
      );
      await expect(admin.pttl(leaseKey)).resolves.toBeGreaterThan(0);
      await app.close();
      await expect(admin.exists(leaseKey)).resolves.toBe(0);
    } finally {
      await app.close();
      admin.disconnect();
    }
  });
});
