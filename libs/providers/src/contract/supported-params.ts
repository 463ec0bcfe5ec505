import type { ChatCompletionRequest } from './openai-wire.types';
import type { ProviderCallContext } from './provider-adapter';
import { ProviderException } from './provider.exception';

/** OpenAI chat fields every translating adapter maps. */
const CORE_CHAT_PARAMS = [
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'stop',
  'tools',
  'tool_choice',
  'n',
] as const;

/**
 * Fields that steer the gateway (LiteLLM's request-level settings), never a provider: they are not
 * "unsupported" anywhere.
 */
const GATEWAY_PARAMS = new Set([
  'mock_response',
  'metadata',
  'drop_params',
  'tags',
  'caching',
  'num_retries',
  'timeout',
  'fallbacks',
]);

/** The chat fields a provider maps: the core ones plus `extra`. */
export function chatParams(...extra: string[]): ReadonlySet<string> {
  return new Set<string>([...CORE_CHAT_PARAMS, ...extra]);
}

/**
 * LiteLLM's `drop_params`: a request field the provider has no counterpart for is refused with a
 * 400 naming it, unless the deployment (or `litellm_settings`, or the request itself) says
 * `drop_params: true`, in which case it is dropped. Null values count as absent.
 */
export function applyDropParams(
  request: ChatCompletionRequest,
  supported: ReadonlySet<string>,
  ctx: ProviderCallContext,
): ChatCompletionRequest {
  const fields = request as unknown as Record<string, unknown>;
  let unsupported: string[] | undefined;
  for (const key in fields) {
    if (fields[key] === undefined || fields[key] === null) continue;
    if (supported.has(key) || GATEWAY_PARAMS.has(key)) continue;
    (unsupported ??= []).push(key);
  }
  if (!unsupported) return request;
  if (ctx.deployment.dropParams || fields.drop_params === true) {
    const kept = { ...fields };
    for (const key of unsupported) delete kept[key];
    return kept as unknown as ChatCompletionRequest;
  }
  throw ProviderException.unsupportedParams(ctx.deployment.provider, unsupported);
}
