import { canonicalJson, keyedFields, sha256 } from '../cache-key';

type Json = Record<string, unknown>;

/** A chat request split for the semantic cache. */
export interface SemanticQuery {
  /** The last user message's text. */
  readonly text: string;
  /** Hash of everything else that changes the answer (system prompt, earlier turns, params). */
  readonly context: string;
}

/**
 * The last user message and the hash of the rest, or undefined when the request has no final user
 * message with text (a tool result, a multimodal-only turn): those are never matched loosely.
 */
export function semanticQueryOf(request: Readonly<Json>): SemanticQuery | undefined {
  const messages = request.messages;
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  const last = messages[messages.length - 1] as Json | null;
  if (!last || last.role !== 'user') return undefined;
  const text = textOf(last.content);
  if (text === undefined || text.trim() === '') return undefined;
  const rest = { ...keyedFields(request), messages: messages.slice(0, -1) };
  return { text, context: sha256(canonicalJson(rest)) };
}

/** A string content, or text parts only (any image or audio part makes it unmatchable). */
function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  for (const part of content as Json[]) {
    if (part?.type !== 'text' || typeof part.text !== 'string') return undefined;
    texts.push(part.text);
  }
  return texts.join('\n');
}
