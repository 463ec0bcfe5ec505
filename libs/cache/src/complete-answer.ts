import type { CacheLookupInput } from './response-cache.port';

type Json = Record<string, unknown>;

/**
 * Whether a unary answer is a whole, successful one worth serving again: an OpenAI chat or text
 * completion with choices that all finished, an embedding list, an Anthropic message, a completed
 * Responses object. Anything else (an error body, a partial answer) is not stored.
 */
export function isCompleteResult(endpoint: CacheLookupInput['endpoint'], result: object): boolean {
  const body = result as Json;
  if ('error' in body && body.error != null) return false;
  switch (endpoint) {
    case 'chat':
    case 'completion':
      return (
        Array.isArray(body.choices) &&
        body.choices.length > 0 &&
        (body.choices as Json[]).every((choice) => choice?.finish_reason != null)
      );
    case 'embedding':
      return Array.isArray(body.data) && body.data.length > 0;
    case 'messages':
      return Array.isArray(body.content);
    case 'responses':
      return body.status === undefined || body.status === 'completed';
  }
}

/**
 * Whether a stream's chunks reached their end: an OpenAI chunk with a finish reason, an Anthropic
 * `message_stop`, or a Responses `response.completed`. A stream cut short is never stored.
 */
export function isCompleteStream(chunks: readonly object[]): boolean {
  return chunks.some((chunk) => {
    const body = chunk as Json;
    if (body.type === 'message_stop' || body.type === 'response.completed') return true;
    const choices = Array.isArray(body.choices) ? (body.choices as Json[]) : [];
    return choices.some((choice) => choice?.finish_reason != null);
  });
}
