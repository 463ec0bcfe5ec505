import { Injectable } from '@nestjs/common';
import type { ConfigProblem, DeploymentConfig } from '@routeiq/config';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
} from '../contract/openai-wire.types';
import {
  ProviderAdapter,
  type ProviderCallContext,
  type ProviderCapability,
  type ProviderConnection,
} from '../contract/provider-adapter';
import { applyDropParams, chatParams } from '../contract/supported-params';
import { withExtraHeaders } from '../http/extra-headers';
import {
  exchangeUpstream,
  openUpstreamStream,
  parseJsonObjectBody,
  transportContext,
  upstreamPost,
  type UpstreamResponse,
} from '../http/upstream-exchange';
import { UpstreamHttpClient } from '../http/upstream-http.client';
import { toEmbeddingResponse, toGeminiEmbedRequest } from './gemini-embedding.mapper';
import { mapGeminiError } from './gemini-error.mapper';
import { toGeminiRequest } from './gemini-request.mapper';
import { newCompletionId, toChatCompletion, type GeminiAnswerMeta } from './gemini-response.mapper';
import { GeminiStreamMapper } from './gemini-stream.mapper';
import { readGeminiStream } from './gemini-stream.reader';
import type { GeminiBatchEmbedResponse, GeminiGenerateContentResponse } from './gemini.types';

type Environment = Readonly<Record<string, string | undefined>>;

export const GEMINI_DEFAULT_API_BASE = 'https://generativelanguage.googleapis.com/v1beta';
/** Checked in order when `api_key` is absent. */
export const GEMINI_API_KEY_ENVS = ['GEMINI_API_KEY', 'GOOGLE_API_KEY'] as const;

const TRAILING_SLASHES = /\/+$/;
const HTTP_PROTOCOL = /^https?:$/;
const MODELS_PREFIX = /^models\//;

function modelPath(upstreamModel: string, method: string): string {
  return `/models/${encodeURIComponent(upstreamModel.replace(MODELS_PREFIX, ''))}:${method}`;
}

function answerMeta(ctx: ProviderCallContext): GeminiAnswerMeta {
  return {
    id: newCompletionId(),
    created: Math.floor(Date.now() / 1000),
    model: ctx.deployment.upstreamModel,
  };
}

/**
 * Google's Gemini API (`gemini/<model>`): OpenAI chat requests become `generateContent` /
 * `streamGenerateContent?alt=sse` calls and their answers OpenAI completions and chunks. The key
 * travels in `x-goog-api-key`, never in the URL, so it cannot reach access logs.
 */
/** The OpenAI chat fields this provider maps (others: 400, or dropped with `drop_params`). `user` and `parallel_tool_calls` are accepted and not sent. */
const SUPPORTED_PARAMS = chatParams(
  'user',
  'parallel_tool_calls',
  'response_format',
  'presence_penalty',
  'frequency_penalty',
  'seed',
);

@Injectable()
export class GeminiAdapter extends ProviderAdapter {
  readonly names = ['gemini'] as const;
  readonly capabilities: ReadonlySet<ProviderCapability> = new Set<ProviderCapability>([
    'chat',
    'streaming',
    'embedding',
    'tools',
    'vision',
  ]);

  constructor(private readonly http: UpstreamHttpClient) {
    super();
  }

  resolveConnection(
    deployment: DeploymentConfig,
    environment: Environment,
  ): ProviderConnection | ConfigProblem[] {
    const params = deployment.litellmParams;
    const apiBase = params.api_base ?? GEMINI_DEFAULT_API_BASE;
    if (!URL.canParse(apiBase) || !HTTP_PROTOCOL.test(new URL(apiBase).protocol)) {
      return [
        { path: 'litellm_params.api_base', message: `must be an http(s) URL, got "${apiBase}"` },
      ];
    }
    const apiKey =
      params.api_key || GEMINI_API_KEY_ENVS.map((name) => environment[name]).find(Boolean);
    // Google refuses every call without a key: a missing one is a config error, found at load.
    if (!apiKey) {
      return [
        {
          path: 'litellm_params.api_key',
          message: 'is required for provider "gemini" (or set GEMINI_API_KEY / GOOGLE_API_KEY)',
        },
      ];
    }
    return { apiBase: apiBase.replace(TRAILING_SLASHES, ''), apiKey };
  }

  async chat(request: ChatCompletionRequest, ctx: ProviderCallContext): Promise<ChatCompletion> {
    request = applyDropParams(request, SUPPORTED_PARAMS, ctx);
    const path = modelPath(ctx.deployment.upstreamModel, 'generateContent');
    const body = await this.postJson<GeminiGenerateContentResponse>(
      path,
      toGeminiRequest(request),
      ctx,
    );
    return toChatCompletion(body, answerMeta(ctx));
  }

  async chatStream(
    request: ChatCompletionRequest,
    ctx: ProviderCallContext,
  ): Promise<AsyncIterable<ChatCompletionChunk>> {
    request = applyDropParams(request, SUPPORTED_PARAMS, ctx);
    const { streamTimeoutMs, upstreamModel } = ctx.deployment;
    const path = `${modelPath(upstreamModel, 'streamGenerateContent')}?alt=sse`;
    const errorCtx = transportContext(ctx, streamTimeoutMs);
    const payload = toGeminiRequest(request);
    const send = (): Promise<UpstreamResponse> =>
      this.send(path, payload, ctx, streamTimeoutMs, true);
    const res = await openUpstreamStream(send, mapGeminiError, errorCtx);
    const includeUsage = request.stream_options?.include_usage === true;
    const mapper = new GeminiStreamMapper(answerMeta(ctx), includeUsage);
    return readGeminiStream(res.body, mapper, errorCtx);
  }

  override async embedding(
    request: EmbeddingRequest,
    ctx: ProviderCallContext,
  ): Promise<EmbeddingResponse> {
    const { upstreamModel } = ctx.deployment;
    const model = upstreamModel.replace(MODELS_PREFIX, '');
    const body = await this.postJson<GeminiBatchEmbedResponse>(
      modelPath(upstreamModel, 'batchEmbedContents'),
      toGeminiEmbedRequest(request, model),
      ctx,
    );
    return toEmbeddingResponse(body, request, model);
  }

  private postJson<T>(path: string, payload: object, ctx: ProviderCallContext): Promise<T> {
    const { timeoutMs, id } = ctx.deployment;
    return exchangeUpstream(
      () => this.send(path, payload, ctx, timeoutMs),
      mapGeminiError,
      transportContext(ctx, timeoutMs),
      (text) => parseJsonObjectBody<T>(text, id),
    );
  }

  private send(
    path: string,
    payload: object,
    ctx: ProviderCallContext,
    timeoutMs: number,
    stream = false,
  ): Promise<UpstreamResponse> {
    const { connection } = ctx.deployment;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (connection.apiKey) headers['x-goog-api-key'] = connection.apiKey;
    if (stream) headers.accept = 'text/event-stream';
    return this.http.request(
      upstreamPost(ctx, timeoutMs, {
        url: connection.apiBase + path,
        headers: withExtraHeaders(headers, ctx.deployment.extraHeaders),
        body: JSON.stringify(payload),
      }),
    );
  }
}
