import type { Dispatcher } from 'undici';
import type { UpstreamResponsesEvent } from '../contract/provider-adapter';
import { withRawJson } from '../contract/raw-json';
import { discardBody } from '../http/discard-body';
import {
  mapStreamTransportError,
  streamError,
  type TransportErrorContext,
} from '../http/transport-error.mapper';
import { decodeSse, type SseEvent } from '../sse/sse.decoder';
import { DRAIN_LIMIT_BYTES, inStreamError, UpstreamChunkStream } from './openai-stream.reader';

type ResponseBody = Dispatcher.ResponseData['body'];

/** The events after which a Responses stream is over (it has no `[DONE]` sentinel). */
const TERMINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

function parseEvent(event: SseEvent, label: string): UpstreamResponsesEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(event.data);
  } catch (err) {
    throw streamError(`The upstream of deployment ${label} sent an invalid stream event`, 502, err);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw streamError(
      `The upstream of deployment ${label} sent a stream event that is not an object`,
    );
  }
  const failure = inStreamError(parsed, event, label);
  if (failure) throw failure;
  const data = withRawJson(parsed as Record<string, unknown>, event.data);
  const type = typeof data.type === 'string' ? data.type : 'message';
  return { event: event.event ?? type, data };
}

async function* readEvents(
  body: ResponseBody,
  ctx: TransportErrorContext,
): AsyncGenerator<UpstreamResponsesEvent> {
  let finished = false;
  try {
    const bytes = body.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<Buffer>;
    for await (const raw of decodeSse(bytes)) {
      if (raw.data.length === 0 || raw.data === '[DONE]') continue;
      const event = parseEvent(raw, ctx.label);
      finished = TERMINAL_EVENTS.has(event.event);
      yield event;
    }
  } catch (err) {
    throw mapStreamTransportError(err, ctx);
  } finally {
    if (finished) void body.dump({ limit: DRAIN_LIMIT_BYTES }).catch(() => undefined);
    else discardBody(body);
  }
  if (!finished) {
    throw streamError(`The upstream stream of deployment ${ctx.label} ended before it completed`);
  }
}

/**
 * Parses a Responses API SSE body into its named events, each `data` tagged with its raw JSON; an
 * `error` event ends it with a `ProviderException`, as does a body that ends before a terminal event.
 */
export function readResponsesStream(
  body: ResponseBody,
  ctx: TransportErrorContext,
): AsyncIterableIterator<UpstreamResponsesEvent> {
  return new UpstreamChunkStream(readEvents(body, ctx), body);
}
