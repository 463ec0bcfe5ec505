import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { eventually } from '@routeiq/testing';
import { Redis } from 'ioredis';
import type { BusMessage } from './coordination.bus';
import { CoordinationKeys } from './coordination-keys';
import { InMemoryCoordinationBus } from './in-memory-coordination';
import { RedisConnections } from './redis-connections';
import { RedisCoordinationBus } from './redis-coordination.bus';
import { ReplicatedRecords } from './replicated/replicated-records';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A private redis-server this spec may kill and restart (never the shared one). */
class PrivateRedis {
  private process?: ChildProcess;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.process = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const probe = new Redis(this.url, { lazyConnect: true, retryStrategy: () => 50 });
    await eventually(
      async () => (await probe.ping().catch(() => '')) === 'PONG',
      'Redis answers PING',
    );
    probe.disconnect();
  }

  async stop(): Promise<void> {
    const running = this.process;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGKILL');
    await exited;
  }
}

describe(`${RedisCoordinationBus.name} reconnect`, () => {
  const keys = new CoordinationKeys('routeiq-reconnect-spec:');
  const opened: RedisConnections[] = [];
  let redis: PrivateRedis;

  function bus(): RedisCoordinationBus {
    const connections = new RedisConnections(redis.url);
    opened.push(connections);
    return new RedisCoordinationBus(connections, keys);
  }

  async function subscribers(topic: string): Promise<number> {
    const admin = new Redis(redis.url);
    try {
      const reply = (await admin.call('PUBSUB', 'NUMSUB', keys.channel(topic))) as [string, number];
      return Number(reply[1]);
    } finally {
      admin.disconnect();
    }
  }

  beforeEach(async () => {
    redis = new PrivateRedis(await freePort());
  });

  afterEach(async () => {
    await Promise.all(opened.map((c) => c.close()));
    opened.length = 0;
    await redis.stop();
  });

  it('tells listeners after Redis comes back, once subscriptions are active again', async () => {
    await redis.start();
    const listened = bus();
    const sender = bus();
    const seen: BusMessage[] = [];
    const subscribedAtCatchUp: number[] = [];
    listened.subscribe('keys.changed', (message) => seen.push(message));
    listened.onReconnect(
      () => void subscribers('keys.changed').then((n) => subscribedAtCatchUp.push(n)),
    );
    await eventually(
      async () => (await subscribers('keys.changed')) === 1,
      'subscribed to keys.changed',
    );
    expect(subscribedAtCatchUp).toEqual([]);

    await redis.stop();
    await redis.start();
    await eventually(() => subscribedAtCatchUp.length === 1, 'a catch-up after resubscribing');
    expect(subscribedAtCatchUp).toEqual([1]);

    await eventually(
      () => opened.every((c) => c.command.status === 'ready'),
      'every connection ready',
    );
    await sender.publish('keys.changed', { tokens: ['t1'] });
    await eventually(() => seen.length === 1, 'one message seen');
    expect(seen[0]?.payload).toEqual({ tokens: ['t1'] });
  });

  it('catches up when Redis was not up yet at start, and not after unregistering', async () => {
    const listened = bus();
    let calls = 0;
    let kept = 0;
    const stop = listened.onReconnect(() => {
      calls += 1;
    });
    listened.onReconnect(() => {
      kept += 1;
    });
    listened.subscribe('mcp.registry.changed', () => undefined);
    await eventually(
      () => opened[0]?.subscriber.status === 'reconnecting',
      'the subscriber reconnecting',
    );
    await redis.start();
    await eventually(() => calls === 1 && kept === 1, 'one call, one kept');

    stop();
    await redis.stop();
    await redis.start();
    await eventually(() => kept === 2, 'two kept');
    expect(calls).toBe(1);
  });

  it('does not fire for the first connection nor for a bus that is closed', async () => {
    await redis.start();
    const listened = bus();
    let calls = 0;
    listened.onReconnect(() => {
      calls += 1;
    });
    listened.subscribe('routing.reload', () => undefined);
    await eventually(
      async () => (await subscribers('routing.reload')) === 1,
      'subscribed to routing.reload',
    );
    await Promise.all(opened.map((c) => c.close()));
    await redis.stop();
    await redis.start();
    expect(opened[0]?.subscriber.status).toBe('end');
    expect(calls).toBe(0);
  });
});

describe(`${ReplicatedRecords.name} after a bus outage`, () => {
  const keys = new CoordinationKeys('routeiq-reconnect-spec:');
  let redis: PrivateRedis;
  let connections: RedisConnections;
  let records: ReplicatedRecords<{ id: string; value: number }>;

  afterEach(async () => {
    records.stop();
    await connections.close();
    await redis.stop();
  });

  it('re-reads the table, so a change announced while Redis was down is not missed', async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    const rows = new Map([['a', { id: 'a', value: 1 }]]);
    const table = {
      list: () => Promise.resolve([...rows.values()].map((row) => ({ ...row }))),
      get: (id: string) => Promise.resolve(rows.has(id) ? { ...rows.get(id)! } : null),
    };
    connections = new RedisConnections(redis.url);
    records = new ReplicatedRecords(table, new RedisCoordinationBus(connections, keys), {
      topic: 'items.changed',
      idsField: 'itemIds',
      noun: 'item',
      context: 'ReconnectSpec',
      idOf: (row) => row.id,
      resyncMs: 3_600_000,
    });
    records.subscribe();
    await records.start();
    const changed: string[][] = [];
    records.onChange((ids) => changed.push([...ids]));

    await redis.stop();
    // Written by another replica whose announcement nobody could hear.
    rows.set('a', { id: 'a', value: 2 });
    rows.set('b', { id: 'b', value: 1 });
    await redis.start();

    await eventually(() => changed.length === 1, 'one change seen');
    expect(changed).toEqual([['a', 'b']]);
    expect(records.list()).toEqual([
      { id: 'a', value: 2 },
      { id: 'b', value: 1 },
    ]);
  });
});

describe(`${InMemoryCoordinationBus.name} reconnect`, () => {
  it('has nothing to catch up on: the listener is accepted and never called', async () => {
    const bus = new InMemoryCoordinationBus();
    const listener = jest.fn();
    const stop = bus.onReconnect(listener);
    await bus.publish('config.reloaded', {});
    await new Promise((resolve) => setImmediate(resolve));
    stop();
    expect(listener).not.toHaveBeenCalled();
  });
});
