import type { ChatCompletion, ChatCompletionChunk, ChatMessage } from '@routeiq/providers';

/**
 * A complete chat answer as the chunks a stream of it would have held: per choice, one chunk with
 * the whole message (tool calls indexed as in a stream), then one with its finish reason; then,
 * when the client asked for it, the usage-only chunk.
 */
export function toCompletionChunks(
  answer: ChatCompletion,
  includeUsage: boolean,
): ChatCompletionChunk[] {
  const chunks: ChatCompletionChunk[] = [];
  for (const choice of answer.choices) {
    const base = { index: choice.index, ...(choice.logprobs !== undefined && { logprobs: null }) };
    chunks.push(
      chunkOf(answer, [{ ...base, delta: deltaOf(choice.message), finish_reason: null }]),
    );
    chunks.push(chunkOf(answer, [{ ...base, delta: {}, finish_reason: choice.finish_reason }]));
  }
  if (includeUsage && answer.usage) chunks.push({ ...chunkOf(answer, []), usage: answer.usage });
  return chunks;
}

function chunkOf(
  answer: ChatCompletion,
  choices: ChatCompletionChunk['choices'],
): ChatCompletionChunk {
  const chunk: ChatCompletionChunk = {
    id: answer.id,
    object: 'chat.completion.chunk',
    created: answer.created,
    model: answer.model,
    choices,
  };
  if (answer.system_fingerprint !== undefined) chunk.system_fingerprint = answer.system_fingerprint;
  return chunk;
}

function deltaOf(message: ChatMessage): Partial<ChatMessage> {
  const { annotations: _annotations, tool_calls: calls, ...rest } = message;
  const delta: Partial<ChatMessage> = { ...rest, role: 'assistant' };
  if (Array.isArray(calls) && calls.length > 0) {
    delta.tool_calls = calls.map((call, index) => ({ index, ...(call as object) }));
  }
  return delta;
}
