import type { ChunkText } from './guardrail-chunks';

type Json = Record<string, unknown>;

/** One text part of a Responses stream, keyed by its output item and content part. */
const KEY_BASE = 1024;
const DELTA = 'response.output_text.delta';
const DONE = 'response.output_text.done';

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keyOf(event: Json): number {
  const output = typeof event.output_index === 'number' ? event.output_index : 0;
  const content = typeof event.content_index === 'number' ? event.content_index : 0;
  return output * KEY_BASE + content;
}

export function isResponsesEvent(event: Json): boolean {
  return typeof event.type === 'string' && event.type.startsWith('response.');
}

/** A Responses event's incremental text: deltas, and the end of a text part. */
export function responsesTexts(event: Json): ChunkText[] {
  if (event.type === DELTA && typeof event.delta === 'string') {
    return [{ index: keyOf(event), text: event.delta, hasText: true, finished: false }];
  }
  if (event.type === DONE)
    return [{ index: keyOf(event), text: '', hasText: false, finished: true }];
  return [];
}

export function responsesDeltaText(event: Json): string | undefined {
  return event.type === DELTA && typeof event.delta === 'string' ? event.delta : undefined;
}

export function withResponsesDelta(event: Json, texts: ReadonlyMap<number, string>): Json {
  const text = texts.get(keyOf(event));
  return text === undefined || responsesDeltaText(event) === undefined
    ? event
    : { ...event, delta: text };
}

/** A delta event for `key` shaped after `template` (an event of the same text part). */
export function responsesDelta(template: Json, key: number, text: string): Json {
  return {
    type: DELTA,
    ...(template.item_id !== undefined && { item_id: template.item_id }),
    output_index: Math.floor(key / KEY_BASE),
    content_index: key % KEY_BASE,
    delta: text,
    ...(template.sequence_number !== undefined && { sequence_number: template.sequence_number }),
  };
}

function mapContent(item: unknown, redact: (text: string) => string): unknown {
  if (!isJson(item) || !Array.isArray(item.content)) return item;
  let changed = false;
  const content = item.content.map((part: unknown) => {
    if (!isJson(part) || typeof part.text !== 'string') return part;
    const text = redact(part.text);
    if (text === part.text) return part;
    changed = true;
    return { ...part, text };
  });
  return changed ? { ...item, content } : item;
}

function withText(holder: Json, redact: (text: string) => string): Json {
  if (typeof holder.text !== 'string') return holder;
  const text = redact(holder.text);
  return text === holder.text ? holder : { ...holder, text };
}

/**
 * The event with the whole texts it repeats (a text part's `done`, a finished part or item, the
 * completed response) passed through `redact`; the same event when nothing changed.
 */
export function redactResponsesTexts(event: Json, redact: (text: string) => string): Json {
  switch (event.type) {
    case DONE:
      return withText(event, redact);
    case 'response.content_part.done': {
      const part = isJson(event.part) ? withText(event.part, redact) : event.part;
      return part === event.part ? event : { ...event, part };
    }
    case 'response.output_item.done': {
      const item = mapContent(event.item, redact);
      return item === event.item ? event : { ...event, item };
    }
    case 'response.completed':
    case 'response.incomplete':
      return withOutput(event, redact);
    default:
      return event;
  }
}

function withOutput(event: Json, redact: (text: string) => string): Json {
  const response = event.response;
  if (!isJson(response) || !Array.isArray(response.output)) return event;
  const output = response.output.map((item: unknown) => mapContent(item, redact));
  if (output.every((item, i) => item === (response.output as unknown[])[i])) return event;
  return { ...event, response: { ...response, output } };
}
