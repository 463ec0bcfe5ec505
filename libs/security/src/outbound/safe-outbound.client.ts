import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { Agent, Dispatcher } from 'undici';
import { OutboundUrlGuard, type CheckedTarget } from './outbound-url.guard';
import { OutboundException, SsrfBlockReason } from './outbound.exception';
import { createPinnedDispatcher } from './pinned-dispatcher.factory';

export interface OutboundRequestOptions {
  /** Default GET. */
  readonly method?: Dispatcher.HttpMethod;
  /** A `host` header is dropped: the Host is always the checked URL's. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** The caller's signal, e.g. tied to the client connection. */
  readonly signal?: AbortSignal;
  /** Whole request, body included; default 30 s. */
  readonly timeoutMs?: number;
  /** Default 10 MiB. */
  readonly maxResponseBytes?: number;
}

export interface OutboundResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** Distinct (origin, vetted addresses) pairs kept with live keep-alive pools. */
const MAX_DISPATCHERS = 256;
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * The HTTP client for every URL the operator did not write (MCP servers, A2A agents, webhooks,
 * client-supplied `api_base`): each call is checked by `OutboundUrlGuard`, its connection pinned
 * to the vetted addresses, and redirects are refused (`ssrf_blocked`, `redirect_refused`).
 */
@Injectable()
export class SafeOutboundClient implements OnApplicationShutdown {
  private readonly dispatchers = new Map<string, Agent>();

  constructor(private readonly guard: OutboundUrlGuard) {}

  /**
   * Checks a URL and returns a dispatcher pinned to its vetted addresses, for code that needs
   * `fetch(target.url, { dispatcher, redirect: 'manual' })` (MCP and A2A SDK transports).
   * Check again for every new URL: the dispatcher refuses to connect to any other origin.
   */
  async prepare(url: string | URL): Promise<{ target: CheckedTarget; dispatcher: Dispatcher }> {
    const target = await this.guard.check(url);
    return { target, dispatcher: this.dispatcherFor(target) };
  }

  /** A shared keep-alive dispatcher pinned to the target's vetted addresses. */
  dispatcherFor(target: CheckedTarget): Dispatcher {
    const key = `${target.url.origin}|${target.addresses.join(',')}`;
    let dispatcher = this.dispatchers.get(key);
    if (dispatcher) {
      this.dispatchers.delete(key); // re-insert: the map's order is least recently used first
    } else {
      dispatcher = createPinnedDispatcher(target);
      this.evictOldest();
    }
    this.dispatchers.set(key, dispatcher);
    return dispatcher;
  }

  /** @throws OutboundException: `ssrf_blocked`, `outbound_timeout`, `outbound_request_failed`, `outbound_response_too_large`. */
  async request(
    url: string | URL,
    options: OutboundRequestOptions = {},
  ): Promise<OutboundResponse> {
    const target = await this.guard.check(url);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      const response = await this.dispatcherFor(target).request({
        origin: target.url.origin,
        path: target.url.pathname + target.url.search,
        method: options.method ?? 'GET',
        headers: withoutHost(options.headers),
        body: options.body,
        signal,
      });
      await refuseRedirect(response);
      const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
      const body = await readLimited(response.body, limit, target.hostname);
      return { status: response.statusCode, headers: response.headers, body };
    } catch (err) {
      if (err instanceof OutboundException) throw err;
      if (options.signal?.aborted) throw err; // the caller gave up: not an upstream failure
      if (timeout.aborted) throw OutboundException.timeout(target.hostname, timeoutMs);
      throw OutboundException.requestFailed(target.hostname, err);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const dispatchers = [...this.dispatchers.values()];
    this.dispatchers.clear();
    await Promise.all(dispatchers.map((dispatcher) => closeWithGrace(dispatcher)));
  }

  private evictOldest(): void {
    if (this.dispatchers.size < MAX_DISPATCHERS) return;
    const [oldestKey, oldest] = this.dispatchers.entries().next().value ?? [];
    if (oldestKey === undefined || oldest === undefined) return;
    this.dispatchers.delete(oldestKey);
    void closeWithGrace(oldest);
  }
}

function withoutHost(headers: Readonly<Record<string, string>> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'host'),
  );
}

async function refuseRedirect(response: Dispatcher.ResponseData): Promise<void> {
  const status = response.statusCode;
  if (status < 300 || status > 399 || status === 304 || !response.headers.location) return;
  await response.body.dump().catch(() => undefined);
  throw OutboundException.blocked(
    SsrfBlockReason.RedirectRefused,
    `the upstream answered ${status} with a redirect, and outbound requests do not follow redirects`,
  );
}

async function readLimited(
  body: Dispatcher.ResponseData['body'],
  limit: number,
  host: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw OutboundException.responseTooLarge(host, limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function closeWithGrace(dispatcher: Agent): Promise<void> {
  // close() waits for in-flight requests; a long stream must not hold shutdown forever.
  const timer = setTimeout(
    () => void dispatcher.destroy().catch(() => undefined),
    SHUTDOWN_GRACE_MS,
  );
  timer.unref();
  try {
    await dispatcher.close();
  } catch {
    // destroyed by the grace timer: nothing left to do.
  } finally {
    clearTimeout(timer);
  }
}
