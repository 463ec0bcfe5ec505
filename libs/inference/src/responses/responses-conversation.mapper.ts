import type { ChatMessage } from '@routeiq/providers';
import type { ResponsesResponse } from './responses.types';

/** A stored conversation as a continuation needs it. */
export interface StoredConversation {
  /** The chat messages, the assistant answer last. */
  readonly messages: readonly ChatMessage[];
  /** The instructions of the stored request, sent as its first (system) message. */
  readonly instructions: string | null;
  readonly deploymentId: string;
}

/** The answer of a response as the assistant chat message a continuation replays. */
export function toAssistantMessage(response: ResponsesResponse): ChatMessage {
  let text = '';
  const toolCalls: Array<Record<string, unknown>> = [];
  for (const item of response.output) {
    if (item.type === 'message') {
      // A relayed upstream answer may hold parts without text (e.g. `refusal`).
      for (const part of item.content) if (typeof part.text === 'string') text += part.text;
    } else if (item.type === 'function_call') {
      const fn = { name: item.name, arguments: item.arguments };
      toolCalls.push({ id: item.call_id, type: 'function', function: fn });
    }
  }
  const message: ChatMessage = { role: 'assistant', content: text || null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

/**
 * The messages a continuation starts from: `instructions` are not carried over (OpenAI's rule),
 * so the stored instructions message is dropped; the new request's own come first instead.
 */
export function priorMessages(previous: StoredConversation): ChatMessage[] {
  const [first, ...rest] = previous.messages;
  if (
    first &&
    previous.instructions !== null &&
    first.role === 'system' &&
    first.content === previous.instructions
  ) {
    return rest;
  }
  return [...previous.messages];
}

/** The new request's messages after the prior ones, its own instructions (if any) first. */
export function continueConversation(
  previous: StoredConversation,
  own: ChatMessage[],
  hasInstructions: boolean,
): ChatMessage[] {
  const prior = priorMessages(previous);
  if (!hasInstructions) return [...prior, ...own];
  const [instructions, ...input] = own;
  return instructions ? [instructions, ...prior, ...input] : [...prior, ...input];
}
