import type { Dispatcher } from 'undici';
import type { ChatCompletionChunk } from '../contract/openai-wire.types';
import { discardBody } from '../http/discard-body';
import {
  mapStreamTransportError,
  streamError,
  type TransportErrorContext,
} from '../http/transport-error.mapper';
import { decodeSse, type SseEvent } from '../sse/sse.decoder';
import type { GeminiStreamMapper } from './gemini-stream.mapper';
import type { GeminiGenerateContentResponse } from './gemini.types';

type ResponseBody = Dispatcher.ResponseData['body'];

const DRAIN_LIMIT_BYTES = 64 * 1024;

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function parseEvent(event: SseEvent, label: string): GeminiGenerateContentResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(event.data);
  } catch (err) {
    throw streamError(`The upstream of deployment ${label} sent an invalid stream event`, 502, err);
  }
  const record = asRecord(parsed);
  if (!record)
    throw streamError(`The upstream of deployment ${label} sent an invalid stream event`);
  const error = asRecord(record.error);
  if (error) {
    const code = typeof error.code === 'number' && error.code >= 400 ? error.code : 502;
    const message = typeof error.message === 'string' ? error.message : 'mid-stream error';
    throw streamError(`The upstream of deployment ${label} failed mid-stream: ${message}`, code);
  }
  return record;
}

/**
 * Gemini's `alt=sse` body as response events. Gemini sends no `[DONE]`: the stream ends with the
 * body, and a body that ends before every candidate finished is reported as cut short.
 */
async function* readEvents(
  body: ResponseBody,
  ctx: TransportErrorContext,
): AsyncGenerator<GeminiGenerateContentResponse> {
  let complete = false;
  try {
    const bytes = body.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<Buffer>;
    for await (const event of decodeSse(bytes)) {
      if (event.data.length > 0) yield parseEvent(event, ctx.label);
    }
    complete = true;
  } catch (err) {
    throw mapStreamTransportError(err, ctx);
  } finally {
    if (complete) void body.dump({ limit: DRAIN_LIMIT_BYTES }).catch(() => undefined);
    else discardBody(body);
  }
}

async function* translate(
  body: ResponseBody,
  mapper: GeminiStreamMapper,
  ctx: TransportErrorContext,
): AsyncGenerator<ChatCompletionChunk> {
  for await (const event of readEvents(body, ctx)) yield* mapper.map(event);
  if (!mapper.finished) {
    throw streamError(`The upstream stream of deployment ${ctx.label} ended before finishing`);
  }
  yield* mapper.end();
}

/** Serves an already-read first chunk, then the rest; `return()` always releases the body. */
class PrefetchedStream implements AsyncIterableIterator<ChatCompletionChunk> {
  constructor(
    private first: IteratorResult<ChatCompletionChunk> | undefined,
    private readonly rest: AsyncGenerator<ChatCompletionChunk>,
  ) {}

  next(): Promise<IteratorResult<ChatCompletionChunk>> {
    const first = this.first;
    this.first = undefined;
    return first ? Promise.resolve(first) : this.rest.next();
  }

  return(): Promise<IteratorResult<ChatCompletionChunk>> {
    this.first = undefined;
    return this.rest.return(undefined);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ChatCompletionChunk> {
    return this;
  }
}

/**
 * Reads a Gemini stream up to its first OpenAI chunk before resolving, so a blocked prompt or an
 * immediate failure is still an ordinary error the caller can retry or render as HTTP.
 */
export async function readGeminiStream(
  body: ResponseBody,
  mapper: GeminiStreamMapper,
  ctx: TransportErrorContext,
): Promise<AsyncIterableIterator<ChatCompletionChunk>> {
  const chunks = translate(body, mapper, ctx);
  const first = await chunks.next();
  return new PrefetchedStream(first, chunks);
}
