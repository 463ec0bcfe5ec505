import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { eventually, TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { Redis } from 'ioredis';
import { CoordinationKeys } from '../coordination-keys';
import { CoordinationErrorCode } from '../coordination.exception';
import { RedisConnections } from '../redis-connections';
import { RedisQuotaCounterStore } from './redis-quota-counter.store';

const MINUTE = 60_000;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** The command names of a chunk of RESP arrays (handshake commands are small: one chunk). */
function commandNames(resp: string): string[] {
  const lines = resp.split('\r\n');
  return lines.flatMap((line, i) => (line.startsWith('*') ? [lines[i + 2]!.toUpperCase()] : []));
}

describe(RedisQuotaCounterStore.name, () => {
  const opened: RedisConnections[] = [];

  async function connect(url: string, ready = true): Promise<RedisConnections> {
    const connections = new RedisConnections(url);
    opened.push(connections);
    if (ready && !(await connections.waitUntilReady(5000))) throw new Error(`no Redis at ${url}`);
    return connections;
  }

  afterEach(async () => {
    await Promise.all(opened.map((connections) => connections.close()));
    opened.length = 0;
  });

  it('admits exactly the limit from two replicas racing, then reconciles to actual usage', async () => {
    const keys = new CoordinationKeys(uniqueRedisPrefix());
    const replicas = [
      new RedisQuotaCounterStore(await connect(TEST_REDIS_URL), keys, 5000),
      new RedisQuotaCounterStore(await connect(TEST_REDIS_URL), keys, 5000),
    ];
    const items = [
      { key: 'requests', amount: 1, limit: 50, ttlMs: MINUTE },
      { key: 'tokens', amount: 10, limit: 1_000_000, ttlMs: MINUTE },
    ];

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => replicas[i % 2]!.reserve(items)),
    );
    const admitted = results.flatMap((result, i) => (result.ok ? [i] : []));
    expect(admitted).toHaveLength(50);
    expect(results.filter((result) => !result.ok)).toEqual(
      Array.from({ length: 150 }, () => ({ ok: false, index: 0, current: 50 })),
    );
    await expect(replicas[0]!.read(['requests', 'tokens'])).resolves.toEqual([50, 500]);

    // Each admitted request used 3 tokens, not the 10 estimated.
    await Promise.all(
      admitted.map((i) => replicas[i % 2]!.adjust([{ key: 'tokens', delta: -7, ttlMs: MINUTE }])),
    );
    await expect(replicas[1]!.read(['requests', 'tokens'])).resolves.toEqual([50, 150]);

    const admin = new Redis(TEST_REDIS_URL);
    try {
      await admin.del(keys.quotaCounter('requests'), keys.quotaCounter('tokens'));
    } finally {
      admin.disconnect();
    }
  });

  describe('on a fresh Redis with an empty script cache', () => {
    let server: ChildProcess;
    let url: string;

    beforeAll(async () => {
      const probeServer = createServer();
      const port = await listen(probeServer);
      await new Promise((resolve) => probeServer.close(resolve));
      url = `redis://127.0.0.1:${port}`;
      server = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
        stdio: 'ignore',
      });
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50 });
      await eventually(
        async () => (await probe.ping().catch(() => '')) === 'PONG',
        'Redis answers PING',
      );
      probe.disconnect();
    });

    afterAll(() => server.kill('SIGTERM'));

    it('falls back from EVALSHA to EVAL once per script, then runs from the cache', async () => {
      const keys = new CoordinationKeys('routeiq:');
      const store = new RedisQuotaCounterStore(await connect(url), keys, 2000);
      const item = { key: 'k', amount: 2, limit: 4, ttlMs: MINUTE };
      await expect(store.reserve([item])).resolves.toEqual({ ok: true, values: [2] });
      await store.adjust([{ key: 'k', delta: 1, ttlMs: MINUTE }]);
      await expect(store.reserve([item])).resolves.toEqual({ ok: false, index: 0, current: 3 });

      const admin = new Redis(url);
      try {
        await expect(admin.get('routeiq:quota:k')).resolves.toBe('3');
        const stats = await admin.info('commandstats');
        expect(stats).toMatch(/cmdstat_eval:calls=2,/);
        expect(stats).toMatch(/cmdstat_evalsha:calls=3,/);
      } finally {
        admin.disconnect();
      }
    });
  });

  it('rejects at once with redis_unavailable when Redis is unreachable', async () => {
    const connections = await connect('redis://127.0.0.1:1', false);
    const store = new RedisQuotaCounterStore(connections, new CoordinationKeys('t:'), 5000);
    // Refused for the connection's state, not after waiting out the 5 s call timeout (which
    // would say "timed out"): no wall clock to race on a busy machine.
    const refused = {
      code: CoordinationErrorCode.RedisUnavailable,
      message: expect.stringContaining('not connected'),
    };

    await expect(
      store.reserve([{ key: 'k', amount: 1, limit: 5, ttlMs: MINUTE }]),
    ).rejects.toMatchObject(refused);
    await expect(store.adjust([{ key: 'k', delta: 1, ttlMs: MINUTE }])).rejects.toMatchObject(
      refused,
    );
    await expect(store.read(['k'])).rejects.toMatchObject(refused);
  });

  describe('when a connected Redis stops answering', () => {
    let server: Server;
    const sockets: Socket[] = [];

    // Answers the connection handshake (CLIENT SETINFO, INFO), then swallows every other command.
    beforeAll(() => {
      server = createServer((socket) => {
        sockets.push(socket);
        socket.on('data', (data) => {
          for (const name of commandNames(data.toString())) {
            if (name === 'CLIENT') socket.write('+OK\r\n');
            if (name !== 'INFO') continue;
            const info = 'redis_version:7.0.0\r\nloading:0\r\n';
            socket.write(`$${Buffer.byteLength(info)}\r\n${info}\r\n`);
          }
        });
      });
    });

    afterAll(async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => server.close(resolve));
    });

    it('gives up after the call timeout', async () => {
      const connections = await connect(`redis://127.0.0.1:${await listen(server)}`);
      // A default past jest's own timeout: only the per-call bound can end the call in time.
      const store = new RedisQuotaCounterStore(connections, new CoordinationKeys('t:'), 60_000);

      await expect(
        store.reserve([{ key: 'k', amount: 1, limit: 5, ttlMs: MINUTE }], { timeoutMs: 100 }),
      ).rejects.toMatchObject({
        code: CoordinationErrorCode.RedisUnavailable,
        message: 'Redis unavailable: cannot update quota counters: timed out after 100 ms',
      });
      await expect(store.read(['k'], { timeoutMs: 50 })).rejects.toThrow('timed out after 50 ms');
    });
  });
});
