import type { IncomingHttpHeaders } from 'node:http';

/**
 * Upstream headers never relayed: hop-by-hop ones, framing the gateway redoes, credentials and
 * cookies of the agent's domain, and policies (HSTS, CORS) that belong to the gateway's origin.
 */
const DROPPED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'authorization',
  'www-authenticate',
  'set-cookie',
  'set-cookie2',
  'cookie',
  'content-length',
  'content-encoding',
  'content-type',
  'host',
  'date',
  'server',
  'alt-svc',
  'strict-transport-security',
  'x-request-id',
]);

/** Upstream headers safe to pass on to the client (names lower case). */
export function relayableHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || DROPPED.has(lower) || lower.startsWith('access-control-')) continue;
    kept[lower] = value;
  }
  return kept;
}

/** Client headers passed on to the agent: A2A's extension negotiation. */
export const FORWARDED_CLIENT_HEADERS = ['a2a-extensions', 'x-a2a-extensions'] as const;

export const SSE_RESPONSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // nginx must not buffer a stream (see config/nginx.conf).
  'x-accel-buffering': 'no',
} as const;
