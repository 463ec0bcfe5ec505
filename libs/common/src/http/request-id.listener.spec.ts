import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayRequest } from './gateway-request';
import { attachRequestIds } from './request-id.listener';

describe(attachRequestIds.name, () => {
  let server: Server;
  let seen: Array<{ keys: string[]; id: string }>;

  beforeAll(async () => {
    seen = [];
    server = createServer((req: IncomingMessage, res) => {
      const own = Object.keys(req);
      const from = own.indexOf('id');
      seen.push({ keys: own.slice(from), id: (req as GatewayRequest).id });
      res.end();
    });
    attachRequestIds(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function get(headers: Record<string, string> = {}): Promise<string | undefined> {
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers['x-request-id'] as string | undefined));
      })
        .on('error', reject)
        .end();
    });
  }

  it('gives each request an id, echoed in X-Request-ID, a sane incoming one kept', async () => {
    const made = await get();
    const kept = await get({ 'x-request-id': 'client-id-1' });
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    expect(kept).toBe('client-id-1');
    expect(seen.slice(-2).map((entry) => entry.id)).toEqual([made, 'client-id-1']);
  });

  it('declares the fields later steps set, in one order, on every request', async () => {
    await get();
    await get({ traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` });
    const fields = ['id', 'receivedAt', 'serverSpan', 'traceContext', 'traceIds', 'principal'];
    for (const entry of seen.slice(-2)) expect(entry.keys).toEqual(fields);
  });
});
