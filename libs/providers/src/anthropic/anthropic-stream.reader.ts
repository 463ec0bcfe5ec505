import type { Dispatcher } from 'undici';
import type { ChatCompletionChunk } from '../contract/openai-wire.types';
import { discardBody } from '../http/discard-body';
import {
  mapStreamTransportError,
  streamError,
  type TransportErrorContext,
} from '../http/transport-error.mapper';
import { DRAIN_LIMIT_BYTES, UpstreamChunkStream } from '../openai-compatible/openai-stream.reader';
import { decodeSse, type SseEvent } from '../sse/sse.decoder';
import { AnthropicStreamMapper, type AnthropicStreamOptions } from './anthropic-stream.mapper';
import type { AnthropicStreamEvent } from './anthropic-wire.types';

type ResponseBody = Dispatcher.ResponseData['body'];

function parseEvent(event: SseEvent, label: string): AnthropicStreamEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(event.data);
  } catch (err) {
    throw streamError(`The upstream of deployment ${label} sent an invalid stream event`, 502, err);
  }
  const record =
    typeof parsed === 'object' && parsed !== null ? (parsed as { type?: unknown }) : {};
  // The JSON `type` names the event; the SSE `event:` line repeats it and is the fallback.
  const type = typeof record.type === 'string' ? record.type : event.event;
  return { ...record, type } as AnthropicStreamEvent;
}

async function* readChunks(
  body: ResponseBody,
  mapper: AnthropicStreamMapper,
  ctx: TransportErrorContext,
): AsyncGenerator<ChatCompletionChunk> {
  try {
    const bytes = body.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<Buffer>;
    for await (const event of decodeSse(bytes)) {
      if (event.data.length === 0) continue;
      yield* mapper.map(parseEvent(event, ctx.label));
      if (mapper.done) return;
    }
  } catch (err) {
    throw mapStreamTransportError(err, ctx);
  } finally {
    // After `message_stop` the rest of the body (normally nothing) is read so the socket is reused.
    if (mapper.done) void body.dump({ limit: DRAIN_LIMIT_BYTES }).catch(() => undefined);
    else discardBody(body);
  }
  throw streamError(`The upstream stream of deployment ${ctx.label} ended before message_stop`);
}

/**
 * OpenAI chunks from an Anthropic SSE body. Stopping early (`return()`), even before the first
 * `next()`, destroys the body so the upstream request is aborted.
 */
export function readAnthropicStream(
  body: ResponseBody,
  options: AnthropicStreamOptions,
  ctx: TransportErrorContext,
): AsyncIterableIterator<ChatCompletionChunk> {
  const mapper = new AnthropicStreamMapper(options);
  return new UpstreamChunkStream(readChunks(body, mapper, ctx), body);
}
