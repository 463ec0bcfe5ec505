import type { PluginEndpoint } from '../plugin.types';
import type { GuardedText } from './guardrail.types';

/** A text inside a request or an answer, that a guardrail may replace. */
export interface TextSlot extends GuardedText {
  set(value: string): void;
}

type Json = Record<string, unknown>;

const TEXT_PART_TYPES = new Set(['text', 'input_text', 'output_text']);

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const TOOL_ROLES = new Set(['tool', 'function']);

/** `holder[key]` when it is a string, as a slot; a tool's (or function's) text may be JSON. */
export function slot(holder: Json | unknown[], key: string | number, role?: string): TextSlot[] {
  const text = (holder as Record<string | number, unknown>)[key];
  if (typeof text !== 'string' || text === '') return [];
  return [
    {
      text,
      ...(role !== undefined && { role }),
      ...(role !== undefined && TOOL_ROLES.has(role) && { json: true }),
      set: (value) => void ((holder as Record<string | number, unknown>)[key] = value),
    },
  ];
}

/** A string, or text parts (`{type: 'text' | 'input_text' | 'output_text', text}`). */
export function contentSlots(holder: Json, key: string, role?: string): TextSlot[] {
  const content = holder[key];
  if (typeof content === 'string') return slot(holder, key, role);
  if (!Array.isArray(content)) return [];
  return content.flatMap((part) =>
    isJson(part) && TEXT_PART_TYPES.has(String(part.type)) ? slot(part, 'text', role) : [],
  );
}

/** A string or an array of strings (token arrays are left alone). */
function stringsSlots(holder: Json, key: string): TextSlot[] {
  const value = holder[key];
  if (typeof value === 'string') return slot(holder, key, 'user');
  if (!Array.isArray(value)) return [];
  return value.flatMap((_entry, index) => slot(value, index, 'user'));
}

function messageSlots(messages: unknown): TextSlot[] {
  if (!Array.isArray(messages)) return [];
  return messages.flatMap((message) =>
    isJson(message)
      ? contentSlots(message, 'content', typeof message.role === 'string' ? message.role : 'user')
      : [],
  );
}

/**
 * The texts of a request body a guardrail checks: message contents (strings and text parts),
 * system prompts and instructions, completion prompts, embedding inputs.
 */
export function requestSlots(endpoint: PluginEndpoint, request: Json): TextSlot[] {
  switch (endpoint) {
    case 'chat':
      return messageSlots(request.messages);
    case 'completion':
      return stringsSlots(request, 'prompt');
    case 'embedding':
      return stringsSlots(request, 'input');
    case 'messages':
      return [...contentSlots(request, 'system', 'system'), ...messageSlots(request.messages)];
    case 'responses':
      return [
        ...slot(request, 'instructions', 'system'),
        ...(typeof request.input === 'string'
          ? slot(request, 'input', 'user')
          : messageSlots(request.input)),
      ];
  }
}

/**
 * The answer texts of a unary result, whatever the endpoint's shape: chat and completion
 * `choices`, a Messages `content` list, a Responses `output` list.
 */
export function resultSlots(result: Json): TextSlot[] {
  if (Array.isArray(result.choices)) {
    return result.choices.flatMap((choice) => {
      if (!isJson(choice)) return [];
      if (isJson(choice.message)) return contentSlots(choice.message, 'content', 'assistant');
      return slot(choice, 'text', 'assistant');
    });
  }
  if (Array.isArray(result.content)) return contentSlots(result, 'content', 'assistant');
  if (Array.isArray(result.output)) {
    return result.output.flatMap((item) =>
      isJson(item) ? contentSlots(item, 'content', 'assistant') : [],
    );
  }
  return [];
}

/**
 * A copy of `result` with its answer texts (the slots `slotsOf` finds) replaced. Results are never
 * changed in place: one parsed from an upstream carries its raw JSON, which would otherwise be
 * sent unchanged.
 */
export function withResultTexts(
  result: object,
  texts: readonly string[],
  slotsOf: (result: Json) => TextSlot[] = resultSlots,
): object {
  const copy = structuredClone(result) as Json;
  slotsOf(copy).forEach((target, index) => target.set(texts[index] ?? target.text));
  return copy;
}
