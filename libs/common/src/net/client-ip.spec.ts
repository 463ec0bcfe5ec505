import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayRequest } from '../http/gateway-request';
import { attachClientIps, clientIpOf, resolveClientIp } from './client-ip';
import { buildIpList, parseIpRange } from './ip-range';

const list = (...entries: string[]) => buildIpList(entries.map((entry) => parseIpRange(entry)!));
const PROXIES = list('10.0.0.0/8', '::1');

describe(resolveClientIp.name, () => {
  it('takes the TCP peer when it is no trusted proxy, whatever X-Forwarded-For says', () => {
    expect(resolveClientIp('203.0.113.9', '198.51.100.1', PROXIES)).toBe('203.0.113.9');
    expect(resolveClientIp('::ffff:203.0.113.9', '10.1.1.1', PROXIES)).toBe('203.0.113.9');
  });

  it('takes the address a trusted proxy received the request from', () => {
    expect(resolveClientIp('10.0.0.2', '198.51.100.7', PROXIES)).toBe('198.51.100.7');
    expect(resolveClientIp('::ffff:10.0.0.2', ' 198.51.100.7 ', PROXIES)).toBe('198.51.100.7');
    expect(resolveClientIp('::1', '2001:db8::5', PROXIES)).toBe('2001:db8::5');
  });

  it('walks a chain of trusted proxies from the right and never believes what the client wrote', () => {
    // The client claimed 10.9.9.9 (a trusted range) itself: left of the first untrusted hop.
    const chain = '10.9.9.9, 198.51.100.7, 10.0.0.5';
    expect(resolveClientIp('10.0.0.2', chain, PROXIES)).toBe('198.51.100.7');
    expect(resolveClientIp('10.0.0.2', ['10.9.9.9, 198.51.100.7', '10.0.0.5'], PROXIES)).toBe(
      '198.51.100.7',
    );
  });

  it('stops at a malformed hop: the last trusted address stands', () => {
    expect(resolveClientIp('10.0.0.2', 'evil, 10.0.0.5', PROXIES)).toBe('10.0.0.5');
    expect(resolveClientIp('10.0.0.2', '198.51.100.7:4321', PROXIES)).toBe('10.0.0.2');
    expect(resolveClientIp('10.0.0.2', '', PROXIES)).toBe('10.0.0.2');
  });

  it('takes the leftmost address when every hop is a trusted proxy', () => {
    expect(resolveClientIp('10.0.0.2', '10.0.0.7, 10.0.0.5', PROXIES)).toBe('10.0.0.7');
  });

  it('keeps the peer when the trusted proxy sent no X-Forwarded-For', () => {
    expect(resolveClientIp('10.0.0.2', undefined, PROXIES)).toBe('10.0.0.2');
    expect(resolveClientIp(undefined, '198.51.100.7', PROXIES)).toBeUndefined();
  });
});

describe(attachClientIps.name, () => {
  async function clientIpSeen(
    trusted: ReturnType<typeof list> | undefined,
    forwardedFor: string,
  ): Promise<{ attached: string | undefined; resolved: string | undefined }> {
    const server = createServer((req: IncomingMessage, res) => {
      const gatewayReq = req as GatewayRequest;
      res.end(JSON.stringify({ attached: gatewayReq.clientIp, resolved: clientIpOf(gatewayReq) }));
    });
    attachClientIps(server, trusted);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      return await new Promise((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, headers: { 'x-forwarded-for': forwardedFor } },
          (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolve(JSON.parse(body) as never));
          },
        );
        req.on('error', reject);
        req.end();
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('resolves each request once on the raw server when proxies are trusted', async () => {
    await expect(clientIpSeen(list('127.0.0.1'), '198.51.100.7')).resolves.toEqual({
      attached: '198.51.100.7',
      resolved: '198.51.100.7',
    });
  });

  it('attaches nothing without trusted proxies: the TCP peer is the client', async () => {
    await expect(clientIpSeen(undefined, '198.51.100.7')).resolves.toEqual({
      resolved: '127.0.0.1',
    });
  });
});
