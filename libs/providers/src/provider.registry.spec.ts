import { callContext, deploymentConfig } from './__fixtures__/deployments';
import { UpstreamHttpClient } from './http/upstream-http.client';
import { MockAdapter } from './mock/mock.adapter';
import {
  HostedVllmAdapter,
  LmStudioAdapter,
  OpenAiAdapter,
  OpenAiLikeAdapter,
} from './openai/openai.adapter';
import { ProviderRegistry } from './provider.registry';

describe(ProviderRegistry.name, () => {
  const http = new UpstreamHttpClient();
  const registry = new ProviderRegistry([
    new OpenAiAdapter(http),
    new HostedVllmAdapter(http),
    new LmStudioAdapter(http),
    new OpenAiLikeAdapter(http),
    new MockAdapter(),
  ]);
  const defaults = { timeoutMs: 600_000 };

  it('lists and finds adapters by every name', () => {
    expect(registry.names()).toEqual([
      'custom_openai',
      'hosted_vllm',
      'lm_studio',
      'mock',
      'openai',
      'openai_like',
      'text-completion-openai',
    ]);
    expect(registry.get('text-completion-openai')).toBeInstanceOf(OpenAiAdapter);
    expect(registry.get('nope')).toBeUndefined();
  });

  it('refuses two adapters with the same name', () => {
    expect(() => new ProviderRegistry([new MockAdapter(), new MockAdapter()])).toThrow(/twice/);
  });

  it('reports an unknown provider with the known ones', () => {
    expect(registry.resolve(deploymentConfig('foo/bar'), {}, defaults)).toEqual([
      {
        path: 'litellm_params.model',
        message:
          'unknown provider "foo" (known: custom_openai, hosted_vllm, lm_studio, mock, openai, openai_like, text-completion-openai)',
      },
    ]);
  });

  it('serves a deployment with mock_response from the mock adapter, whatever its provider', () => {
    const ctx = callContext(
      registry.resolve(deploymentConfig('foo/bar', { mock_response: 'hi' }), {}, defaults),
    );
    expect(ctx.deployment.adapter).toBeInstanceOf(MockAdapter);
    expect(ctx.deployment).toMatchObject({ provider: 'foo', upstreamModel: 'bar' });
  });

  it('derives timeouts from timeout and stream_timeout (seconds) or the defaults', () => {
    const plain = callContext(registry.resolve(deploymentConfig('mock/demo'), {}, defaults));
    expect(plain.deployment).toMatchObject({ timeoutMs: 600_000, streamTimeoutMs: 600_000 });
    const timed = callContext(
      registry.resolve(deploymentConfig('mock/demo', { timeout: 30 }), {}, defaults),
    );
    expect(timed.deployment).toMatchObject({ timeoutMs: 30_000, streamTimeoutMs: 30_000 });
    const both = callContext(
      registry.resolve(
        deploymentConfig('mock/demo', { timeout: 30, stream_timeout: 2.5 }),
        {},
        defaults,
      ),
    );
    expect(both.deployment).toMatchObject({ timeoutMs: 30_000, streamTimeoutMs: 2_500 });
  });

  it('resolves OpenAI connections from params, then the environment, then the default', () => {
    const env = { OPENAI_API_KEY: 'sk-env', OPENAI_BASE_URL: 'https://proxy.example/v1/' };
    const fromEnv = callContext(registry.resolve(deploymentConfig('gpt-4o'), env, defaults));
    expect(fromEnv.deployment.connection).toEqual({
      apiBase: 'https://proxy.example/v1',
      apiKey: 'sk-env',
    });
    const fromParams = callContext(
      registry.resolve(
        deploymentConfig('openai/gpt-4o', {
          api_base: 'http://x:1/v1//',
          api_key: 'sk-p',
          organization: 'o',
        }),
        env,
        defaults,
      ),
    );
    expect(fromParams.deployment.connection).toEqual({
      apiBase: 'http://x:1/v1',
      apiKey: 'sk-p',
      organization: 'o',
    });
    const bare = callContext(registry.resolve(deploymentConfig('gpt-4o'), {}, defaults));
    expect(bare.deployment.connection).toEqual({ apiBase: 'https://api.openai.com/v1' });
  });

  it('requires api_base for hosted_vllm and openai_like, and defaults LM Studio to localhost', () => {
    for (const model of ['hosted_vllm/m', 'openai_like/m', 'custom_openai/m']) {
      expect(registry.resolve(deploymentConfig(model), {}, defaults)).toEqual([
        { path: 'litellm_params.api_base', message: expect.stringContaining('is required') },
      ]);
    }
    const lm = callContext(
      registry.resolve(deploymentConfig('lm_studio/qwen'), { LM_STUDIO_API_KEY: 'k' }, defaults),
    );
    expect(lm.deployment.connection).toEqual({ apiBase: 'http://localhost:1234/v1', apiKey: 'k' });
  });

  it('rejects an api_base that is not an http(s) URL', () => {
    expect(
      registry.resolve(deploymentConfig('hosted_vllm/m', { api_base: 'ftp://x' }), {}, defaults),
    ).toEqual([
      { path: 'litellm_params.api_base', message: 'must be an http(s) URL, got "ftp://x"' },
    ]);
  });

  it('gives the mock adapter an offline connection', () => {
    expect(
      callContext(registry.resolve(deploymentConfig('mock/demo'), {}, defaults)).deployment
        .connection,
    ).toEqual({
      apiBase: 'mock://local',
    });
  });
});
