import type { PluginEndpoint } from '../../plugin.types';
import { contentSlots } from '../guardrail-texts';
import type { GuardedText } from '../guardrail.types';

type Json = Record<string, unknown>;

/** One message (or Responses item) of a conversation: whose it is, and its texts in order. */
interface Message {
  readonly role: string;
  readonly texts: readonly string[];
}

/** Instructions are context before the caller's turns, never part of one. */
const INSTRUCTION_ROLES = new Set(['system', 'developer']);

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string, or the text parts of an array, at `holder[key]`. */
const textsOf = (holder: Json, key: string): string[] =>
  contentSlots(holder, key).map(({ text }) => text);

const roleOf = (message: Json): string =>
  typeof message.role === 'string' ? message.role : 'user';

/** A chat message; `tool` (and legacy `function`) messages carry the tool results. */
function chatMessage(message: unknown): Message[] {
  return isJson(message) ? [{ role: roleOf(message), texts: textsOf(message, 'content') }] : [];
}

/** A Messages turn: its text blocks and `tool_result` contents, in block order. */
function anthropicMessage(message: unknown): Message[] {
  if (!isJson(message)) return [];
  const role = roleOf(message);
  if (!Array.isArray(message.content)) return [{ role, texts: textsOf(message, 'content') }];
  const texts = message.content.flatMap((block): string[] => {
    if (!isJson(block)) return [];
    if (block.type === 'tool_result') return textsOf(block, 'content');
    return block.type === 'text' && typeof block.text === 'string' && block.text !== ''
      ? [block.text]
      : [];
  });
  return [{ role, texts }];
}

/**
 * A Responses input item: a message, a `function_call_output` (a tool result), or the model's
 * own (`function_call`, `reasoning`), which ends the caller's turn and is not read.
 */
function responsesItem(item: unknown): Message[] {
  if (!isJson(item)) return [];
  const type = item.type ?? 'message';
  if (type === 'function_call_output') return [{ role: 'tool', texts: textsOf(item, 'output') }];
  if (type === 'message') return [{ role: roleOf(item), texts: textsOf(item, 'content') }];
  return [{ role: 'assistant', texts: [] }];
}

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The request's conversation in order, in the endpoint's own shape; undefined when none. */
function conversationOf(endpoint: PluginEndpoint, request: Json): Message[] | undefined {
  switch (endpoint) {
    case 'chat':
      return listOf(request.messages).flatMap(chatMessage);
    case 'messages':
      return [
        { role: 'system', texts: textsOf(request, 'system') },
        ...listOf(request.messages).flatMap(anthropicMessage),
      ];
    case 'responses':
      return [
        { role: 'system', texts: textsOf(request, 'instructions') },
        ...(typeof request.input === 'string'
          ? [{ role: 'user', texts: [request.input] }]
          : listOf(request.input).flatMap(responsesItem)),
      ];
    default:
      return undefined;
  }
}

/**
 * Where the caller's last turn lies, [start, end): the user messages and tool results after the
 * model's last turn (an assistant message, with or without text), before any assistant prefill.
 */
function callerTurn(messages: readonly Message[]): [number, number] {
  let end = messages.length;
  while (end > 0 && messages[end - 1]!.role === 'assistant') end--;
  let start = end;
  while (start > 0) {
    const { role } = messages[start - 1]!;
    if (role === 'assistant' || INSTRUCTION_ROLES.has(role)) break;
    start--;
  }
  return [start, end];
}

const turnOf = (role: string, texts: readonly string[]): GuardedText[] =>
  texts.length === 0 ? [] : [{ role, text: texts.join('\n\n') }];

/**
 * The conversation as the turns Llama Guard reads on input, one per message, oldest first; the
 * caller's last turn (the user messages and tool results after the model's last turn: an
 * Anthropic user turn holds both, chat and Responses send several tool results in a row) is one
 * `user` turn, so all of it is the last User turn the guard assesses. Tool results come from chat
 * `tool` messages, Messages `tool_result` blocks and Responses `function_call_output` items, as
 * the plugins receive each endpoint's body in its own shape.
 * @returns undefined for endpoints without a conversation (completions, embeddings).
 */
export function llamaGuardInputTurns(
  endpoint: PluginEndpoint,
  request: Json,
): GuardedText[] | undefined {
  const messages = conversationOf(endpoint, request);
  if (messages === undefined) return undefined;
  const [start, end] = callerTurn(messages);
  const own = (message: Message): GuardedText[] => turnOf(message.role, message.texts);
  // A tool result is content fed to the model, not the model's answer: Llama Guard's prompt has
  // only User and Agent, and what comes into the model is judged as User content (its prompt
  // classification), while Agent turns are the model's own and only context on input.
  return [
    ...messages.slice(0, start).flatMap(own),
    ...turnOf(
      'user',
      messages.slice(start, end).flatMap((message) => message.texts),
    ),
    ...messages.slice(end).flatMap(own),
  ];
}
