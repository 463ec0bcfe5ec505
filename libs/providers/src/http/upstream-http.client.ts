import { context } from '@opentelemetry/api';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Pool, type Dispatcher } from 'undici';
import type { UpstreamTrace } from '../contract/provider-adapter';
import { ProviderException } from '../contract/provider.exception';
import { mapTransportError } from './transport-error.mapper';

/** One upstream HTTP call. */
export interface UpstreamRequest {
  readonly url: URL | string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** The caller's signal: aborted when the client goes away. */
  readonly signal: AbortSignal;
  readonly headersTimeoutMs: number;
  /** Longest allowed gap between two body chunks. */
  readonly bodyTimeoutMs: number;
  /** Names the deployment in error messages; defaults to the origin. */
  readonly label?: string;
  /** The call's trace: its headers are added, its context (if any) is active while the request starts. */
  readonly trace?: UpstreamTrace;
}

interface Target {
  readonly pool: Pool;
  readonly path: string;
  readonly origin: string;
}

/**
 * The call's headers with the trace's (which win on a clash), as the flat `[name, value, …]` list
 * undici takes: a spread copy of the header object cost ~1.2 KB of garbage per traced call.
 */
export function withTraceHeaders(
  headers: Readonly<Record<string, string>>,
  trace: Readonly<Record<string, string>>,
): string[] {
  const flat: string[] = [];
  for (const name in headers) {
    if (!Object.prototype.hasOwnProperty.call(trace, name)) flat.push(name, headers[name]!);
  }
  for (const name in trace) flat.push(name, trace[name]!);
  return flat;
}

/** Caps the URL → target cache; the set of upstream URLs is bounded by the config in practice. */
const MAX_CACHED_TARGETS = 1024;
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * The single HTTP client for every upstream: one keep-alive undici `Pool` per origin, created on first
 * use and reused for the life of the process. Failures surface as `ProviderException`s.
 */
@Injectable()
export class UpstreamHttpClient implements OnApplicationShutdown {
  private readonly pools = new Map<string, Pool>();
  private readonly targets = new Map<string, Target>();

  async request(opts: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    const target = this.target(opts.url, opts.label);
    const trace = opts.trace;
    const send = (): Promise<Dispatcher.ResponseData> =>
      target.pool.request({
        method: opts.method,
        path: target.path,
        headers: trace?.headers ? withTraceHeaders(opts.headers, trace.headers) : opts.headers,
        body: opts.body,
        signal: opts.signal,
        headersTimeout: opts.headersTimeoutMs,
        bodyTimeout: opts.bodyTimeoutMs,
      });
    try {
      return await (trace?.context ? context.with(trace.context, send) : send());
    } catch (err) {
      throw mapTransportError(err, {
        label: opts.label ?? target.origin,
        signal: opts.signal,
        headersTimeoutMs: opts.headersTimeoutMs,
        bodyTimeoutMs: opts.bodyTimeoutMs,
      });
    }
  }

  /** Number of origins with a pool (for health and tests). */
  get poolCount(): number {
    return this.pools.size;
  }

  async onApplicationShutdown(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    this.targets.clear();
    await Promise.all(pools.map((pool) => closeWithGrace(pool)));
  }

  private target(url: URL | string, label: string | undefined): Target {
    const key = typeof url === 'string' ? url : url.href;
    const cached = this.targets.get(key);
    if (cached) return cached;
    const parsed = parseHttpUrl(url, label);
    const target: Target = {
      pool: this.pool(parsed.origin),
      path: parsed.pathname + parsed.search,
      origin: parsed.origin,
    };
    if (this.targets.size >= MAX_CACHED_TARGETS) this.targets.clear();
    this.targets.set(key, target);
    return target;
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      // pipelining 1 = plain keep-alive; no connection cap, the gateway's own limits apply upstream.
      pool = new Pool(origin, { pipelining: 1, keepAliveMaxTimeout: 600_000 });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

function parseHttpUrl(url: URL | string, label: string | undefined): URL {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch (err) {
    throw ProviderException.connection(label ?? 'unknown', err);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw ProviderException.connection(label ?? parsed.origin, new Error('Unsupported protocol'));
  }
  return parsed;
}

async function closeWithGrace(pool: Pool): Promise<void> {
  // close() waits for in-flight requests; long streams must not hold shutdown forever.
  const timer = setTimeout(() => void pool.destroy().catch(() => undefined), SHUTDOWN_GRACE_MS);
  timer.unref();
  try {
    await pool.close();
  } catch {
    // destroyed by the grace timer: nothing left to do.
  } finally {
    clearTimeout(timer);
  }
}
