import { Agent, buildConnector } from 'undici';
import { parseHostToIp } from './ip-address.parser';
import { normaliseHostname } from './outbound-allowlist.matcher';
import type { CheckedTarget } from './outbound-url.guard';
import { OutboundException, SsrfBlockReason } from './outbound.exception';

export interface PinnedDispatcherOptions {
  readonly connectTimeoutMs?: number;
  /** Trusted CA certificates (PEM) for TLS, replacing Node's default store (private CAs, tests). */
  readonly ca?: string | Buffer;
  readonly keepAliveMaxTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

/**
 * An undici Agent whose sockets only ever go to the checked target's vetted addresses: the
 * connector swaps the host name for those IPs (tried in order), so nothing resolves the name
 * again and DNS rebinding cannot move the connection. TLS keeps the host name for SNI and
 * certificate checks, and the Host header is still the URL's. A connection to any other origin
 * (say, a redirect followed by fetch) is refused.
 */
export function createPinnedDispatcher(
  target: CheckedTarget,
  options: PinnedDispatcherOptions = {},
): Agent {
  return new Agent({
    connect: pinnedConnector(
      target,
      buildConnector({
        timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      }),
    ),
    // pipelining 1 = plain keep-alive, as in the provider pools.
    pipelining: 1,
    keepAliveMaxTimeout: options.keepAliveMaxTimeoutMs ?? 60_000,
  });
}

function pinnedConnector(
  target: CheckedTarget,
  base: buildConnector.connector,
): buildConnector.connector {
  // SNI must be a name, never an IP literal.
  const servername = parseHostToIp(target.hostname) ? undefined : target.hostname;
  return (options, callback) => {
    if (!isTargetOrigin(options, target)) {
      callback(
        OutboundException.blocked(
          SsrfBlockReason.OriginNotChecked,
          `connection to ${normaliseHostname(options.hostname)} was not checked by the outbound guard`,
        ),
        null,
      );
      return;
    }
    connectInOrder(base, { ...options, servername }, target.addresses, callback);
  };
}

function connectInOrder(
  base: buildConnector.connector,
  options: buildConnector.Options,
  addresses: readonly string[],
  callback: buildConnector.Callback,
  lastError?: Error,
): void {
  const [address, ...rest] = addresses;
  if (address === undefined) {
    callback(lastError ?? new Error('no vetted address to connect to'), null);
    return;
  }
  base({ ...options, hostname: address }, (...args) => {
    if (args[0] === null) {
      callback(...args);
      return;
    }
    connectInOrder(base, options, rest, callback, args[0]);
  });
}

function isTargetOrigin(options: buildConnector.Options, target: CheckedTarget): boolean {
  const { protocol } = target.url;
  const port = (value: string): string => value || (DEFAULT_PORTS[protocol] ?? '');
  return (
    options.protocol === protocol &&
    normaliseHostname(options.hostname) === target.hostname &&
    port(String(options.port ?? '')) === port(target.url.port)
  );
}
