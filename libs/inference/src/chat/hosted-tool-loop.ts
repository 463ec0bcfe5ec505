import type { HostedToolset } from '@routeiq/common';
import type { ChatCompletion, ChatCompletionRequest, ChatMessage, Usage } from '@routeiq/providers';

/** Tool calls of one turn that run at the same time, at most. */
export const MAX_PARALLEL_TOOL_CALLS = 4;

/** One model turn's answer, with the response headers it would have had. */
export interface ModelAnswer {
  readonly result: ChatCompletion;
  readonly headers: Record<string, string>;
}

/** Calls the model once, through the routed path (admission, routing, usage, telemetry). */
export type ModelTurn = (request: ChatCompletionRequest) => Promise<ModelAnswer>;

export interface HostedToolLoopOutcome {
  /** The last answer; its `usage` is the sum of every turn's. */
  readonly answer: ChatCompletion;
  /** The last turn's response headers. */
  readonly headers: Record<string, string>;
  /** Rounds of tool calls the gateway ran. */
  readonly toolTurns: number;
  /** The last answer still calls the gateway's tools: `maxTurns` rounds were run already. */
  readonly limitReached: boolean;
}

interface FunctionCall {
  readonly id: string;
  readonly function: { readonly name: string; readonly arguments?: string };
}

/**
 * Runs the model ↔ tool loop: while the (single) choice calls only tools of `toolset`, runs those
 * calls (a few at a time), appends the assistant message and one `tool` message per call, and asks
 * the model again, for at most `toolset.maxTurns` rounds. An answer without tool calls, one that
 * also calls a function the gateway does not own (the client runs its own functions), or one with
 * several choices ends the loop and is returned as the model gave it.
 */
export async function runHostedToolLoop(
  request: ChatCompletionRequest,
  toolset: HostedToolset,
  callModel: ModelTurn,
  signal: AbortSignal,
  onToolsRan?: (elapsedMs: number) => void,
): Promise<HostedToolLoopOutcome> {
  const usages: unknown[] = [];
  let messages = request.messages;
  for (let toolTurns = 0; ; toolTurns++) {
    const { result, headers } = await callModel(
      messages === request.messages ? request : { ...request, messages },
    );
    usages.push(result.usage);
    const calls = hostedCalls(result, toolset);
    if (!calls || toolTurns >= toolset.maxTurns) {
      const answer = withTotalUsage(result, usages);
      return { answer, headers, toolTurns, limitReached: calls !== undefined };
    }
    const text = turnText(result);
    if (text) toolset.noteTurnText?.(text);
    const startedAt = performance.now();
    const outputs = await runBounded(calls, signal, (call, callSignal) =>
      toolset.execute(call.function.name, call.function.arguments ?? '', callSignal),
    );
    onToolsRan?.(performance.now() - startedAt);
    messages = [
      ...messages,
      assistantMessage(result),
      ...calls.map((call, i) => ({ role: 'tool', tool_call_id: call.id, content: outputs[i] })),
    ];
  }
}

/** The answer's tool calls when there are some and the gateway owns every one. */
function hostedCalls(result: ChatCompletion, toolset: HostedToolset): FunctionCall[] | undefined {
  const choices = result.choices;
  if (!Array.isArray(choices) || choices.length !== 1) return undefined;
  const calls = choices[0]!.message?.tool_calls;
  if (!Array.isArray(calls) || calls.length === 0) return undefined;
  return calls.every((call) => isOwnedCall(call, toolset)) ? calls : undefined;
}

function isOwnedCall(call: unknown, toolset: HostedToolset): call is FunctionCall {
  if (typeof call !== 'object' || call === null) return false;
  const { id, function: fn } = call as { id?: unknown; function?: Record<string, unknown> };
  if (typeof id !== 'string' || typeof fn !== 'object' || fn === null) return false;
  const args = fn.arguments;
  return (
    typeof fn.name === 'string' &&
    toolset.owns(fn.name) &&
    (args === undefined || typeof args === 'string')
  );
}

/** The text of the answer's one choice ('' without any). */
function turnText(result: ChatCompletion): string {
  const content: unknown = result.choices[0]?.message?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => {
      const { type, text } = (part ?? {}) as { type?: unknown; text?: unknown };
      return type === 'text' && typeof text === 'string' ? text : '';
    })
    .join('');
}

/** The assistant message as the model gave it (reasoning fields included), minus output-only fields. */
function assistantMessage(result: ChatCompletion): ChatMessage {
  const { annotations: _annotations, ...message } = result.choices[0]!.message;
  return message;
}

/**
 * Runs `fn` over `items`, at most `MAX_PARALLEL_TOOL_CALLS` at a time, results in order. After a
 * failure no further item starts and the running ones are aborted.
 */
async function runBounded<T, R>(
  items: readonly T[],
  signal: AbortSignal,
  fn: (item: T, signal: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  signal.addEventListener('abort', abort, { once: true });
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !controller.signal.aborted) {
      const index = next++;
      results[index] = await fn(items[index]!, controller.signal);
    }
  };
  try {
    const workers = Math.min(MAX_PARALLEL_TOOL_CALLS, items.length);
    await Promise.all(Array.from({ length: workers }, worker));
    if (signal.aborted) throw signal.reason;
    return results;
  } catch (error) {
    controller.abort();
    throw error;
  } finally {
    signal.removeEventListener('abort', abort);
  }
}

function withTotalUsage(result: ChatCompletion, usages: readonly unknown[]): ChatCompletion {
  if (usages.length === 1) return result;
  const usage = sumUsage(usages);
  // A new object: the answer may carry the upstream's verbatim JSON, which no longer matches.
  return usage ? { ...result, usage } : result;
}

/** Adds up token counts field by field (nested `*_details` objects too); undefined when none had usage. */
export function sumUsage(usages: readonly unknown[]): Usage | undefined {
  let total: Record<string, unknown> | undefined;
  for (const usage of usages) {
    if (isRecord(usage)) total = total ? addCounts(total, usage) : usage;
  }
  return total as Usage | undefined;
}

function addCounts(
  total: Record<string, unknown>,
  more: Record<string, unknown>,
): Record<string, unknown> {
  const sum = { ...total };
  for (const [key, value] of Object.entries(more)) {
    const current = sum[key];
    if (typeof value === 'number') sum[key] = (typeof current === 'number' ? current : 0) + value;
    else if (isRecord(value)) sum[key] = isRecord(current) ? addCounts(current, value) : value;
    else if (current === undefined) sum[key] = value;
  }
  return sum;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
