import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatMessage, Usage } from '../contract/openai-wire.types';
import type { ProviderCallContext } from '../contract/provider-adapter';
import { ProviderException } from '../contract/provider.exception';

/** A word with the whitespace before it, so pieces concatenate back to the original text. */
const PIECES = /\s*\S+/g;
const WORDS = /\S+/g;

/** The answer the mock gives, cut into stream pieces. */
export interface MockText {
  readonly text: string;
  readonly pieces: readonly string[];
  readonly finishReason: 'stop' | 'length';
  readonly tokens: number;
}

export function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

export function countWords(text: string): number {
  return text.match(WORDS)?.length ?? 0;
}

/** Text of a message content: a string, or the `text` of its content parts. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content as unknown[]) {
    const value = isRecord(part) ? part.text : undefined;
    if (typeof value === 'string') text += text ? ` ${value}` : value;
  }
  return text;
}

export function promptUsage(messages: readonly ChatMessage[]): number {
  let chars = 0;
  for (const message of messages) chars += textOf(message.content).length;
  return estimateTokens(chars);
}

export function usage(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/** `max_completion_tokens`/`max_tokens` as a positive integer, if set. */
export function maxTokensOf(request: Readonly<Record<string, unknown>>): number | undefined {
  const value = request.max_completion_tokens ?? request.max_tokens;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Cuts `text` to `maxTokens` words (the mock's notion of a token). */
export function mockText(text: string, maxTokens: number | undefined): MockText {
  const all = text.match(PIECES) ?? [];
  const truncated = maxTokens !== undefined && all.length > maxTokens;
  const pieces = truncated ? all.slice(0, maxTokens) : all;
  const finalText = truncated ? pieces.join('') : text;
  const estimate = estimateTokens(finalText.length);
  return {
    text: finalText,
    pieces,
    finishReason: truncated ? 'length' : 'stop',
    tokens: maxTokens === undefined ? estimate : Math.min(estimate, maxTokens),
  };
}

/** The explicit answer: the request's `mock_response`, else the deployment's. */
export function explicitMockResponse(
  request: Readonly<Record<string, unknown>>,
  ctx: ProviderCallContext,
): string | undefined {
  const fromRequest = request.mock_response;
  if (typeof fromRequest === 'string') return fromRequest;
  return ctx.deployment.config.litellmParams.mock_response;
}

export function demoAnswer(
  modelName: string,
  subject: 'message' | 'prompt',
  words: number,
): string {
  return (
    `This is RouteIQ's offline demo model "${modelName}". Your ${subject} had ${words} ` +
    `${words === 1 ? 'word' : 'words'}; connect a real provider in config/config.yaml to get real answers.`
  );
}

/** A short, stable hex digest of a request, for ids. */
export function stableHash(value: unknown, length = 24): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, length);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** `n` as a positive integer (default 1, capped to keep the mock cheap). */
export function choiceCount(n: unknown): number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? Math.min(n, 128) : 1;
}

/** Waits `litellm_params.extra.mock_delay_ms`, if set; a client abort ends the wait with a 499. */
export async function mockDelay(ctx: ProviderCallContext): Promise<void> {
  if (ctx.signal.aborted) throw ProviderException.clientClosed();
  const delay = ctx.deployment.config.litellmParams.extra.mock_delay_ms;
  if (typeof delay !== 'number' || !(delay > 0)) return;
  try {
    await sleep(delay, undefined, { signal: ctx.signal });
  } catch {
    throw ProviderException.clientClosed();
  }
}
