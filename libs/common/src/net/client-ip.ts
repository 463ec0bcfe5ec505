import type { IncomingMessage, Server } from 'node:http';
import type { BlockList } from 'node:net';
import { isIP } from 'node:net';
import type { GatewayRequest } from '../http/gateway-request';
import { normaliseIp } from './ip-range';

const FORWARDED_FOR = 'x-forwarded-for';

/**
 * The client's address: the TCP peer, or, when the peer is one of the trusted proxies
 * (`ROUTEIQ_TRUSTED_PROXIES`), the address that proxy says it received the request from. The
 * `X-Forwarded-For` chain is read from the right, and the first address not itself a trusted proxy
 * is the client; anything left of it was written by whoever the client is and is never believed.
 * A malformed entry stops the walk: the last trusted hop's address stands.
 */
export function resolveClientIp(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: BlockList,
): string | undefined {
  let client = normaliseIp(peer);
  if (client === undefined || !isTrusted(trusted, client) || forwardedFor === undefined)
    return client;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normaliseIp(hops[i]!.trim());
    if (hop === undefined || isIP(hop) === 0) return client;
    client = hop;
    if (!isTrusted(trusted, hop)) return client;
  }
  return client;
}

function isTrusted(trusted: BlockList, address: string): boolean {
  return trusted.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * With trusted proxies configured, resolves each request's client address once, on the raw HTTP
 * server before anything reads it (policy, quotas, logs, spans). Without them nothing is attached
 * and the TCP peer is the client.
 */
export function attachClientIps(server: Server, trusted: BlockList | undefined): void {
  if (trusted === undefined) return;
  server.prependListener('request', (req: IncomingMessage) => {
    (req as GatewayRequest).clientIp = resolveClientIp(
      req.socket.remoteAddress,
      req.headers[FORWARDED_FOR],
      trusted,
    );
  });
}

/** The request's client address (see {@link resolveClientIp}); IPv4-mapped addresses unwrapped. */
export function clientIpOf(req: GatewayRequest): string | undefined {
  return req.clientIp ?? normaliseIp(req.socket?.remoteAddress);
}
