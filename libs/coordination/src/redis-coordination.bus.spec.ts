import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { eventually, TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import type { BusMessage } from './coordination.bus';
import { CoordinationErrorCode } from './coordination.exception';
import { CoordinationKeys } from './coordination-keys';
import { RedisConnections } from './redis-connections';
import { RedisCoordinationBus } from './redis-coordination.bus';
import { RedisCoordinationHealth } from './redis-coordination.health';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe(RedisCoordinationBus.name, () => {
  describe('against the real Redis', () => {
    let keys: CoordinationKeys;
    let admin: Redis;
    const opened: RedisConnections[] = [];

    function replica(): { bus: RedisCoordinationBus; health: RedisCoordinationHealth } {
      const connections = new RedisConnections(TEST_REDIS_URL);
      opened.push(connections);
      return {
        bus: new RedisCoordinationBus(connections, keys),
        health: new RedisCoordinationHealth(connections, 'redis://test'),
      };
    }

    async function subscribers(topic: string): Promise<number> {
      const reply = (await admin.call('PUBSUB', 'NUMSUB', keys.channel(topic))) as [string, number];
      return Number(reply[1]);
    }

    beforeEach(async () => {
      keys = new CoordinationKeys(uniqueRedisPrefix());
      admin = new Redis(TEST_REDIS_URL);
      await admin.ping();
    });

    afterEach(async () => {
      await Promise.all(opened.map((c) => c.close()));
      opened.length = 0;
      admin.disconnect();
    });

    it('delivers every message to every replica, the sender included, with its origin', async () => {
      const a = replica();
      const b = replica();
      await Promise.all(opened.map((c) => c.waitUntilReady(5000)));
      const seenByA: BusMessage[] = [];
      const seenByB: BusMessage[] = [];
      a.bus.subscribe('config.reloaded', (m) => seenByA.push(m));
      b.bus.subscribe('config.reloaded', (m) => seenByB.push(m));
      await eventually(async () => (await subscribers('config.reloaded')) === 2, 'two subscribers');

      await a.bus.publish('config.reloaded', { generation: 2 });
      await b.bus.publish('config.reloaded', { generation: 3 });
      await eventually(() => seenByA.length === 2 && seenByB.length === 2, 'both saw both');

      expect(a.bus.instanceId).not.toBe(b.bus.instanceId);
      for (const seen of [seenByA, seenByB]) {
        expect(seen.map(({ origin, payload, topic }) => ({ origin, payload, topic }))).toEqual([
          { origin: a.bus.instanceId, payload: { generation: 2 }, topic: 'config.reloaded' },
          { origin: b.bus.instanceId, payload: { generation: 3 }, topic: 'config.reloaded' },
        ]);
        expect(typeof seen[0]!.sentAt).toBe('number');
      }
    });

    it('stops delivery after unsubscribe and keeps other topics apart', async () => {
      const { bus } = replica();
      const seen: string[] = [];
      const stop = bus.subscribe('keys.changed', () => seen.push('keys'));
      bus.subscribe('other', () => seen.push('other'));
      await eventually(
        async () => (await subscribers('keys.changed')) === 1,
        'subscribed to keys.changed',
      );
      await eventually(async () => (await subscribers('other')) === 1, 'subscribed to other');

      await bus.publish('keys.changed', {});
      await eventually(() => seen.length === 1, 'one message seen');
      stop();
      await eventually(
        async () => (await subscribers('keys.changed')) === 0,
        'unsubscribed from keys.changed',
      );
      await bus.publish('keys.changed', {});
      await bus.publish('other', {});
      await eventually(() => seen.length === 2, 'two messages seen');
      expect(seen).toEqual(['keys', 'other']);
    });

    it('pings', async () => {
      const { health } = replica();
      await opened[0]!.waitUntilReady(5000);
      await expect(health.ping(1000)).resolves.toBeUndefined();
    });
  });

  describe('when Redis is unreachable', () => {
    let connections: RedisConnections;

    beforeEach(async () => {
      connections = new RedisConnections(`redis://:pw-secret@127.0.0.1:${await freePort()}`);
    });

    afterEach(() => connections.close());

    it('starts without hanging, then rejects ping and publish with a clear error', async () => {
      const bus = new RedisCoordinationBus(connections, new CoordinationKeys(uniqueRedisPrefix()));
      const health = new RedisCoordinationHealth(connections, 'redis://127.0.0.1');
      bus.subscribe('topic', () => undefined);

      expect(await connections.waitUntilReady(200)).toBe(false);
      await expect(health.ping(500)).rejects.toMatchObject({
        code: CoordinationErrorCode.RedisUnavailable,
        message: expect.stringMatching(/^Redis unavailable: not connected/),
      });
      await expect(bus.publish('topic', { a: 1 })).rejects.toThrow(
        'Redis unavailable: cannot publish to topic: not connected',
      );
    });
  });

  describe('against a Redis that requires a password', () => {
    let server: ChildProcess;
    let port: number;
    const opened: RedisConnections[] = [];

    beforeAll(async () => {
      port = await freePort();
      server = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--requirepass',
          'right-secret',
          '--save',
          '',
          '--appendonly',
          'no',
          '--daemonize',
          'no',
        ],
        { stdio: 'ignore' },
      );
      const probe = new Redis({
        port,
        password: 'right-secret',
        lazyConnect: true,
        retryStrategy: () => 50,
      });
      await eventually(
        async () => (await probe.ping().catch(() => '')) === 'PONG',
        'Redis answers PING',
      );
      probe.disconnect();
    });

    afterAll(async () => {
      await Promise.all(opened.map((c) => c.close()));
      server.kill('SIGTERM');
    });

    function health(password: string): {
      connections: RedisConnections;
      health: RedisCoordinationHealth;
    } {
      const url = `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`;
      const connections = new RedisConnections(url);
      opened.push(connections);
      return { connections, health: new RedisCoordinationHealth(connections, 'redis') };
    }

    it('connects with the right password', async () => {
      const right = health('right-secret');
      expect(await right.connections.waitUntilReady(5000)).toBe(true);
      await expect(right.health.ping(1000)).resolves.toBeUndefined();
    });

    it('fails ping with a wrong password, without echoing it', async () => {
      const wrong = health('wrong-secret');
      expect(await wrong.connections.waitUntilReady(500)).toBe(false);
      const error: Error = await wrong.health.ping(500).then(
        () => new Error('ping resolved'),
        (e: Error) => e,
      );
      expect(error.message).toMatch(/^Redis unavailable/);
      expect(error.message).not.toContain('wrong-secret');
    });
  });
});
