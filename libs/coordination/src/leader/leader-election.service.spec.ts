import { eventually, TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { CoordinationKeys } from '../coordination-keys';
import { RedisConnections } from '../redis-connections';
import { RedisCoordinationBus } from '../redis-coordination.bus';
import { LeaderElectionConfig } from './leader-election.config';
import { LeaderElectionService } from './leader-election.service';
import { LEADER_RELEASED_TOPIC } from './leader-election.types';
import { LeaderErrorCode } from './leader.exception';
import { CONFIG_SYNC_ELECTION, RedisLeaderLease } from './redis-leader.lease';

describe(LeaderElectionService.name, () => {
  describe('in single mode', () => {
    it('is always the leader, with fencing token 1', async () => {
      const solo = new LeaderElectionService(new LeaderElectionConfig({}), 'solo');
      await solo.start();

      expect(solo.isLeader()).toBe(true);
      expect(solo.fencingToken()).toBe(1);
      await expect(solo.runIfLeader((token) => Promise.resolve(token * 10))).resolves.toBe(10);
      await expect(solo.assertFence(1)).resolves.toBeUndefined();
      await expect(solo.assertFence(2)).rejects.toMatchObject({
        code: LeaderErrorCode.StaleFencingToken,
      });
      await expect(solo.status()).resolves.toMatchObject({
        haMode: 'single',
        role: 'standalone',
        leader: { instanceId: 'solo', fencingToken: 1 },
        leaseSeconds: 10,
      });
      await solo.stop();
      expect(solo.isLeader()).toBe(true);
    });

    it('refuses leader_election without a Redis lease', () => {
      const config = new LeaderElectionConfig({ haMode: 'leader_election' });
      expect(() => new LeaderElectionService(config, 'x')).toThrow(/LLMROUTER_HA_MODE.*REDIS/);
    });
  });

  describe('against the real Redis', () => {
    let keys: CoordinationKeys;
    let admin: Redis;
    const opened: RedisConnections[] = [];
    const services: LeaderElectionService[] = [];

    async function replica(name: string, leaseSeconds = 2) {
      const connections = new RedisConnections(TEST_REDIS_URL);
      opened.push(connections);
      await connections.waitUntilReady(5000);
      const config = new LeaderElectionConfig({ haMode: 'leader_election', leaseSeconds });
      const bus = new RedisCoordinationBus(connections, keys, name);
      const lease = new RedisLeaderLease(connections, keys);
      const service = new LeaderElectionService(config, name, lease, bus);
      services.push(service);
      return { service, connections };
    }

    const leaders = () => services.filter((s) => s.isLeader());
    const onlyLeader = (): LeaderElectionService => {
      const found = leaders();
      if (found.length !== 1) throw new Error(`${found.length} leaders`);
      return found[0]!;
    };

    /** Records every moment two replicas believed they were the leader. */
    function watchOverlaps(): string[] {
      const overlaps: string[] = [];
      for (const service of services) {
        service.onBecameLeader((token) => {
          const others = leaders().filter((s) => s !== service);
          if (others.length > 0) overlaps.push(`${service.instanceId}#${token}`);
        });
      }
      return overlaps;
    }

    beforeEach(async () => {
      keys = new CoordinationKeys(uniqueRedisPrefix());
      admin = new Redis(TEST_REDIS_URL);
      await admin.ping();
    });

    afterEach(async () => {
      await Promise.all(services.map((s) => s.stop()));
      await Promise.all(opened.map((c) => c.close()));
      services.length = 0;
      opened.length = 0;
      admin.disconnect();
    });

    it.each([2, 3])('elects exactly one leader of %i replicas, and keeps it', async (count) => {
      for (let i = 0; i < count; i += 1) await replica(`r${i}`);
      const overlaps = watchOverlaps();
      await Promise.all(services.map((s) => s.start()));
      await eventually(() => leaders().length === 1, 'one leader', 6000);
      const first = onlyLeader();

      // Through more than two lease periods of renewals: never two leaders, and the same one.
      const end = Date.now() + 4500;
      while (Date.now() < end) {
        expect(leaders().length).toBeLessThanOrEqual(1);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(onlyLeader()).toBe(first);
      expect(overlaps).toEqual([]);

      const lease = await admin.get(keys.leaderLease(CONFIG_SYNC_ELECTION));
      expect(lease).toBe(`${first.instanceId}:${first.fencingToken()}`);
      const followers = services.filter((s) => s !== first);
      for (const follower of followers) {
        await expect(follower.status()).resolves.toMatchObject({
          role: 'follower',
          leader: { instanceId: first.instanceId, fencingToken: first.fencingToken() },
        });
        await expect(follower.runIfLeader(() => Promise.resolve('acted'))).resolves.toBeUndefined();
      }
      await expect(first.status()).resolves.toMatchObject({ role: 'leader' });
      await expect(first.runIfLeader((token) => Promise.resolve(token))).resolves.toBe(
        first.fencingToken(),
      );
    });

    it('replaces a paused leader within its lease; the old fencing token is refused', async () => {
      for (const name of ['a', 'b', 'c']) await replica(name);
      const overlaps = watchOverlaps();
      await Promise.all(services.map((s) => s.start()));
      await eventually(() => leaders().length === 1, 'one leader', 6000);
      const old = onlyLeader();
      const oldToken = old.fencingToken()!;

      // A pause: its timers stop and nothing is released, as in a stop-the-world or SIGSTOP.
      await old.stop({ release: false });
      await eventually(() => leaders().some((s) => s !== old), 'a new leader', 6000);

      const next = onlyLeader();
      expect(next).not.toBe(old);
      expect(next.fencingToken()).toBeGreaterThan(oldToken);
      expect(old.isLeader()).toBe(false);
      expect(overlaps).toEqual([]);
      await expect(old.assertFence(oldToken)).rejects.toMatchObject({
        code: LeaderErrorCode.StaleFencingToken,
      });
      const act = jest.fn(() => Promise.resolve('written'));
      await expect(old.runIfLeader(act)).resolves.toBeUndefined();
      expect(act).not.toHaveBeenCalled();
      await expect(next.assertFence(next.fencingToken()!)).resolves.toBeUndefined();
    });

    it('steps down locally when it cannot renew, before another replica takes over', async () => {
      const a = await replica('a');
      await a.service.start();
      await eventually(() => a.service.isLeader(), 'a leads', 6000);
      const b = await replica('b');
      const overlaps = watchOverlaps();
      const lost = jest.fn();
      a.service.onLostLeadership(lost);
      await b.service.start();
      expect(b.service.isLeader()).toBe(false);

      // A partition: a's commands fail from now on.
      a.connections.command.disconnect();
      await eventually(() => b.service.isLeader(), 'b takes over', 6000);

      expect(a.service.isLeader()).toBe(false);
      expect(lost).toHaveBeenCalledTimes(1);
      expect(overlaps).toEqual([]);
      await expect(a.service.assertFence(1)).rejects.toMatchObject({
        code: LeaderErrorCode.StaleFencingToken,
      });
    });

    it('releases the lease on shutdown and tells the followers, who take over at once', async () => {
      // A lease far longer than the wait below: only the release can hand over in time.
      const a = await replica('a', 60);
      const b = await replica('b', 60);
      await a.service.start();
      await b.service.start();
      expect(a.service.isLeader()).toBe(true);
      expect(b.service.isLeader()).toBe(false);
      await waitForSubscribers(admin, keys.channel(LEADER_RELEASED_TOPIC), 2);
      const gained = jest.fn();
      b.service.onBecameLeader(gained);

      await a.service.stop();

      expect(a.service.isLeader()).toBe(false);
      await eventually(() => b.service.isLeader(), 'b takes over after the release', 5000);
      expect(gained).toHaveBeenCalledWith(2);
      await expect(b.service.status()).resolves.toMatchObject({
        role: 'leader',
        leader: { instanceId: 'b', fencingToken: 2 },
      });
    });
  });
});

async function waitForSubscribers(admin: Redis, channel: string, count: number): Promise<void> {
  const end = Date.now() + 5000;
  while (Date.now() < end) {
    const reply = (await admin.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
    if (Number(reply[1]) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`fewer than ${count} subscribers on ${channel}`);
}
