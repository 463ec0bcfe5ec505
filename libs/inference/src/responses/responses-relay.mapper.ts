import type { ProviderAdapter, UpstreamResponsesEvent } from '@routeiq/providers';
import type { ResponsesResponse, SequencedEvent } from './responses.types';

/** The SSE event name an upstream gave a relayed event (non-enumerable: never serialised). */
export const SSE_EVENT_NAME = Symbol('responses.sseEventName');

/**
 * Whether a request goes to the upstream's own Responses API rather than through chat: the
 * adapter must speak it, and a continuation stays on chat because its earlier turns live in the
 * gateway's store, not the upstream's.
 */
export function passesThrough(adapter: ProviderAdapter, previousResponseId: unknown): boolean {
  return adapter.capabilities.has('responses') && typeof previousResponseId !== 'string';
}

/** The final response a relayed event carries (`response.completed` / `.incomplete`), if any. */
export function finalResponseOf(event: string, data: Record<string, unknown>): unknown {
  return event === 'response.completed' || event === 'response.incomplete'
    ? data.response
    : undefined;
}

/** Whether an upstream payload is a response object the conversation store can read. */
export function isResponseObject(value: unknown): value is ResponsesResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { id?: unknown }).id === 'string' &&
    Array.isArray((value as { output?: unknown }).output)
  );
}

/**
 * The upstream's events as they arrive, each its own data object (still tagged with the
 * upstream's raw JSON) marked with its event name; the final response is reported on the way.
 */
export async function* relayEvents(
  events: AsyncIterable<UpstreamResponsesEvent>,
  report: (response: ResponsesResponse) => void,
): AsyncGenerator<SequencedEvent> {
  for await (const { event, data } of events) {
    const final = finalResponseOf(event, data);
    if (isResponseObject(final)) report(final);
    Object.defineProperty(data, SSE_EVENT_NAME, { value: event });
    yield data as unknown as SequencedEvent;
  }
}

/** The event name to frame an event with: the upstream's for a relayed one, else its type. */
export function eventNameOf(event: SequencedEvent): string {
  const relayed = (event as { [SSE_EVENT_NAME]?: string })[SSE_EVENT_NAME];
  return relayed ?? event.type;
}
