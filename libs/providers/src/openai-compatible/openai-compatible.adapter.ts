import type { ConfigProblem, DeploymentConfig } from '@routeiq/config';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  Completion,
  CompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
} from '../contract/openai-wire.types';
import {
  ProviderAdapter,
  type ProviderCallContext,
  PROVIDER_CAPABILITIES,
  type ProviderCapability,
  type ProviderConnection,
  type UpstreamResponsesEvent,
} from '../contract/provider-adapter';
import type { ProviderException } from '../contract/provider.exception';
import { withExtraHeaders } from '../http/extra-headers';
import type { TransportErrorContext } from '../http/transport-error.mapper';
import {
  exchangeUpstream,
  openUpstreamStream,
  parseJsonObjectBody,
  transportContext,
  upstreamPost,
  type UpstreamResponse,
} from '../http/upstream-exchange';
import type { UpstreamHttpClient } from '../http/upstream-http.client';
import { readOpenAiStream } from './openai-stream.reader';
import { mapUpstreamError, type UpstreamHeaders } from './upstream-error.mapper';
import { withRawJson } from '../contract/raw-json';
import { readResponsesStream } from './responses-stream.reader';

type StreamReader<T> = (
  body: UpstreamResponse['body'],
  ctx: TransportErrorContext,
) => AsyncIterable<T>;

type Environment = Readonly<Record<string, string | undefined>>;
/** The OpenAI endpoint a call goes to, relative to the deployment's base URL. */
export type UpstreamPath = '/chat/completions' | '/completions' | '/embeddings' | '/responses';

/** Everything but `responses`: few compatible servers serve `/responses`; a vendor opts in. */
export const OPENAI_COMPATIBLE_CAPABILITIES: ReadonlySet<ProviderCapability> = new Set(
  PROVIDER_CAPABILITIES.filter((capability) => capability !== 'responses'),
);

const TRAILING_SLASHES = /\/+$/;
const HTTP_PROTOCOL = /^https?:$/;

/**
 * Base for every vendor that speaks OpenAI's wire format: a subclass names itself and says where its
 * default base URL and key come from. The canonical request goes upstream as is, with `model`
 * replaced by the deployment's upstream model; nothing from the client's headers is forwarded.
 */
export abstract class OpenAiCompatibleAdapter extends ProviderAdapter {
  readonly capabilities = OPENAI_COMPATIBLE_CAPABILITIES;
  /** Environment variable holding the default API key, if the vendor has one. */
  protected abstract readonly apiKeyEnv: string | undefined;

  constructor(protected readonly http: UpstreamHttpClient) {
    super();
  }

  /** The base URL when `api_base` is absent; `undefined` makes `api_base` required. */
  protected defaultApiBase(_environment: Environment): string | undefined {
    return undefined;
  }

  resolveConnection(
    deployment: DeploymentConfig,
    environment: Environment,
  ): ProviderConnection | ConfigProblem[] {
    const params = deployment.litellmParams;
    const apiBase = params.api_base ?? this.defaultApiBase(environment);
    if (!apiBase) {
      return [
        {
          path: 'litellm_params.api_base',
          message: `is required for provider "${deployment.provider}"`,
        },
      ];
    }
    if (!URL.canParse(apiBase) || !HTTP_PROTOCOL.test(new URL(apiBase).protocol)) {
      return [
        { path: 'litellm_params.api_base', message: `must be an http(s) URL, got "${apiBase}"` },
      ];
    }
    return {
      apiBase: apiBase.replace(TRAILING_SLASHES, ''),
      apiKey:
        params.api_key || (this.apiKeyEnv ? environment[this.apiKeyEnv] : undefined) || undefined,
      organization: params.organization,
      apiVersion: params.api_version,
    };
  }

  chat(request: ChatCompletionRequest, ctx: ProviderCallContext): Promise<ChatCompletion> {
    return this.postJson<ChatCompletion>('/chat/completions', request, ctx);
  }

  chatStream(
    request: ChatCompletionRequest,
    ctx: ProviderCallContext,
  ): Promise<AsyncIterable<ChatCompletionChunk>> {
    return this.postStream<ChatCompletionChunk>('/chat/completions', request, ctx);
  }

  override completion(request: CompletionRequest, ctx: ProviderCallContext): Promise<Completion> {
    return this.postJson<Completion>('/completions', request, ctx);
  }

  override completionStream(
    request: CompletionRequest,
    ctx: ProviderCallContext,
  ): Promise<AsyncIterable<Completion>> {
    return this.postStream<Completion>('/completions', request, ctx);
  }

  override embedding(
    request: EmbeddingRequest,
    ctx: ProviderCallContext,
  ): Promise<EmbeddingResponse> {
    return this.postJson<EmbeddingResponse>('/embeddings', request, ctx);
  }

