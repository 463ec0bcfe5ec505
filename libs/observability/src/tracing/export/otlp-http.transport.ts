import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { OtlpTraceExportConfig } from './otlp-trace-export.config';

const gzipAsync = promisify(gzip);
const USER_AGENT = 'RouteIQ-Gateway-OTLP-Exporter';

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

class StaleSocketError extends OtlpExportError {}

/**
 * POSTs protobuf bodies to one OTLP/HTTP endpoint over a keep-alive agent. One deadline
 * (`timeoutMillis`) covers compression, connecting, sending and reading the response.
 */
export class OtlpHttpTransport {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  private readonly headers: Readonly<Record<string, string>>;

  constructor(private readonly config: OtlpTraceExportConfig) {
    this.url = new URL(config.url);
    const https = this.url.protocol === 'https:';
    this.agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.send = https ? httpsRequest : httpRequest;
    this.headers = {
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
      // A pooled socket the collector closed while idle: one retry on a new connection.
      if (!(error instanceof StaleSocketError)) throw error;
      await this.request(payload, deadline);
    }
  }

  /** Destroys the agent's sockets, in use ones included: call once nothing is in flight. */
  close(): void {
    this.agent.destroy();
  }

  private request(payload: Uint8Array, deadline: number): Promise<void> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return Promise.reject(this.timeoutError());
    return new Promise<void>((resolve, reject) => {
      const req = this.send(this.url, {
        method: 'POST',
        agent: this.agent,
        headers: { ...this.headers, 'content-length': String(payload.byteLength) },
      });
      const settle = (error?: Error): void => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => {
        settle(this.timeoutError());
        req.destroy();
      }, remaining);
      // `on`, not `once`: a second 'error' after destroy() must not go unhandled.
      req.on('error', (error: NodeJS.ErrnoException) => {
        const stale = req.reusedSocket && error.code === 'ECONNRESET';
        const failure = this.networkError(error);
        settle(stale ? new StaleSocketError(failure.message) : failure);
      });
      req.once('response', (res: IncomingMessage) => {
        res.on('error', (error) => settle(this.networkError(error)));
        // The body is drained so the socket goes back to the pool; its content is not needed.
        res.resume();
        res.once('end', () => settle(this.statusError(res.statusCode ?? 0, res.statusMessage)));
      });
      req.end(payload);
    });
  }

  private timeoutError(): OtlpExportError {
    const ms = this.config.timeoutMillis;
    return new OtlpExportError(`OTLP trace export to ${this.target()} timed out after ${ms} ms`);
  }

  private networkError(error: Error): OtlpExportError {
    return new OtlpExportError(`OTLP trace export to ${this.target()} failed: ${error.message}`);
  }

  /** Undefined for a 2xx status. */
  private statusError(status: number, message: string | undefined): OtlpExportError | undefined {
    if (status >= 200 && status < 300) return undefined;
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
