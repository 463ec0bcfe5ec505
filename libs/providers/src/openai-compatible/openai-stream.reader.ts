import type { Dispatcher } from 'undici';
import type { ProviderException } from '../contract/provider.exception';
import { discardBody } from '../http/discard-body';
import {
  mapStreamTransportError,
  streamError,
  type TransportErrorContext,
} from '../http/transport-error.mapper';
import { decodeSse, type SseEvent } from '../sse/sse.decoder';
import { withRawJson } from '../contract/raw-json';

type ResponseBody = Dispatcher.ResponseData['body'];

/** After `[DONE]` the rest of the body (normally nothing) is read so the socket can be reused. */
export const DRAIN_LIMIT_BYTES = 64 * 1024;

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function errorStatus(error: Record<string, unknown>): number {
  for (const candidate of [error.status, error.code]) {
    if (typeof candidate === 'number' && candidate >= 400 && candidate <= 599) return candidate;
  }
  return 502;
}

/** A `data:` payload carrying `{ error }` (or an `event: error`) ends the stream with its message. */
export function inStreamError(
  parsed: unknown,
  event: SseEvent,
  label: string,
): ProviderException | undefined {
  const record = asRecord(parsed);
  if (!record || (!('error' in record) && event.event !== 'error')) return undefined;
  const error = asRecord(record.error) ?? record;
  const message =
    typeof error.message === 'string'
      ? error.message
      : `The upstream of deployment ${label} reported an error mid-stream`;
  return streamError(message, errorStatus(error));
}

function parseChunk<T>(event: SseEvent, label: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(event.data);
  } catch (err) {
    throw streamError(`The upstream of deployment ${label} sent an invalid stream chunk`, 502, err);
  }
  const failure = inStreamError(parsed, event, label);
  if (failure) throw failure;
  // OpenAI's wire format is ours: the chunk goes on to the client as the upstream wrote it.
  return (
    typeof parsed === 'object' && parsed !== null ? withRawJson(parsed, event.data) : parsed
  ) as T;
}

async function* readChunks<T>(body: ResponseBody, ctx: TransportErrorContext): AsyncGenerator<T> {
  let finished = false;
  try {
    const bytes = body.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<Buffer>;
    for await (const event of decodeSse(bytes)) {
      if (event.data === '[DONE]') {
        finished = true;
        return;
      }
      if (event.data.length > 0) yield parseChunk<T>(event, ctx.label);
    }
  } catch (err) {
    throw mapStreamTransportError(err, ctx);
  } finally {
    if (finished) void body.dump({ limit: DRAIN_LIMIT_BYTES }).catch(() => undefined);
    else discardBody(body);
  }
  throw streamError(`The upstream stream of deployment ${ctx.label} ended before [DONE]`);
}

/**
 * An iterator over an upstream's OpenAI SSE chunks. Stopping early (`return()`), even before the
 * first `next()`, destroys the body so the upstream request is aborted.
 */
export class UpstreamChunkStream<T> implements AsyncIterableIterator<T> {
  private started = false;

  constructor(
    private readonly generator: AsyncGenerator<T>,
    private readonly body: ResponseBody,
  ) {}

  next(): Promise<IteratorResult<T>> {
    this.started = true;
    return this.generator.next();
  }

  return(value?: T): Promise<IteratorResult<T>> {
    // A generator that never started skips its finally block: release the body here.
    if (!this.started) discardBody(this.body);
    this.started = true;
    return this.generator.return(value);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}

/** Parses an OpenAI-style SSE body into chunks; see `UpstreamChunkStream` for early exits. */
export function readOpenAiStream<T>(
  body: ResponseBody,
  ctx: TransportErrorContext,
): AsyncIterableIterator<T> {
  return new UpstreamChunkStream(readChunks<T>(body, ctx), body);
}
