import type { ServerResponse } from 'node:http';
import { type GatewayException } from '../errors/gateway.exception';
import { errorBody } from './reply';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // nginx must not buffer a stream (see config/nginx.conf).
  'x-accel-buffering': 'no',
} as const;

/**
 * Writes an OpenAI-style server-sent event stream to the raw response, one `data:` event per
 * chunk, as it arrives. Honours back-pressure: `write` resolves once the socket can take more, so
 * a slow client slows the upstream read instead of growing a buffer.
 */
export class SseWriter {
  private opened = false;

  constructor(private readonly res: ServerResponse) {}

  get isOpen(): boolean {
    return this.opened;
  }

  /** True once the client went away; writes after that are dropped. */
  get isClosed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  open(headers?: Readonly<Record<string, string>>): void {
    this.res.writeHead(200, { ...headers, ...SSE_HEADERS });
    this.opened = true;
  }

  /** Writes one `data:` event holding `payload` (already serialised JSON). */
  write(payload: string): Promise<void> | void {
    if (this.isClosed) return;
    if (this.res.write(`data: ${payload}\n\n`)) return;
    return this.waitForDrain();
  }

  /** Ends the stream with OpenAI's `[DONE]` sentinel. */
  done(): void {
    if (!this.isClosed) this.res.end('data: [DONE]\n\n');
  }

  /**
   * Ends the stream with an OpenAI-shaped error event: the openai SDKs raise it as an APIError.
   */
  fail(error: GatewayException, requestId: string): void {
    if (this.isClosed) return;
    const body = errorBody(error, requestId);
    this.res.end(
      `data: ${JSON.stringify({ ...body, error: { ...body.error, status: error.status } })}\n\n`,
    );
  }

  private waitForDrain(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }
}
