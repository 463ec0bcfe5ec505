import { Agent, createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { resolveBackpressureConfig } from './backpressure.config';
import { DrainService } from './drain.service';

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

describe(DrainService.name, () => {
  let server: Server;
  let drain: DrainService;
  let port: number;
  /** Releases of the `/slow` requests the app holds, oldest first. */
  let held: Array<() => void>;
  let arrivals: Array<() => void>;
  /** Paths that reached the app, in order. */
  let seen: string[];

  async function start(maxConcurrent?: string): Promise<void> {
    held = [];
    arrivals = [];
    seen = [];
    drain = new DrainService(
      resolveBackpressureConfig({ ROUTEIQ_MAX_CONCURRENT_REQUESTS: maxConcurrent }),
    );
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url === '/slow') {
        held.push(() => res.end('done'));
        arrivals.shift()?.();
      } else res.end('ok');
    });
    // A listener already on the server (like the request-id one) must run behind the gate.
    server.prependListener('request', (req) => seen.push(`pre ${req.url ?? ''}`));
    drain.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  }

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const send = (
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: string; agent?: Agent } = {},
  ): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const { method = 'GET', headers, body, agent = false } = init;
      request({ port, host: '127.0.0.1', path, method, headers, agent }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }),
        );
      })
        .on('error', reject)
        .end(body);
    });

  /** Sends `/slow` and resolves once the app holds it (wrapped: awaiting must not flatten it). */
  async function hold(): Promise<{ reply: Promise<Reply> }> {
    const arrived = new Promise<void>((resolve) => arrivals.push(resolve));
    const reply = send('/slow');
    await arrived;
    return { reply };
  }

  describe('drain', () => {
    beforeEach(() => start());

    it('resolves at once when nothing is in flight', async () => {
      await expect(drain.drain(1000)).resolves.toBe(true);
      expect(drain.isDraining).toBe(true);
    });

    it('waits for in-flight requests, not for health probes, and closes connections after them', async () => {
      const { reply: slow } = await hold();
      expect(drain.inFlightCount).toBe(1);
      const probe = await send('/_health/ready');
      expect(probe.body).toBe('ok');
      expect(drain.inFlightCount).toBe(1);

      let drained = false;
      const done = drain.drain(5000).then((result) => (drained = result));
      const during = await send('/other');
      expect(during.headers.connection).toBe('close');
      expect(drained).toBe(false);
      held[0]!();
      await expect(slow).resolves.toMatchObject({
        body: 'done',
        headers: expect.objectContaining({ connection: 'close' }),
      });
      await done;
      expect(drained).toBe(true);
    });

    it('leaves idle keep-alive connections open while requests may still come on them', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const ports: Record<string, number | undefined> = {};
        server.prependListener('request', (req) => (ports[req.url ?? ''] = req.socket.remotePort));
        await send('/warm', { agent });
        const { reply: slow } = await hold();
        let drained: boolean | undefined;
        const done = drain.drain(5000, 300).then((result) => (drained = result));
        // The idle connection is not reset under the balancer: a POST on it is answered, and
        // the answer closes it.
        const reused = await send('/again', { method: 'POST', body: 'x', agent });
        expect(reused).toMatchObject({ status: 200, body: 'ok' });
        expect(reused.headers.connection).toBe('close');
        expect(ports['/again']).toBe(ports['/warm']);
        held[0]!();
        await slow;
        await done;
        expect(drained).toBe(true);
        expect(seen.filter((path) => !path.startsWith('pre '))).toEqual([
          '/warm',
          '/slow',
          '/again',
        ]);
      } finally {
        agent.destroy();
      }
    });

    it('stops accepting once idle, then closes connections nobody used for the quiet period', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        await send('/warm', { agent });
        const started = Date.now();
        await expect(drain.drain(5000, 300)).resolves.toBe(true);
        expect(Date.now() - started).toBeGreaterThanOrEqual(250);
        expect(server.listening).toBe(false);
        await expect(
          new Promise((resolve, reject) =>
            connect(port, '127.0.0.1').on('connect', resolve).on('error', reject),
          ),
        ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      } finally {
        agent.destroy();
      }
    });

    it('drops a connection stuck mid-request after twice the quiet period', async () => {
      const socket = connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.write('POST /stuck HTTP/1.1\r\nHost: x\r\n');
      const started = Date.now();
      await expect(drain.drain(5000, 200)).resolves.toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);
      expect(Date.now() - started).toBeLessThan(2000);
      await closed;
    });

    it('gives up at the deadline and says so', async () => {
      const { reply: slow } = await hold();
      await expect(drain.drain(100)).resolves.toBe(false);
      held[0]!();
      await slow;
    });
  });

  describe('backpressure', () => {
    it('refuses a request over the limit with 503 over_capacity, Retry-After and a request id', async () => {
      await start('2');
      const { reply: first } = await hold();
      const { reply: second } = await hold();
      expect(drain.inFlightCount).toBe(2);

      const refused = await send('/slow', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"model":"gpt-4o-mini","stream":true}',
      });
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.headers['content-type']).toBe('application/json; charset=utf-8');
      const requestId = refused.headers['x-request-id'];
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.parse(refused.body)).toEqual({
        error: {
          message: expect.stringContaining('over capacity'),
          type: 'server_error',
          code: 'over_capacity',
          param: null,
        },
        request_id: requestId,
      });
      // Neither the app nor the listeners behind the gate saw it.
      expect(seen).toEqual(['pre /slow', '/slow', 'pre /slow', '/slow']);
      expect(drain.refusedCount).toBe(1);
      expect(drain.inFlightCount).toBe(2);

      held[0]!();
      held[1]!();
      await Promise.all([first, second]);
    });

    it('keeps a sane client request id on the refusal', async () => {
      await start('1');
      const { reply: slow } = await hold();
      const refused = await send('/other', { headers: { 'x-request-id': 'client-id.42' } });
      expect(refused.status).toBe(503);
      expect(refused.headers['x-request-id']).toBe('client-id.42');
      expect(JSON.parse(refused.body)).toMatchObject({ request_id: 'client-id.42' });
      held[0]!();
      await slow;
    });

    it('never refuses or counts health probes', async () => {
      await start('1');
      const { reply: slow } = await hold();
      const live = await send('/_health/live');
      const ready = await send('/_health/ready');
      expect([live.status, ready.status]).toEqual([200, 200]);
      expect(drain.inFlightCount).toBe(1);
      expect(drain.refusedCount).toBe(0);
      held[0]!();
      await slow;
    });

    it('admits again once a request in flight has finished', async () => {
      await start('1');
      const { reply: slow } = await hold();
      await expect(send('/other')).resolves.toMatchObject({ status: 503 });
      held[0]!();
      await expect(slow).resolves.toMatchObject({ status: 200, body: 'done' });
      await expect(send('/other')).resolves.toMatchObject({ status: 200, body: 'ok' });
      expect(drain.inFlightCount).toBe(0);
    });

    it('counts a request whose client went away as finished', async () => {
      await start('1');
      const client = request({ port, host: '127.0.0.1', path: '/slow', agent: false });
      client.on('error', () => undefined);
      const arrived = new Promise<void>((resolve) => arrivals.push(resolve));
      client.end();
      await arrived;
      expect(drain.inFlightCount).toBe(1);
      client.destroy();
      await waitUntil(() => drain.inFlightCount === 0);
      await expect(send('/other')).resolves.toMatchObject({ status: 200 });
    });

    it('is unlimited when the variable is unset or 0', async () => {
      for (const setting of [undefined, '0']) {
        await start(setting);
        const replies = await Promise.all([hold(), hold(), hold(), hold()]);
        expect(drain.inFlightCount).toBe(4);
        await expect(send('/other')).resolves.toMatchObject({ status: 200 });
        for (const release of held) release();
        await Promise.all(replies.map(({ reply }) => reply));
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
      await start(undefined);
    });
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
