import { Test } from '@nestjs/testing';
import type { ProviderAdapter } from './contract/provider-adapter';
import { UpstreamHttpClient } from './http/upstream-http.client';
import { MockAdapter } from './mock/mock.adapter';
import { OpenAiAdapter } from './openai/openai.adapter';
import { ProviderRegistry } from './provider.registry';
import { PROVIDER_ADAPTERS, ProvidersModule } from './providers.module';

describe(ProvidersModule.name, () => {
  it('wires every adapter with the shared HTTP client into the registry', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ProvidersModule] }).compile();
    const registry = moduleRef.get(ProviderRegistry);
    expect(registry.get('openai')).toBe(moduleRef.get(OpenAiAdapter));
    expect(registry.get('mock')).toBeInstanceOf(MockAdapter);
    const adapters = moduleRef.get<readonly ProviderAdapter[]>(PROVIDER_ADAPTERS);
    expect(adapters.flatMap((adapter) => adapter.names)).toEqual(
      expect.arrayContaining([
        'openai',
        'hosted_vllm',
        'lm_studio',
        'openai_like',
        'azure',
        'mock',
      ]),
    );
    expect(registry.names()).toHaveLength(adapters.flatMap((adapter) => adapter.names).length);
    const http = moduleRef.get(UpstreamHttpClient);
    const openAi: unknown = moduleRef.get(OpenAiAdapter);
    expect((openAi as { http: unknown }).http).toBe(http);
    await moduleRef.close();
  });
});
