import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../contract/openai-wire.types';
import { ProviderErrorKind } from '../contract/provider-error-kind';
import { ProviderException } from '../contract/provider.exception';
import { callContext, deploymentConfig } from '../__fixtures__/deployments';
import { UpstreamHttpClient } from '../http/upstream-http.client';
import { UpstreamStub } from '../openai-compatible/__fixtures__/upstream-stub';
import { ProviderRegistry } from '../provider.registry';
import { AZURE_DEFAULT_API_VERSION, AzureOpenAiAdapter } from './azure.adapter';

type Params = Parameters<typeof deploymentConfig>[1];
type Environment = Record<string, string | undefined>;

const CHAT_REQUEST: ChatCompletionRequest = {
  model: 'my-group',
  messages: [{ role: 'user', content: 'Weather in Paris?' }],
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
  tool_choice: 'auto',
  temperature: 0.2,
};

function fixture(name: string): string {
  return readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
}

function sseData(wire: string): unknown[] {
  return wire
    .split('\n\n')
    .filter((block) => block.startsWith('data: ') && block !== 'data: [DONE]')
    .map((block): unknown => JSON.parse(block.slice('data: '.length)));
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

async function rejection(promise: Promise<unknown>): Promise<ProviderException> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ProviderException))
    throw new Error(`Expected a ProviderException, got ${String(err)}`);
  return err;
}

