import type { ConfigStore } from '@routeiq/config';
import type { ChatCompletion, ChatCompletionRequest, ResolvedDeployment } from '@routeiq/providers';
import type { ModelRegistryService } from '@routeiq/routing';
import { guardrailsConfigOf } from '../../__fixtures__/guardrail-context';
import { LlamaGuardClient } from '../llamaguard.client';
import { LlamaGuardGuardrailPlugin } from '../llamaguard-guardrail.plugin';

/** How the stand-in guard model answers a request, given the client's abort signal. */
export type GuardAnswer = (request: ChatCompletionRequest, signal: AbortSignal) => Promise<string>;

/** A guard deployment whose adapter answers with `answer`, recording what it was asked. */
export function guardModels(answer: GuardAnswer) {
  const asked: ChatCompletionRequest[] = [];
  const deployment = {
    id: 'guard-1',
    modelName: 'llama-guard',
    adapter: {
      chat: async (request: ChatCompletionRequest, ctx: { signal: AbortSignal }) => {
        asked.push(request);
        const content = await answer(request, ctx.signal);
        return {
          choices: [{ index: 0, message: { role: 'assistant', content } }],
        } as ChatCompletion;
      },
    },
  } as unknown as ResolvedDeployment;
  const models = {
    find: (name: string) =>
      name === 'llama-guard' ? { byCapability: new Map([['chat', [deployment]]]) } : undefined,
  } as unknown as ModelRegistryService;
  return { models, asked };
}

/** The LlamaGuard guardrail, on, over `guardModels(answer)`, with a 50 ms deadline unless `env` says. */
export function llamaGuardPlugin(answer: GuardAnswer, env: Record<string, string> = {}) {
  const { models, asked } = guardModels(answer);
  const config = guardrailsConfigOf({
    LLAMAGUARD_ENABLED: 'true',
    LLAMAGUARD_MODEL: 'llama-guard',
    LLAMAGUARD_TIMEOUT_MS: '50',
    ...env,
  });
  const store = { register: () => undefined } as unknown as ConfigStore;
  return {
    guard: new LlamaGuardGuardrailPlugin(config, new LlamaGuardClient(models), store),
    asked,
  };
}

/** The prompt text of a recorded guard request. */
export const promptOf = (request: ChatCompletionRequest | undefined): string =>
  String(request?.messages[0]?.content);
