import { Injectable } from '@nestjs/common';
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
} from '../contract/provider-adapter';
import { mockChatChunks, mockChatCompletion, planMockChat } from './mock-chat.mapper';
import { mockCompletion, mockCompletionChunks, planMockCompletion } from './mock-completion.mapper';
import { mockEmbeddings } from './mock-embedding.mapper';
import { mockDelay } from './mock-text';

const MOCK_CONNECTION: ProviderConnection = { apiBase: 'mock://local' };

/** Paces pre-built chunks: `mock_delay_ms` between them, stopping on a client abort. */
async function* paced<T>(chunks: Iterable<T>, ctx: ProviderCallContext): AsyncGenerator<T> {
  let first = true;
  for (const chunk of chunks) {
    if (!first) await mockDelay(ctx);
    first = false;
    yield chunk;
  }
}

/**
 * The offline provider: the default config's demo model and LiteLLM's `mock_response`. No network;
 * the same request always gets the same answer (only `created` changes).
 */
@Injectable()
export class MockAdapter extends ProviderAdapter {
  readonly names = ['mock'] as const;
  // Everything but `responses`: the mock answers the Responses API through the chat translation.
  readonly capabilities: ReadonlySet<ProviderCapability> = new Set(
    PROVIDER_CAPABILITIES.filter((capability) => capability !== 'responses'),
  );

  resolveConnection(
    _deployment: DeploymentConfig,
    _environment: Readonly<Record<string, string | undefined>>,
  ): ProviderConnection | ConfigProblem[] {
    return MOCK_CONNECTION;
  }

  async chat(request: ChatCompletionRequest, ctx: ProviderCallContext): Promise<ChatCompletion> {
    const plan = planMockChat(request, ctx);
    await mockDelay(ctx);
    return mockChatCompletion(plan);
  }

  async chatStream(
    request: ChatCompletionRequest,
    ctx: ProviderCallContext,
  ): Promise<AsyncIterable<ChatCompletionChunk>> {
    const plan = planMockChat(request, ctx);
    await mockDelay(ctx);
    return paced(mockChatChunks(plan, request.stream_options?.include_usage === true), ctx);
  }

  override async completion(
    request: CompletionRequest,
    ctx: ProviderCallContext,
  ): Promise<Completion> {
    const plan = planMockCompletion(request, ctx);
    await mockDelay(ctx);
    return mockCompletion(plan);
  }

  override async completionStream(
    request: CompletionRequest,
    ctx: ProviderCallContext,
  ): Promise<AsyncIterable<Completion>> {
    const plan = planMockCompletion(request, ctx);
    await mockDelay(ctx);
    return paced(mockCompletionChunks(plan, request.stream_options?.include_usage === true), ctx);
  }

  override async embedding(
    request: EmbeddingRequest,
    ctx: ProviderCallContext,
  ): Promise<EmbeddingResponse> {
    const response = mockEmbeddings(request, ctx.deployment.upstreamModel);
    await mockDelay(ctx);
    return response;
  }
}
