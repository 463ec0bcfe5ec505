import { Injectable } from '@nestjs/common';
import type { ConfigProblem, DeploymentConfig } from '@routeiq/config';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
} from '../contract/openai-wire.types';
import {
  ProviderAdapter,
  type ProviderCallContext,
  type ProviderCapability,
  type ProviderConnection,
} from '../contract/provider-adapter';
import { ProviderException } from '../contract/provider.exception';
import { applyDropParams, chatParams } from '../contract/supported-params';
import { withExtraHeaders } from '../http/extra-headers';
import {
  exchangeUpstream,
  openUpstreamStream,
  parseJsonBody,
  transportContext,
  upstreamPost,
  type UpstreamResponse,
} from '../http/upstream-exchange';
import { UpstreamHttpClient } from '../http/upstream-http.client';
import { mapAnthropicError } from './anthropic-error.mapper';
import { toAnthropicRequest } from './anthropic-request.mapper';
import { fromAnthropicMessage } from './anthropic-response.mapper';
import { readAnthropicStream } from './anthropic-stream.reader';
import type { AnthropicMessage } from './anthropic-wire.types';

type Environment = Readonly<Record<string, string | undefined>>;

export const ANTHROPIC_DEFAULT_API_BASE = 'https://api.anthropic.com';
export const ANTHROPIC_VERSION = '2023-06-01';
const TRAILING_SLASHES = /\/+$/;
const HTTP_PROTOCOL = /^https?:$/;

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Claude through Anthropic's Messages API (`POST {api_base}/v1/messages`). Requests and answers are
 * translated to and from OpenAI chat; text completions and embeddings do not exist there.
 */
/** The OpenAI chat fields this provider maps (others: 400, or dropped with `drop_params`). Anthropic has no counterpart for penalties, seed, logprobs or response_format. */
const SUPPORTED_PARAMS = chatParams('user', 'parallel_tool_calls', 'top_k');

@Injectable()
export class AnthropicAdapter extends ProviderAdapter {
  readonly names = ['anthropic'] as const;
  readonly capabilities: ReadonlySet<ProviderCapability> = new Set<ProviderCapability>([
    'chat',
    'streaming',
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
    const problems: ConfigProblem[] = [];
    const apiBase = params.api_base || environment.ANTHROPIC_API_BASE || ANTHROPIC_DEFAULT_API_BASE;
    if (!URL.canParse(apiBase) || !HTTP_PROTOCOL.test(new URL(apiBase).protocol)) {
      problems.push({
        path: 'litellm_params.api_base',
        message: `must be an http(s) URL, got "${apiBase}"`,
      });
    }
    const apiKey = params.api_key || environment.ANTHROPIC_API_KEY;
    if (!apiKey) {
      problems.push({
        path: 'litellm_params.api_key',
        message: 'is required for provider "anthropic" (or set ANTHROPIC_API_KEY)',
      });
    }
    if (problems.length > 0 || !apiKey) return problems;
    return { apiBase: apiBase.replace(TRAILING_SLASHES, ''), apiKey };
  }

  async chat(request: ChatCompletionRequest, ctx: ProviderCallContext): Promise<ChatCompletion> {
    request = applyDropParams(request, SUPPORTED_PARAMS, ctx);
    const body = toAnthropicRequest(request, ctx.deployment.upstreamModel, false);
    const { timeoutMs, id } = ctx.deployment;
    return exchangeUpstream(
      () => this.send(body, ctx, timeoutMs),
      mapAnthropicError,
      transportContext(ctx, timeoutMs),
      (text) => fromAnthropicMessage(parseMessage(text, id), nowSeconds()),
    );
  }

  async chatStream(
    request: ChatCompletionRequest,
    ctx: ProviderCallContext,
  ): Promise<AsyncIterable<ChatCompletionChunk>> {
    request = applyDropParams(request, SUPPORTED_PARAMS, ctx);
    const body = toAnthropicRequest(request, ctx.deployment.upstreamModel, true);
    const { streamTimeoutMs, id } = ctx.deployment;
    const errorCtx = transportContext(ctx, streamTimeoutMs);
    const send = (): Promise<UpstreamResponse> => this.send(body, ctx, streamTimeoutMs);
    const res = await openUpstreamStream(send, mapAnthropicError, errorCtx);
    const includeUsage = request.stream_options?.include_usage === true;
    return readAnthropicStream(
      res.body,
      { includeUsage, createdSeconds: nowSeconds(), label: id },
      errorCtx,
    );
  }

  private send(
    body: object,
    ctx: ProviderCallContext,
    timeoutMs: number,
  ): Promise<UpstreamResponse> {
    const { connection } = ctx.deployment;
    const headers = {
      'x-api-key': connection.apiKey ?? '',
      'anthropic-version': ANTHROPIC_VERSION,
      'content-type': 'application/json',
    };
    return this.http.request(
      upstreamPost(ctx, timeoutMs, {
        url: `${connection.apiBase}/v1/messages`,
        // Configured by the operator (e.g. `anthropic-beta`), so they may override the defaults.
        headers: withExtraHeaders(headers, ctx.deployment.extraHeaders),
        body: JSON.stringify(body),
      }),
    );
  }
}

function parseMessage(text: string, deploymentId: string): AnthropicMessage {
  const message = parseJsonBody(text, deploymentId) as Partial<AnthropicMessage> | null;
  if (
    typeof message !== 'object' ||
    message === null ||
    !Array.isArray(message.content) ||
    typeof message.id !== 'string'
  ) {
    throw ProviderException.invalidResponse(deploymentId, 'the body is not an Anthropic message');
  }
  return message as AnthropicMessage;
}
