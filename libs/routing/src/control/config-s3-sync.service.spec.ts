import { Logger } from '@nestjs/common';
import {
  ConfigStore,
  RemoteConfigMirror,
  resolveServerConfig,
  s3ConfigSourceFromEnv,
  syncRemoteConfigAtStart,
} from '@routeiq/config';
import {
  CoordinationKeys,
  LeaderElectionConfig,
  LeaderElectionService,
  RedisConnections,
  RedisCoordinationBus,
  RedisLeaderLease,
} from '@routeiq/coordination';
import { eventually, TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3StubServer } from '@routeiq/testing';
import { CONFIG_S3_CHANGED_TOPIC, ConfigS3SyncService } from './config-s3-sync.service';
import type { RouterReloadService } from './router-reload.service';

const VARIABLES = [
  'CONFIG_S3_BUCKET',
  'CONFIG_S3_KEY',
  'CONFIG_SYNC_INTERVAL',
  'CONFIG_HOT_RELOAD',
  'CONFIG_S3_FORCE_PATH_STYLE',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
];
const BUCKET = 'configs';
const KEY = 'gateway.yaml';
const GOOD = 'model_list:\n  - model_name: a\n    litellm_params:\n      model: mock/a\n';
const NEWER = `${GOOD}  - model_name: b\n    litellm_params:\n      model: mock/b\n`;
const BAD = 'model_list: nope\n';

interface Replica {
  readonly service: ConfigS3SyncService;
  readonly store: ConfigStore;
  readonly mirror: RemoteConfigMirror;
  readonly bus: RedisCoordinationBus;
  readonly path: string;
  /** Reloads of this replica alone (`reloadHere`): how both leader and followers apply. */
  readonly routerReloads: () => number;
}

