import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Pool } from 'undici';
import type { OtlpTraceExportConfig } from './otlp-trace-export.config';

const gzipAsync = promisify(gzip);
const USER_AGENT = 'RouteIQ-Gateway-OTLP-Exporter';
/** Errors of a connection the collector closed (an idle pooled one, typically). */
const LOST_CONNECTION = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);
/** Answers a collector gives when it may take the same request later (the OTLP/HTTP spec). */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
/** Network errors worth another attempt, as the OpenTelemetry SDK's HTTP exporters retry them. */
const RETRYABLE_NETWORK = new Set([
  'UND_ERR_SOCKET',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/**
 * When a failed export is tried again: the OpenTelemetry SDK's exporters' schedule (exponential
 * backoff with jitter; a collector's `Retry-After` wins), within the export's one deadline.
 */
export interface OtlpRetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly initialBackoffMillis: number;
  readonly maxBackoffMillis: number;
  readonly backoffMultiplier: number;
  /** Each wait is the backoff times 1 ± up to this. */
  readonly jitter: number;
}

export const OTLP_RETRY_POLICY: OtlpRetryPolicy = Object.freeze({
  maxAttempts: 5,
  initialBackoffMillis: 1000,
  maxBackoffMillis: 5000,
  backoffMultiplier: 1.5,
  jitter: 0.2,
});

/** Why an OTLP request did not succeed; `status` is the HTTP status when there was one. */
export class OtlpExportError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'OtlpExportError';
  }
}

/** A failure another attempt may get past; `retryAfterMillis` is the collector's `Retry-After`. */
class RetryableExportError extends OtlpExportError {
  constructor(
    message: string,
    status?: number,
    readonly retryAfterMillis?: number,
  ) {
    super(message, status);
  }
}

class LostConnectionError extends RetryableExportError {}

/**
 * POSTs protobuf bodies to one OTLP/HTTP endpoint over a keep-alive undici pool. One deadline
 * (`timeoutMillis`) covers compression, connecting, sending and reading the response.
 *
 * undici, not `node:http`: the request path's upstream calls go through undici already, and
 * `node:http` client requests and responses gave Node's shared HTTP and stream code (the
 * `OutgoingMessage` and `IncomingMessage` paths every gateway response and request takes) shapes
 * it never sees otherwise: its inline caches went megamorphic for every request after
 * (docs/performance.md "Tracing overhead", session 17).
 */
export class OtlpHttpTransport {
  private readonly url: URL;
  private readonly pool: Pool;
  private readonly path: string;
  private readonly headers: Readonly<Record<string, string>>;

  constructor(
    private readonly config: OtlpTraceExportConfig,
    private readonly retry: OtlpRetryPolicy = OTLP_RETRY_POLICY,
  ) {
    this.url = new URL(config.url);
    this.path = this.url.pathname + this.url.search;
    this.pool = new Pool(this.url.origin, { pipelining: 1 });
    // Credentials in the endpoint URL go as basic auth (as `node:http` sends them).
    const auth: Record<string, string> = {};
    if (this.url.username || this.url.password) {
      const user = `${decodeURIComponent(this.url.username)}:${decodeURIComponent(this.url.password)}`;
      auth.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
    }
    this.headers = {
      ...auth,
      ...config.headers,
      'content-type': 'application/x-protobuf',
      'user-agent': USER_AGENT,
      ...(config.compression === 'gzip' ? { 'content-encoding': 'gzip' } : {}),
    };
  }

  /**
   * Resolves on a 2xx answer; rejects with an OtlpExportError otherwise. A 429, 502, 503 or 504
   * answer or a network error is tried again (OtlpRetryPolicy) while the wait fits before the
   * deadline (`timeoutMillis` from the call, for all attempts).
   */
  async post(body: Uint8Array): Promise<void> {
    const deadline = Date.now() + this.config.timeoutMillis;
    const payload = this.config.compression === 'gzip' ? await gzipAsync(body) : body;
    const policy = this.retry;
    let backoff = policy.initialBackoffMillis;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.attempt(payload, deadline);
        return;
      } catch (error) {
        if (!(error instanceof RetryableExportError) || attempt >= policy.maxAttempts) throw error;
        const wait = error.retryAfterMillis ?? jittered(backoff, policy);
        backoff = Math.min(backoff * policy.backoffMultiplier, policy.maxBackoffMillis);
        if (wait >= deadline - Date.now()) throw error;
        await sleep(wait);
      }
    }
  }

  /** Destroys the pool's connections, in use ones included: call once nothing is in flight. */
  close(): void {
    void this.pool.destroy().catch(() => undefined);
  }

  /** One attempt: a pooled connection the collector closed while idle is retried at once. */
  private async attempt(payload: Uint8Array, deadline: number): Promise<void> {
    try {
      await this.request(payload, deadline);
    } catch (error) {
      if (!(error instanceof LostConnectionError)) throw error;
      await this.request(payload, deadline);
    }
  }

  private async request(payload: Uint8Array, deadline: number): Promise<void> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw this.timeoutError();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), remaining);
    try {
      const res = await this.pool.request({
        method: 'POST',
        path: this.path,
        headers: this.headers,
        body: payload,
        signal: abort.signal,
      });
      // The body is drained so the connection goes back to the pool; its content is not needed.
      await res.body.dump();
      const failure = this.statusError(res.statusCode, res.headers['retry-after']);
      if (failure) throw failure;
    } catch (error) {
      if (error instanceof OtlpExportError) throw error;
      if (abort.signal.aborted) throw this.timeoutError();
      const code = (error as { code?: unknown }).code;
      const message = this.networkErrorMessage(error as Error);
      if (typeof code !== 'string' || !RETRYABLE_NETWORK.has(code))
        throw new OtlpExportError(message);
      throw LOST_CONNECTION.has(code)
        ? new LostConnectionError(message)
        : new RetryableExportError(message);
    } finally {
      clearTimeout(timer);
    }
  }

  private timeoutError(): OtlpExportError {
    const ms = this.config.timeoutMillis;
    return new OtlpExportError(`OTLP trace export to ${this.target()} timed out after ${ms} ms`);
  }

  private networkErrorMessage(error: Error): string {
    return `OTLP trace export to ${this.target()} failed: ${error.message}`;
  }

  /** Undefined for a 2xx status. */
  private statusError(
    status: number,
    retryAfter: string | string[] | undefined,
  ): OtlpExportError | undefined {
    if (status >= 200 && status < 300) return undefined;
    const name = STATUS_CODES[status];
    const message = `OTLP trace export to ${this.target()} failed: HTTP ${status}${name ? ` ${name}` : ''}`;
    return RETRYABLE_STATUS.has(status)
      ? new RetryableExportError(message, status, retryAfterMillis(retryAfter))
      : new OtlpExportError(message, status);
  }

  /** The endpoint without credentials or query, for messages. */
  private target(): string {
    return `${this.url.protocol}//${this.url.host}${this.url.pathname}`;
  }
}

function jittered(backoff: number, policy: OtlpRetryPolicy): number {
  return Math.max(0, backoff * (1 + (Math.random() * 2 - 1) * policy.jitter));
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMillis(value: string | string[] | undefined): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its month ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone takes "-1".
  const at = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
