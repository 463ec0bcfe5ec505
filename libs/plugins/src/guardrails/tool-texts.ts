import type { PluginEndpoint, PluginRequestContext } from '../plugin.types';
import { contentSlots, requestSlots, resultSlots, slot, type TextSlot } from './guardrail-texts';
import type { GuardedText } from './guardrail.types';

type Json = Record<string, unknown>;

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON string (`arguments`) written by the model, as a slot that may be JSON. */
function jsonSlot(holder: unknown, key: string): TextSlot[] {
  if (!isJson(holder)) return [];
  return slot(holder, key, 'assistant').map((found) => ({ ...found, json: true }));
}

/** An object (a Messages `tool_use` input) as its JSON text; a changed text is parsed back. */
function objectSlot(holder: Json, key: string): TextSlot[] {
  const value = holder[key];
  if (!isJson(value) || Object.keys(value).length === 0) return [];
  const text = JSON.stringify(value);
  const set = (next: string): void => {
    if (next !== text) holder[key] = JSON.parse(next) as unknown;
  };
  return [{ text, role: 'assistant', json: true, set }];
}

/** A chat message's `tool_calls[].function.arguments` and legacy `function_call.arguments`. */
function chatCallSlots(message: unknown): TextSlot[] {
  // Most messages call nothing: no arrays made for them.
  if (!isJson(message) || (message.tool_calls == null && message.function_call == null)) return [];
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  return [
    ...calls.flatMap((call) => (isJson(call) ? jsonSlot(call.function, 'arguments') : [])),
    ...jsonSlot(message.function_call, 'arguments'),
  ];
}

/** Messages `tool_use` inputs and `tool_result` contents (strings or text parts). */
function blockSlots(content: unknown): TextSlot[] {
  if (!Array.isArray(content)) return [];
  return content.flatMap((block) => {
    if (!isJson(block)) return [];
    if (block.type === 'tool_use') return objectSlot(block, 'input');
    if (block.type === 'tool_result') return contentSlots(block, 'content', 'tool');
    return [];
  });
}

/** Responses `function_call` arguments and `function_call_output` outputs. */
function itemSlots(item: unknown): TextSlot[] {
  if (!isJson(item)) return [];
  if (item.type === 'function_call') return jsonSlot(item, 'arguments');
  if (item.type === 'function_call_output') return contentSlots(item, 'output', 'tool');
  return [];
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * The tool texts of a request that `requestSlots` leaves out: the arguments of the tool calls in
 * the conversation's assistant turns (chat `tool_calls` and `function_call`, Messages `tool_use`,
 * Responses `function_call`), and the tool results that are not messages of their own (Messages
 * `tool_result` blocks, Responses `function_call_output` items; chat `tool` messages are already
 * message contents). Every slot may be JSON.
 */
export function requestToolSlots(endpoint: PluginEndpoint, request: Json): TextSlot[] {
  switch (endpoint) {
    case 'chat':
      return listOf(request.messages).flatMap(chatCallSlots);
    case 'messages':
      return listOf(request.messages).flatMap((m) => (isJson(m) ? blockSlots(m.content) : []));
    case 'responses':
      return listOf(request.input).flatMap(itemSlots);
    default:
      return [];
  }
}

/**
 * The tool-call arguments of a unary answer: chat `message.tool_calls` (and `function_call`),
 * Messages `tool_use` inputs, Responses `function_call` items.
 */
export function resultToolSlots(result: Json): TextSlot[] {
  if (Array.isArray(result.choices)) {
    return result.choices.flatMap((choice) =>
      isJson(choice) ? chatCallSlots(choice.message) : [],
    );
  }
  if (Array.isArray(result.content)) return blockSlots(result.content);
  return listOf(result.output).flatMap(itemSlots);
}

/** The request's texts with its tool texts: message texts, tool-call arguments, tool results. */
export function requestTextsWithTools(ctx: PluginRequestContext): TextSlot[] {
  const { endpoint, request } = ctx;
  return [...requestSlots(endpoint, request), ...requestToolSlots(endpoint, request)];
}

/** A unary answer's texts with the arguments of its tool calls. */
export function answerTextsWithTools(result: Json): TextSlot[] {
  return [...resultSlots(result), ...resultToolSlots(result)];
}

/** Whether a checked text is tool-call arguments the model wrote (not a tool's result). */
export function isToolCallArguments(text: GuardedText): boolean {
  return text.json === true && text.role === 'assistant';
}
