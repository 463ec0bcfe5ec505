import type { ChatCompletion } from '@routeiq/providers';
import type {
  AnthropicMessage,
  AnthropicResponseBlock,
  AnthropicStopReason,
  AnthropicUsage,
} from './anthropic-messages.types';

/**
 * OpenAI's finish reason as Anthropic's stop reason. A `stop` caused by a stop sequence is
 * indistinguishable from a natural end in the pivot, so it is reported as `end_turn`.
 */
export function toStopReason(finishReason: string | null | undefined): AnthropicStopReason {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/** `msg_`-prefixed, as Anthropic's ids are (some clients check the prefix). */
export function toMessageId(id: string | undefined): string {
  if (!id) return 'msg_routeiq';
  return id.startsWith('msg_') ? id : `msg_${id}`;
}

const ZERO_USAGE: AnthropicUsage = { input_tokens: 0, output_tokens: 0 };

/**
 * OpenAI usage as Anthropic's: Anthropic's `input_tokens` excludes cached tokens, which OpenAI's
 * `prompt_tokens` includes (cache reads in `prompt_tokens_details.cached_tokens`; an
 * Anthropic-backed adapter may also pass `cache_*_input_tokens` through).
 */
export function toAnthropicUsage(usage: unknown): AnthropicUsage {
  if (typeof usage !== 'object' || usage === null) return ZERO_USAGE;
  const fields = usage as Record<string, unknown>;
  const details = fields.prompt_tokens_details as Record<string, unknown> | null | undefined;
  const cacheRead = numberOr(fields.cache_read_input_tokens, numberOr(details?.cached_tokens));
  const cacheCreation = numberOr(fields.cache_creation_input_tokens);
  const prompt = numberOr(fields.prompt_tokens) ?? 0;
  const result: AnthropicUsage = {
    input_tokens: Math.max(0, prompt - (cacheRead ?? 0) - (cacheCreation ?? 0)),
    output_tokens: numberOr(fields.completion_tokens) ?? 0,
  };
  if (cacheCreation !== undefined) result.cache_creation_input_tokens = cacheCreation;
  if (cacheRead !== undefined) result.cache_read_input_tokens = cacheRead;
  return result;
}

function numberOr(value: unknown, fallback?: number): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/**
 * Parses a tool call's JSON arguments into Anthropic's `input` object. Anthropic's `input` is
 * always an object: arguments that are not a JSON object (a model's malformed output) are kept
 * under `_raw` rather than lost.
 */
export function toToolInput(args: unknown): Record<string, unknown> {
  if (typeof args !== 'string' || args.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(args);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // fall through: kept verbatim below
  }
  return { _raw: args };
}

/** The first choice of an OpenAI chat completion as an Anthropic message. */
export function toAnthropicMessage(completion: ChatCompletion, model: string): AnthropicMessage {
  const choice = completion.choices[0];
  const message = choice?.message;
  const content: AnthropicResponseBlock[] = [];
  const text = typeof message?.content === 'string' ? message.content : '';
  const refusal = typeof message?.refusal === 'string' ? message.refusal : '';
  if (text || refusal) content.push({ type: 'text', text: text || refusal });
  for (const call of message?.tool_calls ?? []) {
    const { id, function: fn } = call as {
      id?: unknown;
      function?: { name?: unknown; arguments?: unknown };
    };
    content.push({
      type: 'tool_use',
      id: typeof id === 'string' ? id : '',
      name: typeof fn?.name === 'string' ? fn.name : '',
      input: toToolInput(fn?.arguments),
    });
  }
  const stopReason = !text && refusal ? 'refusal' : toStopReason(choice?.finish_reason);
  return {
    id: toMessageId(completion.id),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: toAnthropicUsage(completion.usage),
  };
}
