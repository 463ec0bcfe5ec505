import { typedEventHasContent } from '../stream-head';
import type { ChatCompletionRequest } from '@routeiq/providers';
import { chatNeeds, type InferenceOperation, type TokenUsage } from '../inference-operation';
import type {
  AnthropicMessage,
  AnthropicStreamEvent,
  AnthropicUsage,
} from './anthropic-messages.types';
import { AnthropicSseWriter } from './anthropic-sse.writer';
import { parseMessagesRequest } from './messages-request.dto';
import { toChatCompletionRequest } from './messages-request.mapper';
import { toAnthropicMessage } from './messages-response.mapper';
import { toAnthropicEvents } from './messages-stream.mapper';

/** Tokens of the whole prompt, as the request log and quotas count them (cache included). */
function promptTokens(usage: Partial<AnthropicUsage>): number {
  return (
    (usage.input_tokens ?? 0) +
    (usage.cache_read_input_tokens ?? 0) +
    (usage.cache_creation_input_tokens ?? 0)
  );
}

function readUsage(payload: AnthropicMessage | AnthropicStreamEvent): TokenUsage | undefined {
  if ('usage' in payload && payload.type === 'message') {
    return usageOf(payload.usage);
  }
  // Only a message_delta built from the upstream's usage carries input_tokens: without it the
  // counts are unknown, as on the OpenAI path when no usage chunk arrives.
  if (payload.type !== 'message_delta' || payload.usage.input_tokens === undefined)
    return undefined;
  return usageOf(payload.usage);
}

function usageOf(usage: Partial<AnthropicUsage> & { output_tokens: number }): TokenUsage {
  return {
    promptTokens: promptTokens(usage),
    completionTokens: usage.output_tokens,
    cachedPromptTokens: usage.cache_read_input_tokens,
    cacheCreationTokens: usage.cache_creation_input_tokens,
  };
}

/**
 * `POST /v1/messages` on the shared request path: the Anthropic body is translated to OpenAI chat
 * when parsed, so policy, quota, routing and logging see a chat request; the answer (or each
 * chunk) is translated back before it is written.
 */
export const MESSAGES_OPERATION: InferenceOperation<
  ChatCompletionRequest,
  AnthropicMessage,
  AnthropicStreamEvent
> = {
  endpoint: 'messages',
  capability: 'chat',
  parse: (body) => toChatCompletionRequest(parseMessagesRequest(body)),
  call: async (adapter, request, ctx) =>
    toAnthropicMessage(await adapter.chat(request, ctx), request.model),
  stream: async (adapter, request, ctx) =>
    toAnthropicEvents(await adapter.chatStream(request, ctx), request.model),
  usage: readUsage,
  needs: chatNeeds,
  hasContent: typedEventHasContent,
  streamWriter: (res) => new AnthropicSseWriter(res),
};