describe(AzureOpenAiAdapter.name, () => {
  let stub: UpstreamStub;
  let http: UpstreamHttpClient;
  let registry: ProviderRegistry;

  beforeEach(async () => {
    stub = await UpstreamStub.start();
    http = new UpstreamHttpClient();
    registry = new ProviderRegistry([new AzureOpenAiAdapter(http)]);
  });

  afterEach(async () => {
    await http.onApplicationShutdown();
    await stub.close();
  });

  function azure(params: Params = {}, environment: Environment = {}) {
    const config = deploymentConfig('azure/gpt-4o-prod', {
      api_base: `${stub.origin}/`,
      api_key: 'azure-key-123',
      api_version: '2024-06-01',
      ...params,
    });
    return callContext(registry.resolve(config, environment, { timeoutMs: 5_000 }));
  }

  describe('resolveConnection', () => {
    const adapter = new AzureOpenAiAdapter(new UpstreamHttpClient());

    it('requires api_base unless AZURE_API_BASE is set', () => {
      const config = deploymentConfig('azure/gpt-4o-prod', { api_key: 'k' });
      expect(adapter.resolveConnection(config, {})).toEqual([
        { path: 'litellm_params.api_base', message: 'is required for provider "azure"' },
      ]);
      expect(
        adapter.resolveConnection(config, { AZURE_API_BASE: 'https://res.openai.azure.com/' }),
      ).toEqual({
        apiBase: 'https://res.openai.azure.com',
        apiKey: 'k',
        apiVersion: AZURE_DEFAULT_API_VERSION,
      });
    });

    it('takes api_version from the params, then AZURE_API_VERSION, then the default', () => {
      const base = { api_base: 'https://res.openai.azure.com' };
      const env = { AZURE_API_VERSION: '2025-01-01-preview' };
      const version = (params: Params, environment: Environment) =>
        (
          adapter.resolveConnection(deploymentConfig('azure/d', params), environment) as {
            apiVersion: string;
          }
        ).apiVersion;
      expect(version({ ...base, api_version: '2024-06-01' }, env)).toBe('2024-06-01');
      expect(version(base, env)).toBe('2025-01-01-preview');
      expect(version(base, {})).toBe('2024-10-21');
    });

    it('prefers the deployment credential over the environment, and a key over an AD token', () => {
      const base = { api_base: 'https://res.openai.azure.com' };
      const env = { AZURE_API_KEY: 'env-key', AZURE_AD_TOKEN: 'env-token' };
      const credential = (params: Params, environment: Environment) => {
        const { apiKey, azureAdToken } = adapter.resolveConnection(
          deploymentConfig('azure/d', { ...base, ...params }),
          environment,
        ) as { apiKey?: string; azureAdToken?: string };
        return { apiKey, azureAdToken };
      };
      const adParam = { extra: { azure_ad_token: 'param-token' } };
      expect(credential({ api_key: 'param-key', ...adParam }, env)).toEqual({
        apiKey: 'param-key',
        azureAdToken: undefined,
      });
      expect(credential(adParam, env)).toEqual({
        apiKey: undefined,
        azureAdToken: 'param-token',
      });
      expect(credential({}, env)).toEqual({ apiKey: 'env-key', azureAdToken: undefined });
      expect(credential({}, { AZURE_AD_TOKEN: 'env-token' })).toEqual({
        apiKey: undefined,
        azureAdToken: 'env-token',
      });
      expect(credential({}, {})).toEqual({ apiKey: undefined, azureAdToken: undefined });
    });
  });

  it('posts to the deployment path with api-version and the api-key header', async () => {
    stub.replyJson(200, fixture('chat-completion.json'));
    const ctx = azure({ organization: 'org-ignored' });

    const answer = await ctx.deployment.adapter.chat(structuredClone(CHAT_REQUEST), ctx);

    expect(answer).toEqual(JSON.parse(fixture('chat-completion.json')));
    const sent = stub.lastRequest;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe(
      '/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-06-01',
    );
    expect(sent.headers).toEqual({
      host: stub.origin.slice('http://'.length),
      connection: 'keep-alive',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(sent.body)),
      'api-key': 'azure-key-123',
    });
    expect(JSON.parse(sent.body)).toEqual({ ...CHAT_REQUEST, model: 'gpt-4o-prod' });
  });

  it('passes the Responses API through to the v1 surface, deployment as the model', async () => {
    expect(azure().deployment.adapter.capabilities.has('responses')).toBe(true);
    const upstream = { id: 'resp_azure_1', object: 'response', status: 'completed', output: [] };
    stub.replyJson(200, JSON.stringify(upstream));
    const ctx = azure();

    const answer = await ctx.deployment.adapter.responses({ model: 'my-group', input: 'Hi' }, ctx);

    expect(answer).toEqual(upstream);
    const sent = stub.lastRequest;
    expect(sent.url).toBe('/openai/v1/responses');
    expect(sent.headers['api-key']).toBe('azure-key-123');
    expect(JSON.parse(sent.body)).toMatchObject({ model: 'gpt-4o-prod', input: 'Hi' });
  });

  it('sends an Azure AD token as a bearer token and no api-key', async () => {
    stub.replyJson(200, fixture('chat-completion.json'));
    const ctx = azure({ api_key: undefined, extra: { azure_ad_token: 'eyJ0eXAi.token' } });

    await ctx.deployment.adapter.chat(CHAT_REQUEST, ctx);

    expect(stub.lastRequest.headers.authorization).toBe('Bearer eyJ0eXAi.token');
    expect(stub.lastRequest.headers['api-key']).toBeUndefined();
  });

  it('posts completions and embeddings under the deployment', async () => {
    stub.replyJson(200, '{"object":"list","data":[],"model":"m","usage":{}}');
    const ctx = azure({ api_version: undefined }, { AZURE_API_VERSION: '2024-02-01' });
    await ctx.deployment.adapter.embedding({ model: 'g', input: ['a'] }, ctx);
    expect(stub.lastRequest.url).toBe(
      '/openai/deployments/gpt-4o-prod/embeddings?api-version=2024-02-01',
    );
    expect(JSON.parse(stub.lastRequest.body)).toEqual({ model: 'gpt-4o-prod', input: ['a'] });
    await ctx.deployment.adapter.completion({ model: 'g', prompt: 'hi', max_tokens: 3 }, ctx);
    expect(stub.lastRequest.url).toBe(
      '/openai/deployments/gpt-4o-prod/completions?api-version=2024-02-01',
    );
  });

  it('passes a content_filter finish reason through', async () => {
    stub.replyJson(200, fixture('chat-completion-filtered.json'));
    const ctx = azure();
    const answer = await ctx.deployment.adapter.chat(CHAT_REQUEST, ctx);
    expect(answer.choices[0]?.finish_reason).toBe('content_filter');
    expect(answer).toEqual(JSON.parse(fixture('chat-completion-filtered.json')));
  });

  it('streams Azure chunks (prompt filter results, tool calls, usage) as they came', async () => {
    const wire = fixture('chat-stream-tool-calls.sse');
    stub.replySse(wire);
    const ctx = azure();
    const request = { ...CHAT_REQUEST, stream: true, stream_options: { include_usage: true } };

    const chunks = await collect(await ctx.deployment.adapter.chatStream(request, ctx));

    expect(chunks).toEqual(sseData(wire));
    const sent = stub.lastRequest;
    expect(sent.url).toBe(
      '/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-06-01',
    );
    expect(sent.headers).toMatchObject({ accept: 'text/event-stream', 'api-key': 'azure-key-123' });
    expect(JSON.parse(sent.body)).toEqual({ ...request, model: 'gpt-4o-prod' });
    type ToolCallDelta = { function?: { arguments?: string } };
    const calls = chunks.flatMap((c) => (c.choices[0]?.delta.tool_calls ?? []) as ToolCallDelta[]);
    expect(calls[0]).toEqual({
      index: 0,
      id: 'call_Nl0dZ7Kq1wz2yGm3Jt7fXo5B',
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    expect(calls.map((call) => call.function?.arguments).join('')).toBe('{"city":"Paris"}');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)?.usage).toEqual({
      completion_tokens: 15,
      prompt_tokens: 61,
      total_tokens: 76,
    });
  });

  it('ends a stream cut by the output filter with finish_reason content_filter', async () => {
    stub.replySse(fixture('chat-stream-filtered.sse'));
    const ctx = azure();
    const chunks = await collect(
      await ctx.deployment.adapter.chatStream({ ...CHAT_REQUEST, stream: true }, ctx),
    );
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('content_filter');
  });

  it('maps a content-filter 400 to content_policy, keeping status, code and param', async () => {
    stub.replyJson(400, fixture('error-content-filter.json'));
    const ctx = azure();
    const err = await rejection(ctx.deployment.adapter.chat(CHAT_REQUEST, ctx));
    expect(err).toMatchObject({
      status: 400,
      code: 'content_filter',
      param: 'prompt',
      type: 'invalid_request_error',
      kind: ProviderErrorKind.ContentPolicy,
    });
    expect(err.message).toMatch(/^The response was filtered due to the prompt triggering/);
  });

  it('maps an innererror ResponsibleAIPolicyViolation to content_policy whatever the code', async () => {
    stub.replyJson(400, fixture('error-policy-innererror.json'));
    const ctx = azure();
    const err = await rejection(
      ctx.deployment.adapter.chatStream({ ...CHAT_REQUEST, stream: true }, ctx),
    );
    expect(err).toMatchObject({
      status: 400,
      code: 'invalid_prompt',
      kind: ProviderErrorKind.ContentPolicy,
    });
  });

  it('maps Azure 429 and DeploymentNotFound 404 by status, keeping retry-after', async () => {
    stub.replyJson(429, fixture('error-429.json'), { 'retry-after': '6' });
    const ctx = azure();
    const limited = await rejection(ctx.deployment.adapter.chat(CHAT_REQUEST, ctx));
    expect(limited).toMatchObject({
      status: 429,
      code: '429',
      kind: ProviderErrorKind.RateLimited,
      headers: { 'retry-after': '6' },
    });

    stub.replyJson(404, fixture('error-404-deployment.json'));
    const missing = await rejection(ctx.deployment.adapter.chat(CHAT_REQUEST, ctx));
    expect(missing).toMatchObject({
      status: 404,
      code: 'DeploymentNotFound',
      kind: ProviderErrorKind.NotFound,
    });
  });

  it('leaves an ordinary 400 a bad request', async () => {
    stub.replyJson(
      400,
      '{"error":{"code":"BadRequest","message":"Unrecognized request argument"}}',
    );
    const ctx = azure();
    const err = await rejection(ctx.deployment.adapter.chat(CHAT_REQUEST, ctx));
    expect(err).toMatchObject({ status: 400, kind: ProviderErrorKind.BadRequest });
  });
});
