import type { Completion, CompletionRequest, Usage } from '../contract/openai-wire.types';
import type { ProviderCallContext } from '../contract/provider-adapter';
import { mockInputs, type MockInput } from './mock-input';
import {
  choiceCount,
  countWords,
  demoAnswer,
  explicitMockResponse,
  maxTokensOf,
  mockText,
  nowSeconds,
  stableHash,
  usage,
  type MockText,
} from './mock-text';

export interface MockCompletionPlan {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  /** One answer per choice: prompts × n, in OpenAI's order. */
  readonly answers: readonly MockText[];
  readonly usage: Usage;
}

function wordsOf(input: MockInput): number {
  return typeof input.value === 'string' ? countWords(input.value) : input.value.length;
}

export function planMockCompletion(
  request: CompletionRequest,
  ctx: ProviderCallContext,
): MockCompletionPlan {
  const prompts = mockInputs(request.prompt, 'prompt');
  const n = choiceCount(request.n);
  const explicit = explicitMockResponse(request, ctx);
  const maxTokens = maxTokensOf(request);
  const answers: MockText[] = [];
  for (const prompt of prompts) {
    const text = mockText(
      explicit ?? demoAnswer(ctx.deployment.modelName, 'prompt', wordsOf(prompt)),
      maxTokens,
    );
    for (let i = 0; i < n; i += 1) answers.push(text);
  }
  const promptTokens = prompts.reduce((sum, prompt) => sum + prompt.tokens, 0);
  const completionTokens = answers.reduce((sum, answer) => sum + answer.tokens, 0);
  return {
    id: `cmpl-mock-${stableHash([ctx.deployment.id, request])}`,
    created: nowSeconds(),
    model: ctx.deployment.upstreamModel,
    answers,
    usage: usage(promptTokens, completionTokens),
  };
}

function completion(plan: MockCompletionPlan, choices: Completion['choices']): Completion {
  return {
    id: plan.id,
    object: 'text_completion',
    created: plan.created,
    model: plan.model,
    choices,
  };
}

export function mockCompletion(plan: MockCompletionPlan): Completion {
  const choices = plan.answers.map((answer, index) => ({
    index,
    text: answer.text,
    logprobs: null,
    finish_reason: answer.finishReason,
  }));
  return { ...completion(plan, choices), usage: plan.usage };
}

/** Stream chunks: each choice's pieces, then its finish, then the usage chunk when asked. */
export function* mockCompletionChunks(
  plan: MockCompletionPlan,
  includeUsage: boolean,
): Generator<Completion> {
  const extra = includeUsage ? { usage: null } : {};
  for (const [index, answer] of plan.answers.entries()) {
    for (const text of answer.pieces) {
      yield {
        ...completion(plan, [{ index, text, logprobs: null, finish_reason: null }]),
        ...extra,
      };
    }
    const finish = { index, text: '', logprobs: null, finish_reason: answer.finishReason };
    yield { ...completion(plan, [finish]), ...extra };
  }
  if (includeUsage) yield { ...completion(plan, []), usage: plan.usage };
}
