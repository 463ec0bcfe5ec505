import type { ServerResponse } from 'node:http';
import type { GatewayException } from '@routeiq/common';
import type { StreamWriter } from '../inference-operation';
import { eventNameOf } from './responses-relay.mapper';
import type { ResponsesResponse, SequencedEvent } from './responses.types';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // nginx must not buffer a stream (see config/nginx.conf).
  'x-accel-buffering': 'no',
} as const;

/**
 * The Responses SSE framing: `event: <type>` before each `data:` line, no `[DONE]` sentinel (the
 * stream ends after response.completed). A failure mid-stream ends it with response.failed then
 * an `event: error` frame, so both event-driven clients and the SDKs (which raise on an `error`
 * object) see it. Honours back-pressure like the OpenAI writer.
 */
export class ResponsesSseWriter implements StreamWriter<SequencedEvent> {
  private nextSequence = 0;
  private lastResponse: ResponsesResponse | undefined;

  constructor(private readonly res: ServerResponse) {}

  get isClosed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  open(headers?: Readonly<Record<string, string>>): void {
    this.res.writeHead(200, { ...headers, ...SSE_HEADERS });
  }

  write(payload: string, event: SequencedEvent): Promise<void> | void {
    if (this.isClosed) return;
    // A relayed upstream event is written as it came: its own event name and raw JSON.
    if (typeof event.sequence_number === 'number') this.nextSequence = event.sequence_number + 1;
    if ('response' in event) this.lastResponse = event.response;
    if (this.res.write(`event: ${eventNameOf(event)}\ndata: ${payload}\n\n`)) return;
    return this.waitForDrain();
  }

  done(): void {
    if (!this.isClosed) this.res.end();
  }

  fail(error: GatewayException, requestId: string): void {
    if (this.isClosed) return;
    const frames: string[] = [];
    if (this.lastResponse) {
      const response = {
        ...this.lastResponse,
        status: 'failed',
        error: { code: error.code, message: error.message },
      };
      frames.push(
        frame({ type: 'response.failed', response, sequence_number: this.nextSequence++ }),
      );
    }
    frames.push(frame(errorEvent(error, requestId, this.nextSequence++)));
    this.res.end(frames.join(''));
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

function frame(event: { type: string; [key: string]: unknown }): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * OpenAI documents the error event's fields flat and sends them nested under `error`: both are
 * written, so either kind of client reads them.
 */
export function errorEvent(
  error: GatewayException,
  requestId: string,
  sequence: number,
): Record<string, unknown> & { type: 'error' } {
  const details = {
    type: error.type,
    code: error.code,
    message: error.message,
    param: error.param,
  };
  return {
    type: 'error',
    code: error.code,
    message: error.message,
    param: error.param,
    error: details,
    request_id: requestId,
    sequence_number: sequence,
  };
}
