import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatMessage,
  Usage,
} from '../contract/openai-wire.types';
import type { ProviderCallContext } from '../contract/provider-adapter';
import {
  choiceCount,
  countWords,
  demoAnswer,
  estimateTokens,
  explicitMockResponse,
  isRecord,
  maxTokensOf,
  mockText,
  nowSeconds,
  promptUsage,
  stableHash,
  textOf,
  usage,
  type MockText,
} from './mock-text';

/** What the mock answers a chat request with, decided once per request. */
export type MockChatAnswer =
  | { readonly kind: 'text'; readonly text: MockText }
  | { readonly kind: 'tool'; readonly id: string; readonly name: string };

export interface MockChatPlan {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  readonly n: number;
  readonly answer: MockChatAnswer;
  readonly usage: Usage;
}

/** The function `tool_choice` forces: a named function, or the first tool when `required`. */
function forcedTool(request: ChatCompletionRequest): string | undefined {
  const choice = request.tool_choice;
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string') {
    return choice.function.name;
  }
  if (choice !== 'required' || !Array.isArray(request.tools)) return undefined;
  const first: unknown = request.tools[0];
  const fn = isRecord(first) ? first.function : undefined;
  return isRecord(fn) && typeof fn.name === 'string' ? fn.name : undefined;
}

function lastUserText(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i];
    if (message?.role === 'user') return textOf(message.content);
  }
  return '';
}

export function planMockChat(
  request: ChatCompletionRequest,
  ctx: ProviderCallContext,
): MockChatPlan {
  const hash = stableHash([ctx.deployment.id, request]);
  const n = choiceCount(request.n);
  const explicit = explicitMockResponse(request, ctx);
  const tool = explicit === undefined ? forcedTool(request) : undefined;
  const answer: MockChatAnswer =
    tool !== undefined
      ? { kind: 'tool', id: `call_mock_${hash.slice(0, 16)}`, name: tool }
      : {
          kind: 'text',
          text: mockText(
            explicit ??
              demoAnswer(
                ctx.deployment.modelName,
                'message',
                countWords(lastUserText(request.messages)),
              ),
            maxTokensOf(request),
          ),
        };
  const perChoice =
    answer.kind === 'text' ? answer.text.tokens : estimateTokens(answer.name.length + 2);
  return {
    id: `chatcmpl-mock-${hash}`,
    created: nowSeconds(),
    model: ctx.deployment.upstreamModel,
    n,
    answer,
    usage: usage(promptUsage(request.messages), perChoice * n),
  };
}

function message(answer: MockChatAnswer): ChatMessage {
  if (answer.kind === 'text')
    return { role: 'assistant', content: answer.text.text, refusal: null };
  return {
    role: 'assistant',
    content: null,
    refusal: null,
    tool_calls: [
      { id: answer.id, type: 'function', function: { name: answer.name, arguments: '{}' } },
    ],
  };
}

function finishReason(answer: MockChatAnswer): string {
  return answer.kind === 'text' ? answer.text.finishReason : 'tool_calls';
}

export function mockChatCompletion(plan: MockChatPlan): ChatCompletion {
  const choices = Array.from({ length: plan.n }, (_, index) => ({
    index,
    message: message(plan.answer),
    logprobs: null,
    finish_reason: finishReason(plan.answer),
  }));
  return {
    id: plan.id,
    object: 'chat.completion',
    created: plan.created,
    model: plan.model,
    choices,
    usage: plan.usage,
  };
}

/** The deltas of one choice, in OpenAI's order: role first, content or tool call, then finish. */
function deltas(answer: MockChatAnswer): Array<Partial<ChatMessage>> {
  if (answer.kind === 'text') {
    return [
      { role: 'assistant', content: '' },
      ...answer.text.pieces.map((content) => ({ content })),
    ];
  }
  const call = {
    index: 0,
    id: answer.id,
    type: 'function',
    function: { name: answer.name, arguments: '' },
  };
  return [
    { role: 'assistant', content: null, tool_calls: [call] },
    { tool_calls: [{ index: 0, function: { arguments: '{}' } }] },
  ];
}

/** Every chunk of the stream, choice-interleaved like OpenAI's, plus the usage chunk when asked. */
export function* mockChatChunks(
  plan: MockChatPlan,
  includeUsage: boolean,
): Generator<ChatCompletionChunk> {
  const base = {
    id: plan.id,
    object: 'chat.completion.chunk' as const,
    created: plan.created,
    model: plan.model,
  };
  const extra = includeUsage ? { usage: null } : {};
  const steps: Array<{ delta: Partial<ChatMessage>; finish: string | null }> = [
    ...deltas(plan.answer).map((delta) => ({ delta, finish: null })),
    { delta: {}, finish: finishReason(plan.answer) },
  ];
  for (const step of steps) {
    for (let index = 0; index < plan.n; index += 1) {
      yield {
        ...base,
        choices: [{ index, delta: step.delta, logprobs: null, finish_reason: step.finish }],
        ...extra,
      };
    }
  }
  if (includeUsage) yield { ...base, choices: [], usage: plan.usage };
}
