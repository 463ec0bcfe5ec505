import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CoordinationKeys,
  LeaderElectionConfig,
  LeaderElectionService,
  RedisConnections,
  RedisCoordinationBus,
  RedisLeaderLease,
} from '@routeiq/coordination';
import {
  createDataSource,
  runMigrationsLocked,
  StoredResponseStore,
  type StoredResponseRecord,
} from '@routeiq/persistence';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import type { DataSource } from 'typeorm';
import { ResponsesConfig } from './responses.config';
import { StoredResponsesService } from './stored-responses.service';

const HOUR = 3_600_000;

function record(id: string, expiresInMs: number): StoredResponseRecord {
  const now = Date.now();
  return {
    id,
    createdAt: new Date(now - HOUR),
    expiresAt: new Date(now + expiresInMs),
    keyId: 'key-a',
    deploymentId: 'dep-1',
    modelGroup: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Hi' }],
    response: { id, object: 'response', output: [] },
  };
}

describe(StoredResponsesService.name, () => {
  let dir: string;
  let dataSource: DataSource;
  let store: StoredResponseStore;
  const config = Object.assign(new ResponsesConfig(), { store: true, ttlSeconds: 3600 });
  const services: StoredResponsesService[] = [];
  const connections: RedisConnections[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-responses-'));
    dataSource = await createDataSource({
      kind: 'sqlite',
      path: join(dir, 'routeiq.sqlite'),
    }).initialize();
    await runMigrationsLocked(dataSource);
    store = new StoredResponseStore(dataSource);
  });

  beforeEach(async () => {
    await store.insert([record('resp_expired', -HOUR), record('resp_live', HOUR)]);
  });

  afterEach(async () => {
    await Promise.all(services.map((service) => service.beforeApplicationShutdown()));
    services.length = 0;
    await Promise.all(connections.map((c) => c.close()));
    connections.length = 0;
    await store.deleteExpired(new Date(Date.now() + 2 * HOUR));
  });

  afterAll(async () => {
    await dataSource?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  function service(leader: LeaderElectionService): StoredResponsesService {
    const created = new StoredResponsesService(store, config, leader);
    services.push(created);
    return created;
  }

  it('sweeps expired rows on the leader (every replica in single mode), keeping live ones', async () => {
    const solo = new LeaderElectionService(new LeaderElectionConfig({}), 'solo');
    await solo.start();

    await expect(service(solo).sweepExpired()).resolves.toBe(1);
    const now = new Date();
    await expect(store.find('resp_expired', 'key-a', new Date(0))).resolves.toBeNull();
    await expect(store.find('resp_live', 'key-a', now)).resolves.toMatchObject({ id: 'resp_live' });
  });

  it('leaves the sweep to the leader on a replica that does not hold the lease', async () => {
    const redis = new RedisConnections(TEST_REDIS_URL);
    connections.push(redis);
    const keys = new CoordinationKeys(uniqueRedisPrefix());
    const follower = new LeaderElectionService(
      new LeaderElectionConfig({ haMode: 'leader_election' }),
      'follower',
      new RedisLeaderLease(redis, keys),
      new RedisCoordinationBus(redis, keys, 'follower'),
    );

    await expect(service(follower).sweepExpired()).resolves.toBeUndefined();
    await expect(store.find('resp_expired', 'key-a', new Date(0))).resolves.toMatchObject({
      id: 'resp_expired',
    });
  });
});
