import { STATUS_CODES } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Pool } from 'undici';
import type { OtlpTraceExportConfig } from './otlp-trace-export.config';

const gzipAsync = promisify(gzip);
const USER_AGENT = 'RouteIQ-Gateway-OTLP-Exporter';
/** Errors of a connection the collector closed (an idle pooled one, typically). */
const LOST_CONNECTION = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

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

class LostConnectionError extends OtlpExportError {}

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

  constructor(private readonly config: OtlpTraceExportConfig) {
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

  /** Resolves on a 2xx answer; rejects with an OtlpExportError otherwise. */
  async post(body: Uint8Array): Promise<void> {
    const deadline = Date.now() + this.config.timeoutMillis;
    const payload = this.config.compression === 'gzip' ? await gzipAsync(body) : body;
    try {
      await this.request(payload, deadline);
    } catch (error) {
      // A pooled connection the collector closed while idle: one retry on a new connection.
      if (!(error instanceof LostConnectionError)) throw error;
      await this.request(payload, deadline);
    }
  }

  /** Destroys the pool's connections, in use ones included: call once nothing is in flight. */
  close(): void {
    void this.pool.destroy().catch(() => undefined);
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
      const failure = this.statusError(res.statusCode);
      if (failure) throw failure;
    } catch (error) {
      if (error instanceof OtlpExportError) throw error;
      if (abort.signal.aborted) throw this.timeoutError();
      const code = (error as { code?: unknown }).code;
      const failure = this.networkError(error as Error);
      throw typeof code === 'string' && LOST_CONNECTION.has(code)
        ? new LostConnectionError(failure.message)
        : failure;
    } finally {
      clearTimeout(timer);
    }
  }

  private timeoutError(): OtlpExportError {
    const ms = this.config.timeoutMillis;
    return new OtlpExportError(`OTLP trace export to ${this.target()} timed out after ${ms} ms`);
  }

  private networkError(error: Error): OtlpExportError {
    return new OtlpExportError(`OTLP trace export to ${this.target()} failed: ${error.message}`);
  }

  /** Undefined for a 2xx status. */
  private statusError(status: number): OtlpExportError | undefined {
    if (status >= 200 && status < 300) return undefined;
    const message = STATUS_CODES[status];
    const text = message ? ` ${message}` : '';
    return new OtlpExportError(
      `OTLP trace export to ${this.target()} failed: HTTP ${status}${text}`,
      status,
    );
  }

  /** The endpoint without credentials or query, for messages. */
  private target(): string {
    return `${this.url.protocol}//${this.url.host}${this.url.pathname}`;
  }
}