describe(ConfigS3SyncService.name, () => {
  const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  const stub = new S3StubServer();
  const cleanups: Array<() => Promise<void> | void> = [];
  let dir: string;
  let keys: CoordinationKeys;
  let admin: Redis;
  let warn: jest.SpyInstance;

  async function replica(name: string, leads: boolean, env: Record<string, string> = {}) {
    const path = join(dir, name, 'config.yaml');
    // As main.ts does before the application exists: the file and its ETag.
    await syncRemoteConfigAtStart({ config: path });
    const server = resolveServerConfig({}, { config: path });
    const store = new ConfigStore(server);
    const mirror = new RemoteConfigMirror(
      s3ConfigSourceFromEnv({ ...process.env, ...env }),
      server,
    );
    const connections = new RedisConnections(TEST_REDIS_URL);
    await connections.waitUntilReady(5000);
    const bus = new RedisCoordinationBus(connections, keys, name);
    const election = leads
      ? new LeaderElectionService(new LeaderElectionConfig({}), name)
      : // Never started: it does not campaign, so it stays a follower.
        new LeaderElectionService(
          new LeaderElectionConfig({ haMode: 'leader_election' }),
          name,
          new RedisLeaderLease(connections, keys),
          bus,
        );
    let routerReloads = 0;
    const reloader = {
      reloadHere: async () => {
        routerReloads += 1;
        return { ...(await store.reload()), ml_routers: [] };
      },
    } as unknown as RouterReloadService;
    const service = new ConfigS3SyncService(mirror, election, bus, reloader, store);
    cleanups.push(async () => {
      service.onModuleDestroy();
      await mirror.onModuleDestroy();
      await connections.close();
    });
    return { service, store, mirror, bus, path, routerReloads: () => routerReloads };
  }

  /** Both services listen on the bus (the subscription is asynchronous). */
  async function listening(count: number): Promise<void> {
    const channel = keys.channel(CONFIG_S3_CHANGED_TOPIC);
    const end = Date.now() + 5000;
    while (Date.now() < end) {
      const [, subscribers] = (await admin.pubsub('NUMSUB', channel)) as [string, number];
      if (subscribers >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`fewer than ${count} subscribers on ${channel}`);
  }

  /** Sent after whatever the leader published: once it arrives, earlier messages have too. */
  async function drained(from: Replica, to: Replica): Promise<void> {
    let arrived = false;
    const stop = to.bus.subscribe('test.probe', () => (arrived = true));
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await from.bus.publish('test.probe', {});
      await eventually(() => arrived, 'the probe message');
    } finally {
      stop();
    }
  }

  const warnings = (pattern: RegExp): number =>
    warn.mock.calls.filter(([message]) => pattern.test(String(message))).length;

  beforeAll(async () => {
    VARIABLES.forEach((name) => delete process.env[name]);
    Object.assign(process.env, {
      CONFIG_S3_BUCKET: BUCKET,
      CONFIG_S3_KEY: KEY,
      CONFIG_S3_FORCE_PATH_STYLE: 'true',
      // Polls are driven by hand here; one test runs the timer with a short interval.
      CONFIG_SYNC_INTERVAL: '3600',
      AWS_ENDPOINT_URL_S3: await stub.start(),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDSYNCSPEC',
      AWS_SECRET_ACCESS_KEY: 'secret-sync-spec',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    admin = new Redis(TEST_REDIS_URL);
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-config-s3-sync-'));
    keys = new CoordinationKeys(uniqueRedisPrefix());
    stub.put(BUCKET, KEY, GOOD);
    stub.requests.length = 0;
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    admin.disconnect();
    await stub.stop();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('polls on the leader only, with If-None-Match', async () => {
    const leader = await replica('leader', true);
    const follower = await replica('follower', false);
    const startEtag = leader.mirror.currentEtag;
    stub.requests.length = 0;
    await expect(follower.service.poll()).resolves.toBeUndefined();
    await expect(leader.service.poll()).resolves.toEqual({ kind: 'unchanged' });
    expect(stub.requests.map((r) => [r.status, r.ifNoneMatch])).toEqual([[304, startEtag]]);
    expect(leader.store.generation).toBe(1);
  });

  it('applies a new object on the leader, which announces it; the follower follows', async () => {
    const leader = await replica('leader', true);
    const follower = await replica('follower', false);
    const followerEtag = follower.mirror.currentEtag;
    leader.service.onModuleInit();
    follower.service.onModuleInit();
    await listening(2);
    stub.requests.length = 0;
    const etag = stub.put(BUCKET, KEY, NEWER);
    await expect(leader.service.poll()).resolves.toEqual({ kind: 'installed', etag: `"${etag}"` });
    expect(leader.store.current.modelList.map((m) => m.modelName)).toEqual(['a', 'b']);
    expect(leader.routerReloads()).toBe(1);
    await eventually(() => follower.store.generation === 2, 'the follower reloaded');
    expect(follower.store.current.modelList.map((m) => m.modelName)).toEqual(['a', 'b']);
    expect(readFileSync(follower.path, 'utf8')).toBe(NEWER);
    expect(follower.mirror.currentEtag).toBe(`"${etag}"`);
    // The leader's poll, then the follower's download after the announcement, with its own ETag
    // (both started from the same object); each replica reloaded once, with the new file.
    expect(stub.requests.map((r) => [r.status, r.ifNoneMatch])).toEqual([
      [200, followerEtag],
      [200, followerEtag],
    ]);
    expect(follower.routerReloads()).toBe(1);
    expect(leader.store.generation).toBe(2);
  });

  it('keeps the old config for an invalid object: file restored, warned once, not announced', async () => {
    const leader = await replica('leader', true);
    const follower = await replica('follower', false);
    let announced = 0;
    follower.bus.subscribe(CONFIG_S3_CHANGED_TOPIC, () => (announced += 1));
    leader.service.onModuleInit();
    follower.service.onModuleInit();
    await listening(2);
    stub.requests.length = 0;
    const bad = stub.put(BUCKET, KEY, BAD);
    await expect(leader.service.poll()).resolves.toMatchObject({
      kind: 'rejected',
      etag: `"${bad}"`,
      reason: expect.stringMatching(/^Invalid configuration: model_list/),
    });
    await expect(leader.service.poll()).resolves.toEqual({ kind: 'unchanged' });
    expect(readFileSync(leader.path, 'utf8')).toBe(GOOD);
    expect(leader.store.generation).toBe(1);
    expect(leader.store.current.modelList.map((m) => m.modelName)).toEqual(['a']);
    expect(warnings(new RegExp(`ETag "${bad}" rejected, the previous config is kept`))).toBe(1);
    await drained(leader, follower);
    expect(announced).toBe(0);
    expect(stub.requests.map((r) => [r.status, r.ifNoneMatch])).toEqual([
      [200, expect.any(String)],
      [304, `"${bad}"`],
    ]);
    expect(follower.store.generation).toBe(1);
  });

  it('warns once while the store keeps failing, and recovers at the next poll', async () => {
    const leader = await replica('leader', true);
    stub.allowAccessKeys(['AKIDSOMEONEELSE']);
    try {
      await expect(leader.service.poll()).resolves.toBeUndefined();
      await expect(leader.service.poll()).resolves.toBeUndefined();
      expect(
        warnings(/polling the config failed: s3:\/\/configs\/gateway\.yaml: access denied/),
      ).toBe(1);
      expect(leader.mirror.view()).toMatchObject({ lastError: expect.stringMatching(/denied/) });
    } finally {
      stub.allowAccessKeys(undefined);
    }
    await expect(leader.service.poll()).resolves.toEqual({ kind: 'unchanged' });
    expect(leader.mirror.view()).toMatchObject({ lastError: null });
  });

  it('polls on its timer every CONFIG_SYNC_INTERVAL seconds and stops on module destroy', async () => {
    const leader = await replica('leader', true, { CONFIG_SYNC_INTERVAL: '1' });
    stub.requests.length = 0;
    leader.service.onModuleInit();
    await eventually(() => stub.requests.length >= 1, 'a poll by the timer', 2500);
    leader.service.onModuleDestroy();
    const polls = stub.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(stub.requests.length).toBe(polls);
  });

  it('does not poll with CONFIG_HOT_RELOAD=false', async () => {
    const leader = await replica('leader', true, {
      CONFIG_SYNC_INTERVAL: '1',
      CONFIG_HOT_RELOAD: 'false',
    });
    stub.requests.length = 0;
    leader.service.onModuleInit();
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(stub.requests).toHaveLength(0);
  });
});
