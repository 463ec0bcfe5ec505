import type { Dispatcher } from 'undici';
import type { ChatCompletionChunk } from '../contract/openai-wire.types';
import { discardBody } from '../http/discard-body';
import {
  mapStreamTransportError,
  streamError,
  type TransportErrorContext,
} from '../http/transport-error.mapper';
import { DRAIN_LIMIT_BYTES, UpstreamChunkStream } from '../openai-compatible/openai-stream.reader';
import { decodeEventStream, EventStreamFormatError } from './bedrock-event-stream.decoder';
import { toConverseEvent, type BedrockStreamMapper } from './bedrock-stream.mapper';

type ResponseBody = Dispatcher.ResponseData['body'];

async function* readChunks(
  body: ResponseBody,
  mapper: BedrockStreamMapper,
  ctx: TransportErrorContext,
): AsyncGenerator<ChatCompletionChunk> {
  let drained = false;
  try {
    const bytes = body.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<Buffer>;
    for await (const message of decodeEventStream(bytes)) {
      const event = toConverseEvent(message);
      if (event) yield* mapper.map(event);
    }
    drained = true;
  } catch (err) {
    if (err instanceof EventStreamFormatError) {
      throw streamError(`The upstream of deployment ${ctx.label} sent ${err.message}`, 502, err);
    }
    throw mapStreamTransportError(err, ctx);
  } finally {
    // A fully read body keeps its socket for reuse; an early exit aborts the upstream call.
    if (drained) void body.dump({ limit: DRAIN_LIMIT_BYTES }).catch(() => undefined);
    else discardBody(body);
  }
  if (!mapper.finished) {
    throw streamError(`The upstream stream of deployment ${ctx.label} ended before messageStop`);
  }
}

/**
 * A ConverseStream body as OpenAI chunks. Stopping early (`return()`), even before the first
 * `next()`, destroys the body so the upstream request is aborted.
 */
export function readBedrockStream(
  body: ResponseBody,
  mapper: BedrockStreamMapper,
  ctx: TransportErrorContext,
): AsyncIterableIterator<ChatCompletionChunk> {
  return new UpstreamChunkStream(readChunks(body, mapper, ctx), body);
}
