import type { Principal } from '@routeiq/common';
import { resolveGuardrailsConfig, type GuardrailsConfig } from '../guardrails.config';
import type { PluginEndpoint, PluginRequestContext } from '../../plugin.types';

/** A request context as the plugin pipeline creates it. */
export function guardrailContext(
  request: Record<string, unknown>,
  options: {
    endpoint?: PluginEndpoint;
    stream?: boolean;
    guardrails?: readonly string[];
    signal?: AbortSignal;
  } = {},
): PluginRequestContext {
  const caller: Principal = {
    kind: 'virtual',
    keyId: 'vk-test',
    ...(options.guardrails && { guardrails: options.guardrails }),
  };
  return {
    requestId: 'req-test',
    endpoint: options.endpoint ?? 'chat',
    stream: options.stream ?? false,
    caller,
    request,
    responseHeaders: {},
    state: new Map(),
    signal: options.signal ?? new AbortController().signal,
  };
}

export function guardrailsConfigOf(env: Record<string, string>): GuardrailsConfig {
  return resolveGuardrailsConfig(env);
}

/** A chat completion chunk like OpenAI's, with the same id and model throughout. */
export function chatChunk(
  content: string | undefined,
  finish: string | null = null,
  index = 0,
): Record<string, unknown> {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'gpt-4o-mini',
    choices: [
      {
        index,
        delta: content === undefined ? {} : { content },
        finish_reason: finish,
        logprobs: null,
      },
    ],
  };
}
