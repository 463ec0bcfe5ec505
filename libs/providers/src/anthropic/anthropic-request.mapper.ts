import type { ChatCompletionRequest } from '../contract/openai-wire.types';
import { ProviderException } from '../contract/provider.exception';
import { toAnthropicConversation } from './anthropic-messages.mapper';
import { AnthropicRequestErrorCode, invalidAnthropicRequest } from './anthropic-request.exception';
import type {
  AnthropicMessagesRequest,
  AnthropicTool,
  AnthropicToolChoice,
} from './anthropic-wire.types';

/**
 * Anthropic requires `max_tokens`; OpenAI clients usually omit it. 4096 is LiteLLM's default and
 * fits every current Claude model's output limit.
 */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function stopSequences(stop: unknown): string[] | undefined {
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop)) return stop.filter((s): s is string => typeof s === 'string');
  return undefined;
}

function toTools(tools: unknown[] | undefined): AnthropicTool[] | undefined {
  if (!tools) return undefined;
  return tools.map((raw, i): AnthropicTool => {
    const fn = asRecord(asRecord(raw)?.function);
    if (asRecord(raw)?.type !== 'function' || typeof fn?.name !== 'string') {
      throw invalidAnthropicRequest(
        AnthropicRequestErrorCode.UnsupportedContent,
        'only function tools with a name are supported by Anthropic',
        `tools[${i}]`,
      );
    }
    const tool: AnthropicTool = {
      name: fn.name,
      input_schema: asRecord(fn.parameters) ?? { type: 'object' },
    };
    if (typeof fn.description === 'string') tool.description = fn.description;
    return tool;
  });
}

function baseToolChoice(choice: unknown): AnthropicToolChoice | undefined {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  const name = asRecord(asRecord(choice)?.function)?.name;
  if (typeof name === 'string') return { type: 'tool', name };
  return undefined;
}

function toToolChoice(request: ChatCompletionRequest): AnthropicToolChoice | undefined {
  const choice = baseToolChoice(request.tool_choice);
  if (request.parallel_tool_calls !== false || choice?.type === 'none') return choice;
  // OpenAI's switch lives on the request, Anthropic's on the tool choice (default `auto`).
  return { ...(choice ?? { type: 'auto' }), disable_parallel_tool_use: true };
}

/** Copies the optional sampling fields that mean the same thing on both sides. */
function samplingFields(request: ChatCompletionRequest): Partial<AnthropicMessagesRequest> {
  const fields: Partial<AnthropicMessagesRequest> = {};
  if (typeof request.temperature === 'number') fields.temperature = request.temperature;
  if (typeof request.top_p === 'number') fields.top_p = request.top_p;
  if (typeof request.top_k === 'number') fields.top_k = request.top_k;
  const stop = stopSequences(request.stop);
  if (stop && stop.length > 0) fields.stop_sequences = stop;
  if (typeof request.user === 'string') fields.metadata = { user_id: request.user };
  return fields;
}

/**
 * Translates an OpenAI chat request into a Messages API body for `model`. Parameters without an
 * Anthropic equivalent (penalties, seed, logprobs, `response_format`…) are dropped, as LiteLLM
 * does with `drop_params`; `n > 1` is refused because one call can only yield one answer.
 */
export function toAnthropicRequest(
  request: ChatCompletionRequest,
  model: string,
  stream: boolean,
): AnthropicMessagesRequest {
  if (typeof request.n === 'number' && request.n > 1) {
    throw ProviderException.unsupported('anthropic', 'n > 1');
  }
  const { system, messages } = toAnthropicConversation(request.messages);
  const body: AnthropicMessagesRequest = {
    model,
    messages,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
  };
  if (system) body.system = system;
  Object.assign(body, samplingFields(request));
  const tools = toTools(request.tools);
  if (tools) body.tools = tools;
  const toolChoice = toToolChoice(request);
  if (toolChoice) body.tool_choice = toolChoice;
  if (stream) body.stream = true;
  return body;
}
