import type { ServerResponse } from 'node:http';
import type { GatewayException } from '@routeiq/common';
import type { StreamWriter } from '../inference-operation';
import { anthropicErrorBody } from './anthropic-error.mapper';
import type { AnthropicStreamEvent } from './anthropic-messages.types';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // nginx must not buffer a stream (see config/nginx.conf).
  'x-accel-buffering': 'no',
} as const;

/**
 * Anthropic's SSE framing: `event: <type>` before each `data:` line, no `[DONE]` sentinel (the
 * stream ends after message_stop), errors as an `event: error` frame. Honours back-pressure like
 * the OpenAI writer.
 */
export class AnthropicSseWriter implements StreamWriter<AnthropicStreamEvent> {
  constructor(private readonly res: ServerResponse) {}

  get isClosed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  open(headers?: Readonly<Record<string, string>>): void {
    this.res.writeHead(200, { ...headers, ...SSE_HEADERS });
  }

  write(payload: string, event: AnthropicStreamEvent): Promise<void> | void {
    if (this.isClosed) return;
    if (this.res.write(`event: ${event.type}\ndata: ${payload}\n\n`)) return;
    return this.waitForDrain();
  }

  done(): void {
    if (!this.isClosed) this.res.end();
  }

  fail(error: GatewayException, requestId: string): void {
    if (this.isClosed) return;
    this.res.end(errorFrame(error, requestId));
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

/** The `event: error` frame Anthropic ends a failed stream with; the SDKs raise it as an APIError. */
export function errorFrame(error: GatewayException, requestId: string): string {
  return `event: error\ndata: ${JSON.stringify(anthropicErrorBody(error, requestId))}\n\n`;
}
