import { Module, type Provider } from '@nestjs/common';
import type { ProviderAdapter } from './contract/provider-adapter';
import { UpstreamHttpClient } from './http/upstream-http.client';
import { AzureOpenAiAdapter } from './azure/azure.adapter';
import { AnthropicAdapter } from './anthropic/anthropic.adapter';
import { BedrockAdapter } from './bedrock/bedrock.adapter';
import { GeminiAdapter } from './gemini/gemini.adapter';
import { MockAdapter } from './mock/mock.adapter';
import {
  HostedVllmAdapter,
  LmStudioAdapter,
  OpenAiAdapter,
  OpenAiLikeAdapter,
} from './openai/openai.adapter';
import { ProviderRegistry } from './provider.registry';

/** Multi-provider token: every `ProviderAdapter`, e.g. for health probes. */
export const PROVIDER_ADAPTERS = Symbol('PROVIDER_ADAPTERS');

const ADAPTER_CLASSES = [
  OpenAiAdapter,
  HostedVllmAdapter,
  LmStudioAdapter,
  OpenAiLikeAdapter,
  AzureOpenAiAdapter,
  AnthropicAdapter,
  BedrockAdapter,
  GeminiAdapter,
  MockAdapter,
] as const;

const providers: Provider[] = [
  UpstreamHttpClient,
  ...ADAPTER_CLASSES,
  {
    provide: PROVIDER_ADAPTERS,
    useFactory: (...adapters: ProviderAdapter[]): readonly ProviderAdapter[] => adapters,
    inject: [...ADAPTER_CLASSES],
  },
  {
    provide: ProviderRegistry,
    useFactory: (adapters: readonly ProviderAdapter[]) => new ProviderRegistry(adapters),
    inject: [PROVIDER_ADAPTERS],
  },
];

@Module({
  providers,
  exports: [UpstreamHttpClient, ProviderRegistry, PROVIDER_ADAPTERS],
})
export class ProvidersModule {}
