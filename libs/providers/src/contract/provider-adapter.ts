import type { Context } from '@opentelemetry/api';
import type { ConfigProblem, DeploymentConfig } from '@routeiq/config';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  Completion,
  CompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
} from './openai-wire.types';
import { ProviderException } from './provider.exception';

/** One server-sent event of a Responses stream: its `event:` name and its parsed `data:`. */
export interface UpstreamResponsesEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/** What an adapter can do. Routing and inference check capabilities, never provider names. */
export type ProviderCapability =
  | 'chat'
  | 'completion'
  | 'embedding'
  | 'streaming'
  /** Function tools and tool calls in chat. */
  | 'tools'
  /** Image inputs in chat messages. */
  | 'vision'
  /** Speaks OpenAI's Responses API natively (`POST /responses`), so it is passed through. */
  | 'responses';

/** Every capability, in the order routing indexes them. */
export const PROVIDER_CAPABILITIES: readonly ProviderCapability[] = [
  'chat',
  'completion',
  'embedding',
  'streaming',
  'tools',
  'vision',
  'responses',
];

/** Where and as whom to call a deployment, resolved once when the config is loaded. */
export interface ProviderConnection {
  /** Base URL including any path prefix, without a trailing slash, e.g. `https://api.openai.com/v1`. */
  readonly apiBase: string;
  readonly apiKey?: string;
  readonly organization?: string;
  readonly apiVersion?: string;
}

/** A deployment ready to be called: its config, its adapter and its connection. */
export interface ResolvedDeployment {
  /** `model_info.id` (or its generated stand-in). */
  readonly id: string;
  /** The model group (`model_name`). */
  readonly modelName: string;
  readonly provider: string;
  readonly upstreamModel: string;
  readonly connection: ProviderConnection;
  /** Non-streaming: longest wait for the response headers, then between body chunks, ms. */
  readonly timeoutMs: number;
  /** Deadline for a stream's first byte and for each gap between its chunks, ms. */
  readonly streamTimeoutMs: number;
  readonly config: DeploymentConfig;
  readonly adapter: ProviderAdapter;
  /**
   * `drop_params` (the deployment's, else `litellm_settings.drop_params`): request parameters the
   * provider cannot take are dropped instead of failing the request with a 400.
   */
  readonly dropParams: boolean;
  /** `extra_headers`: added to every upstream request after the provider's own headers. */
  readonly extraHeaders: Readonly<Record<string, string>>;
}

/** Per-call context. Adapters are stateless: credentials travel here, never on the instance. */
export interface ProviderCallContext {
  readonly deployment: ResolvedDeployment;
  /** Aborted when the client disconnects; adapters add their own timeouts on top. */
  readonly signal: AbortSignal;
  readonly requestId: string;
  /** The upstream call's trace when tracing is on. */
  readonly trace?: UpstreamTrace;
}

/** The trace of one upstream call: the headers that carry it upstream, or its context. */
export interface UpstreamTrace {
  /**
   * Made active while the HTTP request is created, for an instrumentation (undici) that parents
   * its span on the active context; absent when no instrumentation needs it (activating a
   * context costs a closure and a swap per call).
   */
  readonly context?: Context;
  /** `traceparent` / `tracestate`, unless an instrumentation adds them itself. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The contract every provider implements (one folder per provider under libs/providers/src).
 * Streaming methods resolve once the upstream has accepted the request (status and headers are in),
 * so failures before the first byte surface as exceptions the caller can still turn into an HTTP
 * error; failures after that are thrown from the iterator.
 * All failures are `ProviderException`s with a `ProviderErrorCode`.
 */
export abstract class ProviderAdapter {
  /** Provider prefixes this adapter serves, e.g. `['openai']`. */
  abstract readonly names: readonly string[];
  abstract readonly capabilities: ReadonlySet<ProviderCapability>;

  /**
   * Resolves the connection for a deployment from its params and the config's environment
   * (default api_base, default credential variables). Returns problems instead of throwing, so a
   * config load can report every bad deployment at once.
   */
  abstract resolveConnection(
    deployment: DeploymentConfig,
    environment: Readonly<Record<string, string | undefined>>,
  ): ProviderConnection | ConfigProblem[];

  abstract chat(request: ChatCompletionRequest, ctx: ProviderCallContext): Promise<ChatCompletion>;

  abstract chatStream(
    request: ChatCompletionRequest,
    ctx: ProviderCallContext,
  ): Promise<AsyncIterable<ChatCompletionChunk>>;

  /** A text completion; by default refused (400 `unsupported_operation`), as most chat APIs lack it. */
  completion(_request: CompletionRequest, ctx: ProviderCallContext): Promise<Completion> {
    return Promise.reject(unsupported(ctx, 'text completions'));
  }

  /** The streamed form of `completion`; refused by default. */
  completionStream(
    _request: CompletionRequest,
    ctx: ProviderCallContext,
  ): Promise<AsyncIterable<Completion>> {
    return Promise.reject(unsupported(ctx, 'text completions'));
  }

  /** Embeddings; refused by default (400 `unsupported_operation`). */
  embedding(_request: EmbeddingRequest, ctx: ProviderCallContext): Promise<EmbeddingResponse> {
    return Promise.reject(unsupported(ctx, 'embeddings'));
  }

  /**
   * A Responses API request sent as is (adapters with the `responses` capability only); the
   * answer is the upstream's object, tagged with its raw JSON.
   */
  responses(
    _body: Record<string, unknown>,
    ctx: ProviderCallContext,
  ): Promise<Record<string, unknown>> {
    return Promise.reject(unsupported(ctx, 'the Responses API'));
  }

  /** The streamed form of `responses`: the upstream's events as they arrive. */
  responsesStream(
    _body: Record<string, unknown>,
    ctx: ProviderCallContext,
  ): Promise<AsyncIterable<UpstreamResponsesEvent>> {
    return Promise.reject(unsupported(ctx, 'the Responses API'));
  }
}

function unsupported(ctx: ProviderCallContext, operation: string): ProviderException {
  return ProviderException.unsupported(ctx.deployment.provider, operation);
}
