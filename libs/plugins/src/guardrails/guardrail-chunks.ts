import {
  isResponsesEvent,
  responsesDelta,
  responsesTexts,
  withResponsesDelta,
} from './responses-events';

type Json = Record<string, unknown>;

/**
 * The text one streamed chunk carries for one choice (OpenAI chat and completion chunks), one
 * content block (Messages events) or one text part (Responses events).
 */
export interface ChunkText {
  readonly index: number;
  /** `delta.content` (chat), `text` (completion), `delta.text` (Messages); '' when none. */
  readonly text: string;
  /** The chunk carries a text field (as opposed to only a role, tool calls or a finish). */
  readonly hasText: boolean;
  /** The choice or block ends with this chunk (`finish_reason` set, `content_block_stop`). */
  readonly finished: boolean;
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function choicesOf(chunk: object): Json[] | undefined {
  const choices = (chunk as Json).choices;
  return Array.isArray(choices) ? choices.filter(isJson) : undefined;
}

function textOf(choice: Json): string | undefined {
  if (isJson(choice.delta)) {
    return typeof choice.delta.content === 'string' ? choice.delta.content : undefined;
  }
  return typeof choice.text === 'string' ? choice.text : undefined;
}

/** A Messages text delta's text, when the event is one. */
function messagesText(event: Json): string | undefined {
  if (event.type !== 'content_block_delta' || !isJson(event.delta)) return undefined;
  return event.delta.type === 'text_delta' && typeof event.delta.text === 'string'
    ? event.delta.text
    : undefined;
}

function eventTexts(event: Json): ChunkText[] | undefined {
  if (typeof event.type !== 'string') return undefined;
  if (isResponsesEvent(event)) return responsesTexts(event);
  const index = typeof event.index === 'number' ? event.index : 0;
  const text = messagesText(event);
  if (text !== undefined) return [{ index, text, hasText: true, finished: false }];
  if (event.type === 'content_block_stop')
    return [{ index, text: '', hasText: false, finished: true }];
  return [];
}

/** The texts of a streamed chunk; undefined for a shape guardrails do not read. */
export function chunkTexts(chunk: object): ChunkText[] | undefined {
  const choices = choicesOf(chunk);
  if (choices === undefined) return eventTexts(chunk as Json);
  return choices.map((choice, at) => {
    const text = textOf(choice);
    return {
      index: typeof choice.index === 'number' ? choice.index : at,
      text: text ?? '',
      hasText: text !== undefined,
      finished: choice.finish_reason !== null && choice.finish_reason !== undefined,
    };
  });
}

function withText(choice: Json, text: string): Json {
  if (isJson(choice.delta)) return { ...choice, delta: { ...choice.delta, content: text } };
  return { ...choice, text };
}

/** A new chunk whose choices (or text delta) carry `texts` (by index) instead of their own. */
export function withChunkTexts(chunk: object, texts: ReadonlyMap<number, string>): object {
  const choices = choicesOf(chunk);
  if (choices === undefined) {
    const event = chunk as Json;
    if (isResponsesEvent(event)) return withResponsesDelta(event, texts);
    const text = texts.get(typeof event.index === 'number' ? event.index : 0);
    if (text === undefined || messagesText(event) === undefined) return chunk;
    return { ...event, delta: { ...(event.delta as Json), text } };
  }
  return {
    ...chunk,
    choices: choices.map((choice, at) => {
      const text = texts.get(typeof choice.index === 'number' ? choice.index : at);
      return text === undefined || textOf(choice) === undefined ? choice : withText(choice, text);
    }),
  };
}

/**
 * True when the chunk carries nothing but empty text: no role, tool call, finish or usage, so
 * holding it back changes nothing the client sees.
 */
export function isEmptyTextChunk(chunk: object): boolean {
  const choices = choicesOf(chunk);
  if (choices === undefined) {
    const event = chunk as Json;
    // A Responses event keeps its place: its sequence_number is part of the stream.
    return isResponsesEvent(event) ? false : messagesText(event) === '';
  }
  const { usage } = chunk as Json;
  if (usage !== undefined && usage !== null) return false;
  return choices.every((choice) => {
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) return false;
    if (textOf(choice) !== '') return false;
    const fields = isJson(choice.delta) ? Object.keys(choice.delta) : [];
    return fields.every((field) => field === 'content');
  });
}

/** A chunk carrying only `text` for choice or block `index`, shaped like `template`. */
export function textChunk(template: object, index: number, text: string): object {
  const { choices, usage, ...base } = template as Json;
  if (!Array.isArray(choices)) {
    if (isResponsesEvent(template as Json)) return responsesDelta(template as Json, index, text);
    return { type: 'content_block_delta', index, delta: { type: 'text_delta', text } };
  }
  const first = choices.find(isJson);
  const choice =
    first !== undefined && !isJson(first.delta)
      ? { index, text, logprobs: null, finish_reason: null }
      : { index, delta: { content: text }, finish_reason: null };
  return { ...base, choices: [choice], ...(usage !== undefined && { usage: null }) };
}
