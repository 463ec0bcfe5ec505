import type { ChatCompletion, ChatMessage, Usage } from '../contract/openai-wire.types';
import type { ConverseResponse, ConverseStopReason, ConverseUsage } from './bedrock.types';

const FINISH_REASONS: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

/** Identity of the answer being built: Converse has no completion id or timestamp of its own. */
export interface CompletionIdentity {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

/** Converse `stopReason` → OpenAI `finish_reason` (unknown reasons read as `stop`). */
export function toFinishReason(stopReason: ConverseStopReason | undefined): string {
  return (stopReason !== undefined ? FINISH_REASONS[stopReason] : undefined) ?? 'stop';
}

// The answer's shape is not validated: a missing or odd count reads as 0, never NaN.
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * Converse usage → OpenAI usage. Bedrock's `inputTokens` leaves out cached prompt tokens while
 * OpenAI's `prompt_tokens` includes them, so cache reads and writes are added back (as LiteLLM does).
 */
export function toUsage(usage: ConverseUsage): Usage {
  const cacheRead = count(usage.cacheReadInputTokens);
  const cacheWrite = count(usage.cacheWriteInputTokens);
  const prompt = count(usage.inputTokens) + cacheRead + cacheWrite;
  const completion = count(usage.outputTokens);
  const result: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: typeof usage.totalTokens === 'number' ? usage.totalTokens : prompt + completion,
  };
  if (usage.cacheReadInputTokens !== undefined || usage.cacheWriteInputTokens !== undefined) {
    result.prompt_tokens_details = { cached_tokens: cacheRead };
    result.cache_read_input_tokens = cacheRead;
    result.cache_creation_input_tokens = cacheWrite;
  }
  return result;
}

function toMessage(response: ConverseResponse): ChatMessage {
  const blocks = response.output?.message?.content ?? [];
  const text = blocks.flatMap((block) => (typeof block.text === 'string' ? [block.text] : []));
  const toolCalls = blocks.flatMap((block) =>
    block.toolUse
      ? [
          {
            id: block.toolUse.toolUseId,
            type: 'function',
            function: {
              name: block.toolUse.name,
              arguments: JSON.stringify(block.toolUse.input ?? {}),
            },
          },
        ]
      : [],
  );
  const message: ChatMessage = {
    role: 'assistant',
    content: text.length > 0 ? text.join('') : toolCalls.length > 0 ? null : '',
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

/** A Converse answer → an OpenAI chat completion with one choice. */
export function toChatCompletion(
  response: ConverseResponse,
  identity: CompletionIdentity,
): ChatCompletion {
  const completion: ChatCompletion = {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [
      {
        index: 0,
        message: toMessage(response),
        finish_reason: toFinishReason(response.stopReason),
        logprobs: null,
      },
    ],
  };
  if (response.usage) completion.usage = toUsage(response.usage);
  return completion;
}
