import type { GatewayException, GatewayResponse } from '@routeiq/common';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  Completion,
  CompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
  ProviderAdapter,
  ProviderCallContext,
  ProviderCapability,
} from '@routeiq/providers';
import { parseChatCompletionRequest } from './dto/chat-completion.dto';
import { parseCompletionRequest } from './dto/completion.dto';
import { parseEmbeddingRequest } from './dto/embedding.dto';
import { chatChunkHasContent, completionChunkHasContent } from './stream-head';

export type InferenceEndpoint = 'chat' | 'completion' | 'embedding' | 'messages' | 'responses';

/**
 * Token counts of one answer in OpenAI's terms: `promptTokens` includes the cached tokens (read
 * and written), `completionTokens` the reasoning tokens. The details are absent when the
 * provider reports none.
 */
export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Prompt tokens read from the provider's prompt cache. */
  readonly cachedPromptTokens?: number;
  /** Prompt tokens written to the provider's prompt cache (Anthropic, Bedrock). */
  readonly cacheCreationTokens?: number;
  /** Reasoning ("thinking") tokens: OpenAI's o-series and GPT-5, Gemini's thoughts. */
  readonly reasoningTokens?: number;
}

export interface InferenceRequestShape {
  model: string;
  stream?: boolean;
  mock_response?: unknown;
}

/**
 * One OpenAI endpoint described as data, so the orchestration (route, call, stream, record) is
 * written once for chat, completions and embeddings.
 */
export interface InferenceOperation<
  TRequest extends InferenceRequestShape,
  TResult extends object,
  TChunk extends object,
> {
  readonly endpoint: InferenceEndpoint;
  readonly capability: ProviderCapability;
  parse(body: unknown): TRequest;
  call(adapter: ProviderAdapter, request: TRequest, ctx: ProviderCallContext): Promise<TResult>;
  /** Absent when the endpoint cannot stream. */
  stream?(
    adapter: ProviderAdapter,
    request: TRequest,
    ctx: ProviderCallContext,
  ): Promise<AsyncIterable<TChunk>>;
  usage(payload: TResult | TChunk): TokenUsage | undefined;
  /** Capabilities this request needs beyond `capability` (streaming, tools, vision). */
  needs?(request: TRequest): readonly ProviderCapability[];
  /** A deployment id the request should go back to while it can serve it (continuations). */
  preferredDeployment?(request: TRequest): string | undefined;
  /**
   * Whether a chunk carries content (absent: every chunk does). Chunks before the first one that
   * does are held back, so a stream that fails before any content can still fail over.
   */
  hasContent?(chunk: TChunk): boolean;
  /** Frames the streamed chunks for the client; absent: OpenAI's SSE (`data:` events, `[DONE]`). */
  streamWriter?(res: GatewayResponse): StreamWriter<TChunk>;
  /**
   * False when this request's answer must neither come from nor go to the response cache (a
   * Responses answer the gateway stores: each is a new object with an id of its own). Absent: the
   * cache's own rules decide.
   */
  cacheable?(request: TRequest): boolean;
}

/** Writes a streamed answer to the client; `SseWriter` is the OpenAI framing. */
export interface StreamWriter<TChunk> {
  readonly isClosed: boolean;
  open(headers?: Readonly<Record<string, string>>): void;
  /** `payload` is `chunk` serialised. */
  write(payload: string, chunk: TChunk): Promise<void> | void;
  done(): void;
  fail(error: GatewayException, requestId: string): void;
}

const STREAMING: readonly ProviderCapability[] = ['streaming'];
const NOTHING: readonly ProviderCapability[] = [];

/** What a chat request needs of a provider: one pass over the messages, no allocation usually. */
export function chatNeeds(request: ChatCompletionRequest): readonly ProviderCapability[] {
  const tools = Array.isArray(request.tools) && request.tools.length > 0;
  const vision = request.messages.some(
    (message) =>
      Array.isArray(message.content) &&
      (message.content as Array<{ type?: unknown }>).some((part) => part?.type === 'image_url'),
  );
  if (!tools && !vision) return request.stream === true ? STREAMING : NOTHING;
  const needs: ProviderCapability[] = request.stream === true ? ['streaming'] : [];
  if (tools) needs.push('tools');
  if (vision) needs.push('vision');
  return needs;
}

/**
 * Usage of an OpenAI-shaped chat, completion or embedding answer (or a stream's usage chunk).
 * Cache reads are `prompt_tokens_details.cached_tokens` (OpenAI, Gemini), or the raw Anthropic
 * and Bedrock counters the adapters keep beside it; DeepSeek-style upstreams say
 * `prompt_cache_hit_tokens`. Reasoning is `completion_tokens_details.reasoning_tokens`.
 */
export function readUsage(payload: { usage?: unknown }): TokenUsage | undefined {
  const usage = payload.usage as Readonly<Record<string, unknown>> | null | undefined;
  if (!usage || typeof usage.prompt_tokens !== 'number') return undefined;
  const promptDetails = usage.prompt_tokens_details as Record<string, unknown> | null | undefined;
  const outputDetails = usage.completion_tokens_details as
    Record<string, unknown> | null | undefined;
  const cached =
    tokenCount(usage.cache_read_input_tokens) ??
    tokenCount(promptDetails?.cached_tokens) ??
    tokenCount(usage.prompt_cache_hit_tokens);
  const cacheCreation = tokenCount(usage.cache_creation_input_tokens);
  const reasoning = tokenCount(outputDetails?.reasoning_tokens);
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: tokenCount(usage.completion_tokens) ?? 0,
    ...(cached ? { cachedPromptTokens: cached } : undefined),
    ...(cacheCreation ? { cacheCreationTokens: cacheCreation } : undefined),
    ...(reasoning ? { reasoningTokens: reasoning } : undefined),
  };
}

function tokenCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

export const CHAT_OPERATION: InferenceOperation<
  ChatCompletionRequest,
  ChatCompletion,
  ChatCompletionChunk
> = {
  endpoint: 'chat',
  capability: 'chat',
  parse: parseChatCompletionRequest,
  call: (adapter, request, ctx) => adapter.chat(request, ctx),
  stream: (adapter, request, ctx) => adapter.chatStream(request, ctx),
  usage: readUsage,
  needs: chatNeeds,
  hasContent: chatChunkHasContent,
};

export const COMPLETION_OPERATION: InferenceOperation<CompletionRequest, Completion, Completion> = {
  endpoint: 'completion',
  capability: 'completion',
  parse: parseCompletionRequest,
  call: (adapter, request, ctx) => adapter.completion(request, ctx),
  stream: (adapter, request, ctx) => adapter.completionStream(request, ctx),
  usage: readUsage,
  hasContent: completionChunkHasContent,
};

export const EMBEDDING_OPERATION: InferenceOperation<EmbeddingRequest, EmbeddingResponse, never> = {
  endpoint: 'embedding',
  capability: 'embedding',
  parse: parseEmbeddingRequest,
  call: (adapter, request, ctx) => adapter.embedding(request, ctx),
  usage: readUsage,
};
