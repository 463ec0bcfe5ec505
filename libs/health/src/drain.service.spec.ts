import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DrainService } from './drain.service';

describe(DrainService.name, () => {
  let server: Server;
  let drain: DrainService;
  let release: () => void;
  let port: number;

  beforeEach(async () => {
    drain = new DrainService();
    server = createServer((req, res) => {
      if (req.url === '/slow') release = () => res.end('done');
      else res.end('ok');
    });
    drain.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const get = (path: string): Promise<{ body: string; connection: string | undefined }> =>
    new Promise((resolve, reject) => {
      request({ port, host: '127.0.0.1', path, agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ body, connection: res.headers.connection }));
      })
        .on('error', reject)
        .end();
    });

  it('resolves at once when nothing is in flight', async () => {
    await expect(drain.drain(1000)).resolves.toBe(true);
    expect(drain.isDraining).toBe(true);
  });

  it('waits for in-flight requests, not for health probes, and closes connections after them', async () => {
    const slow = get('/slow');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(drain.inFlightCount).toBe(1);
    const probe = await get('/_health/ready');
    expect(probe.body).toBe('ok');
    expect(drain.inFlightCount).toBe(1);

    let drained = false;
    const done = drain.drain(5000).then((result) => (drained = result));
    const during = await get('/other');
    expect(during.connection).toBe('close');
    expect(drained).toBe(false);
    release();
    await expect(slow).resolves.toMatchObject({ body: 'done', connection: 'close' });
    await done;
    expect(drained).toBe(true);
  });

  it('gives up at the deadline and says so', async () => {
    const slow = get('/slow');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(drain.drain(100)).resolves.toBe(false);
    release();
    await slow;
  });
});