  /**
   * `POST /responses` with the client's body: the upstream model, `store: false` (the gateway keeps
   * its own store) and no `previous_response_id` (the upstream never stored the earlier turn).
   */
  override responses(
    body: Record<string, unknown>,
    ctx: ProviderCallContext,
  ): Promise<Record<string, unknown>> {
    // Only a vendor that opted in (the capability) is sent `/responses`.
    if (!this.capabilities.has('responses')) return super.responses(body, ctx);
    return this.postJson('/responses', forResponses(body), ctx);
  }

  override responsesStream(
    body: Record<string, unknown>,
    ctx: ProviderCallContext,
  ): Promise<AsyncIterable<UpstreamResponsesEvent>> {
    if (!this.capabilities.has('responses')) return super.responsesStream(body, ctx);
    return this.postStream('/responses', forResponses(body), ctx, readResponsesStream);
  }

  /** Request headers; subclasses with other auth schemes override this. */
  protected headers(connection: ProviderConnection, stream: boolean): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (connection.apiKey) headers.authorization = `Bearer ${connection.apiKey}`;
    if (connection.organization) headers['openai-organization'] = connection.organization;
    if (stream) headers.accept = 'text/event-stream';
    return headers;
  }

  /** The upstream URL of an endpoint; subclasses with another URL scheme (Azure) override this. */
  protected upstreamUrl(path: UpstreamPath, ctx: ProviderCallContext): string {
    return ctx.deployment.connection.apiBase + path;
  }

  /** Maps a non-2xx answer; subclasses whose vendor flags errors its own way override this. */
  protected mapHttpError(
    status: number,
    bodyText: string,
    headers: UpstreamHeaders,
  ): ProviderException {
    return mapUpstreamError(status, bodyText, headers);
  }

  private postJson<T>(
    path: UpstreamPath,
    request: { model: string; stream?: boolean },
    ctx: ProviderCallContext,
  ): Promise<T> {
    // `timeout` bounds each wait (for the response headers, then between body chunks), as
    // LiteLLM's httpx timeouts do; undici's own timers cost nothing per request, unlike an extra
    // AbortController and setTimeout.
    const { timeoutMs, id } = ctx.deployment;
    return exchangeUpstream(
      () => this.send(path, nonStreaming(request, ctx), ctx, timeoutMs),
      (status, text, headers) => this.mapHttpError(status, text, headers),
      transportContext(ctx, timeoutMs),
      // OpenAI's wire format is ours: the answer goes on to the client as the upstream wrote it.
      (text) => withRawJson(parseJsonObjectBody<object>(text, id), text) as T,
    );
  }

  private async postStream<T>(
    path: UpstreamPath,
    request: { model: string },
    ctx: ProviderCallContext,
    read: StreamReader<T> = readOpenAiStream,
  ): Promise<AsyncIterable<T>> {
    const { streamTimeoutMs, upstreamModel } = ctx.deployment;
    const payload = { ...request, model: upstreamModel, stream: true };
    const errorCtx = transportContext(ctx, streamTimeoutMs);
    const res = await openUpstreamStream(
      () => this.send(path, payload, ctx, streamTimeoutMs, true),
      (status, text, headers) => this.mapHttpError(status, text, headers),
      errorCtx,
    );
    return read(res.body, errorCtx);
  }

  private send(
    path: UpstreamPath,
    payload: object,
    ctx: ProviderCallContext,
    timeoutMs: number,
    stream = false,
  ): Promise<UpstreamResponse> {
    return this.http.request(
      upstreamPost(ctx, timeoutMs, {
        url: this.upstreamUrl(path, ctx),
        headers: withExtraHeaders(
          this.headers(ctx.deployment.connection, stream),
          ctx.deployment.extraHeaders,
        ),
        body: JSON.stringify(payload),
      }),
    );
  }
}

/** The upstream body of a non-streaming call: a shallow copy with the upstream model. */
function nonStreaming(
  request: { model: string; stream?: boolean },
  ctx: ProviderCallContext,
): Record<string, unknown> {
  if (request.stream !== true) return { ...request, model: ctx.deployment.upstreamModel };
  // Asked for a whole answer: never let a stray `stream: true` turn the reply into SSE.
  const { stream: _stream, stream_options: _options, ...rest } = request as Record<string, unknown>;
  return { ...rest, model: ctx.deployment.upstreamModel };
}

function forResponses(body: Record<string, unknown>): { model: string; stream?: boolean } {
  const { previous_response_id: _previous, ...rest } = body;
  return { ...rest, model: String(body.model), store: false } as {
    model: string;
    stream?: boolean;
  };
}
