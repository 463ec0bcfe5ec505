import { randomBytes } from 'node:crypto';
import type { ChatCompletion, ChatMessage, Usage } from '../contract/openai-wire.types';
import { ProviderErrorKind } from '../contract/provider-error-kind';
import { ProviderException } from '../contract/provider.exception';
import type {
  GeminiCandidate,
  GeminiFunctionCall,
  GeminiGenerateContentResponse,
  GeminiUsageMetadata,
} from './gemini.types';

const FILTERED_REASONS: ReadonlySet<string> = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
]);

/** An OpenAI tool call as the gateway emits it, with the id Gemini does not always give. */
export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** What answering needs besides the Gemini body: the id and model the client sees. */
export interface GeminiAnswerMeta {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

export function newToolCallId(): string {
  return `call_${randomBytes(12).toString('hex')}`;
}

export function newCompletionId(): string {
  return `chatcmpl-${randomBytes(12).toString('hex')}`;
}

export function toToolCall(call: GeminiFunctionCall): OpenAiToolCall {
  return {
    id: call.id ?? newToolCallId(),
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
  };
}

/** Gemini finish reason → OpenAI; a candidate that called functions finished with `tool_calls`. */
export function toFinishReason(reason: string | undefined, hasToolCalls: boolean): string | null {
  if (reason === undefined || reason === 'FINISH_REASON_UNSPECIFIED') return null;
  if (reason === 'MAX_TOKENS') return 'length';
  if (FILTERED_REASONS.has(reason)) return 'content_filter';
  return hasToolCalls ? 'tool_calls' : 'stop';
}

export function toUsage(metadata: GeminiUsageMetadata): Usage {
  const prompt = metadata.promptTokenCount ?? 0;
  // Thinking tokens are billed as output: count them as completion tokens, as OpenAI does.
  const completion = (metadata.candidatesTokenCount ?? 0) + (metadata.thoughtsTokenCount ?? 0);
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: metadata.totalTokenCount ?? prompt + completion,
  };
  if (metadata.cachedContentTokenCount !== undefined) {
    usage.prompt_tokens_details = { cached_tokens: metadata.cachedContentTokenCount };
  }
  if (metadata.thoughtsTokenCount !== undefined) {
    usage.completion_tokens_details = { reasoning_tokens: metadata.thoughtsTokenCount };
  }
  return usage;
}

/** A prompt Gemini refused outright (no candidates): a content-policy failure, as OpenAI's 400. */
export function blockedPromptError(response: GeminiGenerateContentResponse): ProviderException {
  const reason = response.promptFeedback?.blockReason ?? 'OTHER';
  return new ProviderException(
    {
      status: 400,
      code: 'content_policy_violation',
      type: 'invalid_request_error',
      message: `Gemini blocked the prompt (blockReason ${reason})`,
    },
    ProviderErrorKind.ContentPolicy,
  );
}

/** Answer text (thought summaries excluded) and function calls of one candidate. */
export function candidateOutput(candidate: GeminiCandidate): {
  text: string;
  toolCalls: OpenAiToolCall[];
} {
  let text = '';
  const toolCalls: OpenAiToolCall[] = [];
  for (const part of candidate.content?.parts ?? []) {
    if (part.functionCall) toolCalls.push(toToolCall(part.functionCall));
    else if (typeof part.text === 'string' && part.thought !== true) text += part.text;
  }
  return { text, toolCalls };
}

function toChoice(candidate: GeminiCandidate, position: number): ChatCompletion['choices'][number] {
  const { text, toolCalls } = candidateOutput(candidate);
  const message: ChatMessage = {
    role: 'assistant',
    content: text.length > 0 || toolCalls.length === 0 ? text : null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    index: candidate.index ?? position,
    message,
    finish_reason: toFinishReason(candidate.finishReason, toolCalls.length > 0) ?? 'stop',
    logprobs: null,
  };
}

/** A Gemini `generateContent` answer as an OpenAI chat completion. */
export function toChatCompletion(
  response: GeminiGenerateContentResponse,
  meta: GeminiAnswerMeta,
): ChatCompletion {
  const candidates = response.candidates ?? [];
  if (candidates.length === 0 && response.promptFeedback?.blockReason) {
    throw blockedPromptError(response);
  }
  const completion: ChatCompletion = {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: candidates.map(toChoice),
  };
  if (response.usageMetadata) completion.usage = toUsage(response.usageMetadata);
  return completion;
}
