import { createHook } from 'node:async_hooks';
import { createServer, type AddressInfo } from 'node:net';
import { eventually, TEST_REDIS_URL } from '@routeiq/testing';
import { RedisConnections } from './redis-connections';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Ids of the timers armed while `action` runs that are still pending a tick after it ended. */
async function timersLeftBy(action: () => Promise<void>): Promise<number[]> {
  const pending = new Set<number>();
  const hook = createHook({
    init: (id, type) => {
      if (type === 'Timeout') pending.add(id);
    },
    destroy: (id) => pending.delete(id),
  }).enable();
  try {
    await action();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    hook.disable();
  }
  return [...pending];
}

describe(RedisConnections.name, () => {
  it('closes ready connections with QUIT, leaving no timer behind', async () => {
    const connections = new RedisConnections(TEST_REDIS_URL);
    expect(await connections.waitUntilReady(5000)).toBe(true);
    await eventually(() => connections.subscriber.status === 'ready', 'subscriber ready');
    const ended = () =>
      connections.command.status === 'end' && connections.subscriber.status === 'end';

    // The sockets close a moment after QUIT is answered, clearing ioredis' timers with them.
    const left = await timersLeftBy(async () => {
      await connections.close();
      await eventually(ended, 'both connections ended');
    });
    expect(left).toEqual([]);
  });

  it('closes connections waiting to reconnect to a Redis that is down, leaving no timer behind', async () => {
    const connections = new RedisConnections(`redis://127.0.0.1:${await freePort()}`);
    await eventually(
      () =>
        connections.command.status === 'reconnecting' &&
        connections.subscriber.status === 'reconnecting',
      'both connections failed once and wait to reconnect',
    );

    expect(await timersLeftBy(() => connections.close())).toEqual([]);
  });

  it('closes connections still connecting, leaving no timer behind', async () => {
    const connections = new RedisConnections(`redis://127.0.0.1:${await freePort()}`);

    expect(await timersLeftBy(() => connections.close())).toEqual([]);
  });
});
