import { applyDropParams, chatParams } from '../contract/supported-params';
import { Injectable } from '@nestjs/common';
import type { ConfigProblem, DeploymentConfig } from '@routeiq/config';
import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
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
import {
  exchangeUpstream,
  openUpstreamStream,
  parseJsonObjectBody,
  transportContext,
  upstreamPost,
  type UpstreamResponse,
} from '../http/upstream-exchange';
import { UpstreamHttpClient } from '../http/upstream-http.client';
import {
  isBedrockConnection,
  resolveBedrockConnection,
  type BedrockConnection,
} from './bedrock-connection';
import { mapBedrockHttpError } from './bedrock-error.mapper';
import { toConverseRequest } from './bedrock-request.mapper';
import { signBedrockRequest } from './bedrock-request.signer';
import { toChatCompletion, type CompletionIdentity } from './bedrock-response.mapper';
import { BedrockStreamMapper } from './bedrock-stream.mapper';
import { readBedrockStream } from './bedrock-stream.reader';
import type { ConverseResponse } from './bedrock.types';

type Operation = 'converse' | 'converse-stream';

export const BEDROCK_CAPABILITIES: ReadonlySet<ProviderCapability> = new Set<ProviderCapability>([
  'chat',
  'streaming',
  'tools',
  'vision',
]);

const EVENT_STREAM = 'application/vnd.amazon.eventstream';

/** `POST /model/{modelId}/converse[-stream]`; ids such as `…-v1:0` or ARNs must be escaped. */
export function bedrockPath(modelId: string, operation: Operation): string {
  return `/model/${encodeURIComponent(modelId)}/${operation}`;
}

/**
 * AWS Bedrock Runtime through the Converse API (`bedrock/<model id or inference profile>`), signed
 * with SigV4. Chat and streaming chat; completions and embeddings are not supported yet.
 */
/** The OpenAI chat fields this provider maps (others: 400, or dropped with `drop_params`). `user` and `parallel_tool_calls` are accepted and not sent (Converse has no such fields). */
const SUPPORTED_PARAMS = chatParams('user', 'parallel_tool_calls');

@Injectable()
export class BedrockAdapter extends ProviderAdapter {
  readonly names = ['bedrock'] as const;
  readonly capabilities = BEDROCK_CAPABILITIES;

  constructor(private readonly http: UpstreamHttpClient) {
    super();
  }

  resolveConnection(
    deployment: DeploymentConfig,
    environment: Readonly<Record<string, string | undefined>>,
  ): ProviderConnection | ConfigProblem[] {
    return resolveBedrockConnection(deployment, environment);
  }

  async chat(request: ChatCompletionRequest, ctx: ProviderCallContext): Promise<ChatCompletion> {
    request = applyDropParams(request, SUPPORTED_PARAMS, ctx);
    const { timeoutMs, id } = ctx.deployment;
    const body = toConverseRequest(request);
    return exchangeUpstream(
      () => this.send('converse', body, 'application/json', ctx, timeoutMs),
      mapBedrockHttpError,
      transportContext(ctx, timeoutMs),
      (text, res) =>
        toChatCompletion(
          parseJsonObjectBody<ConverseResponse>(text, id),
          identity(res.headers, ctx),
        ),
    );
  }

  async chatStream(
    request: ChatCompletionRequest,
    ctx: ProviderCallContext,
  ): Promise<AsyncIterable<ChatCompletionChunk>> {
    request = applyDropParams(request, SUPPORTED_PARAMS, ctx);
    const { streamTimeoutMs } = ctx.deployment;
    const body = toConverseRequest(request);
    const errorCtx = transportContext(ctx, streamTimeoutMs);
    const send = (): Promise<UpstreamResponse> =>
      this.send('converse-stream', body, EVENT_STREAM, ctx, streamTimeoutMs);
    const res = await openUpstreamStream(send, mapBedrockHttpError, errorCtx);
    const includeUsage = request.stream_options?.include_usage === true;
    const mapper = new BedrockStreamMapper(identity(res.headers, ctx), includeUsage);
    return readBedrockStream(res.body, mapper, errorCtx);
  }

  private async send(
    operation: Operation,
    payload: object,
    accept: string,
    ctx: ProviderCallContext,
    timeoutMs: number,
  ): Promise<UpstreamResponse> {
    const signed = await signBedrockRequest(
      bedrockConnection(ctx),
      bedrockPath(ctx.deployment.upstreamModel, operation),
      JSON.stringify(payload),
      accept,
      undefined,
      ctx.deployment.extraHeaders,
    );
    return this.http.request(upstreamPost(ctx, timeoutMs, signed));
  }
}

function bedrockConnection(ctx: ProviderCallContext): BedrockConnection {
  const { connection, id } = ctx.deployment;
  if (!isBedrockConnection(connection)) {
    // Only possible if a deployment was resolved by another adapter: a wiring bug, not user input.
    throw new Error(`Deployment ${id} has no Bedrock connection (region and credentials)`);
  }
  return connection;
}

function identity(
  headers: Dispatcher.ResponseData['headers'],
  ctx: ProviderCallContext,
): CompletionIdentity {
  const requestId = headers['x-amzn-requestid'];
  return {
    id: `chatcmpl-${typeof requestId === 'string' ? requestId : randomUUID()}`,
    created: Math.floor(Date.now() / 1000),
    model: ctx.deployment.upstreamModel,
  };
}
