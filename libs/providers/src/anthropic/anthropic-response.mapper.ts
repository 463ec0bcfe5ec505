import type { ChatCompletion, ChatMessage, Usage } from '../contract/openai-wire.types';
import type { AnthropicMessage, AnthropicStopReason, AnthropicUsage } from './anthropic-wire.types';

const FINISH_REASONS: Readonly<Record<AnthropicStopReason, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  // A paused server-tool turn is a complete answer as far as an OpenAI client can tell.
  pause_turn: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** OpenAI `finish_reason` for an Anthropic `stop_reason` (`null` while a stream is running). */
export function fromAnthropicStopReason(stopReason: string | null | undefined): string | null {
  if (stopReason === null || stopReason === undefined) return null;
  return FINISH_REASONS[stopReason as AnthropicStopReason] ?? 'stop';
}

/**
 * OpenAI usage from Anthropic's. Anthropic counts cached prompt tokens apart from `input_tokens`;
 * OpenAI's `prompt_tokens` includes them, with the cache hits in `prompt_tokens_details`. The raw
 * cache counters are kept as well, as LiteLLM does, for spend tracking.
 */
export function fromAnthropicUsage(usage: Partial<AnthropicUsage>): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheCreation = usage.cache_creation_input_tokens ?? 0;
  const promptTokens = (usage.input_tokens ?? 0) + cacheRead + cacheCreation;
  const completionTokens = usage.output_tokens ?? 0;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cacheRead },
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: cacheRead,
  };
}

/** The chat-completion id for an Anthropic message id. */
export function anthropicCompletionId(messageId: string): string {
  return `chatcmpl-${messageId}`;
}

function toAssistantMessage(message: AnthropicMessage): ChatMessage {
  const texts: string[] = [];
  const thoughts: string[] = [];
  const toolCalls: unknown[] = [];
  for (const block of message.content) {
    if (block.type === 'text') texts.push(block.text);
    else if (block.type === 'thinking') thoughts.push(block.thinking);
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  const result: ChatMessage = {
    role: 'assistant',
    content: texts.length > 0 ? texts.join('') : null,
  };
  if (toolCalls.length > 0) result.tool_calls = toolCalls;
  // LiteLLM's field for extended thinking; OpenAI clients ignore it.
  if (thoughts.length > 0) result.reasoning_content = thoughts.join('');
  return result;
}

/** An Anthropic Messages response as an OpenAI chat completion. */
export function fromAnthropicMessage(
  message: AnthropicMessage,
  createdSeconds: number,
): ChatCompletion {
  return {
    id: anthropicCompletionId(message.id),
    object: 'chat.completion',
    created: createdSeconds,
    model: message.model,
    choices: [
      {
        index: 0,
        message: toAssistantMessage(message),
        finish_reason: fromAnthropicStopReason(message.stop_reason),
      },
    ],
    usage: fromAnthropicUsage(message.usage),
  };
}
