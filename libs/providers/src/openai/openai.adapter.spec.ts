import type { ChatCompletionRequest } from '../contract/openai-wire.types';
import { ProviderErrorCode, ProviderException } from '../contract/provider.exception';
import { callContext, deploymentConfig } from '../__fixtures__/deployments';
import { UpstreamHttpClient } from '../http/upstream-http.client';
import { fixture, UpstreamStub } from '../openai-compatible/__fixtures__/upstream-stub';
import { MockAdapter } from '../mock/mock.adapter';
import { ProviderRegistry } from '../provider.registry';
import { OpenAiAdapter, OpenAiLikeAdapter } from './openai.adapter';

const CHAT_REQUEST: ChatCompletionRequest = {
  model: 'my-group',
  messages: [{ role: 'user', content: 'What is in this image?' }],
  n: 2,
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
  tool_choice: 'auto',
  response_format: { type: 'json_object' },
  temperature: 0.2,
  user: 'end-user-1',
};

async function rejection(promise: Promise<unknown>): Promise<ProviderException> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ProviderException))
    throw new Error(`Expected a ProviderException, got ${String(err)}`);
  return err;
}

describe(OpenAiAdapter.name, () => {
  let stub: UpstreamStub;
  let http: UpstreamHttpClient;
  let registry: ProviderRegistry;

  beforeEach(async () => {
    stub = await UpstreamStub.start();
    http = new UpstreamHttpClient();
    registry = new ProviderRegistry([
      new OpenAiAdapter(http),
      new OpenAiLikeAdapter(http),
      new MockAdapter(),
    ]);
  });

  afterEach(async () => {
    await http.onApplicationShutdown();
    await stub.close();
  });

  function openAi(params: Parameters<typeof deploymentConfig>[1] = {}, signal?: AbortSignal) {
    const config = deploymentConfig('openai/gpt-4o-2024-08-06', {
      api_base: `${stub.origin}/v1/`,
      api_key: 'sk-test-key',
      organization: 'org-123',
      ...params,
    });
    return callContext(registry.resolve(config, {}, { timeoutMs: 5_000 }), signal);
  }

  it('sends the exact request and returns the upstream JSON', async () => {
    stub.replyJson(200, fixture('chat-completion.json'));
    const ctx = openAi();
    const request = structuredClone(CHAT_REQUEST);

    const answer = await ctx.deployment.adapter.chat(request, ctx);

    expect(answer).toEqual(JSON.parse(fixture('chat-completion.json')));
    const sent = stub.lastRequest;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.headers).toEqual({
      host: stub.origin.slice('http://'.length),
      connection: 'keep-alive',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(sent.body)),
      authorization: 'Bearer sk-test-key',
      'openai-organization': 'org-123',
    });
    expect(JSON.parse(sent.body)).toEqual({ ...CHAT_REQUEST, model: 'gpt-4o-2024-08-06' });
    expect(request).toEqual(CHAT_REQUEST);
  });

  it('sends no authorization header when the deployment has no key', async () => {
    stub.replyJson(200, fixture('chat-completion.json'));
    const config = deploymentConfig('openai_like/llama-3', { api_base: `${stub.origin}/v1` });
    const ctx = callContext(registry.resolve(config, {}, { timeoutMs: 5_000 }));

    await ctx.deployment.adapter.chat(CHAT_REQUEST, ctx);

    expect(stub.lastRequest.headers.authorization).toBeUndefined();
    expect(stub.lastRequest.headers['openai-organization']).toBeUndefined();
    expect(JSON.parse(stub.lastRequest.body)).toEqual({ ...CHAT_REQUEST, model: 'llama-3' });
  });

  it('posts completions and embeddings to their paths', async () => {
    stub.replyJson(200, '{"object":"list","data":[],"model":"m","usage":{}}');
    const ctx = openAi();
    await ctx.deployment.adapter.embedding(
      { model: 'g', input: ['a'], encoding_format: 'base64' },
      ctx,
    );
    expect(stub.lastRequest.url).toBe('/v1/embeddings');
    expect(JSON.parse(stub.lastRequest.body)).toEqual({
      model: 'gpt-4o-2024-08-06',
      input: ['a'],
      encoding_format: 'base64',
    });
    await ctx.deployment.adapter.completion({ model: 'g', prompt: 'hi', max_tokens: 3 }, ctx);
    expect(stub.lastRequest.url).toBe('/v1/completions');
  });

  it('asks for a whole answer even if the request says stream', async () => {
    stub.replyJson(200, fixture('chat-completion.json'));
    const ctx = openAi();
    const streaming = { ...CHAT_REQUEST, stream: true, stream_options: { include_usage: true } };
    await ctx.deployment.adapter.chat(streaming, ctx);
    expect(JSON.parse(stub.lastRequest.body)).toEqual({
      ...CHAT_REQUEST,
      model: 'gpt-4o-2024-08-06',
    });
  });

  it('reuses one keep-alive connection for sequential calls', async () => {
    stub.replyJson(200, fixture('chat-completion.json'));
    const ctx = openAi();
    await ctx.deployment.adapter.chat(CHAT_REQUEST, ctx);
    // undici frees the socket a tick after the body ends; real requests arrive on later ticks.
    await new Promise((resolve) => setImmediate(resolve));
    await ctx.deployment.adapter.chat(CHAT_REQUEST, ctx);
    expect(stub.requests).toHaveLength(2);
    expect(stub.connections).toBe(1);
    expect(http.poolCount).toBe(1);
  });

  it('keeps an upstream 400 OpenAI error: status, message, type, code, param', async () => {
    stub.replyJson(400, fixture('error-400.json'));
    const ctx = openAi();
    const err = await rejection(ctx.deployment.adapter.chat(CHAT_REQUEST, ctx));
    expect(err).toMatchObject({
      status: 400,
      code: 'string_above_max_length',
      type: 'invalid_request_error',
      param: 'messages[1].content',
    });
    expect(err.message).toMatch(/^Invalid 'messages\[1\]\.content': string too long/);
  });

  it('forwards retry-after on a 429', async () => {
    stub.replyJson(429, fixture('error-429.json'), { 'retry-after': '20' });
    const ctx = openAi();
    const err = await rejection(ctx.deployment.adapter.chat(CHAT_REQUEST, ctx));
    expect(err).toMatchObject({
      status: 429,
      code: 'rate_limit_exceeded',
      type: 'rate_limit_error',
    });
    expect(err.headers).toEqual({ 'retry-after': '20' });
  });

  it('maps a non-JSON 500 to upstream_error with a scrubbed snippet', async () => {
    stub.reply((res) =>
      res
        .writeHead(500, { 'content-type': 'text/html' })
        .end('<h1>Bad gateway</h1>\n key sk-abcdefghijkl'),
    );
    const ctx = openAi();
    const err = await rejection(ctx.deployment.adapter.chat(CHAT_REQUEST, ctx));
    expect(err).toMatchObject({ status: 500, code: ProviderErrorCode.UpstreamHttpError });
    expect(err.message).toBe('Upstream returned HTTP 500: <h1>Bad gateway</h1> key sk-[REDACTED]');
  });

  it('rejects a 200 that is not JSON as an invalid response', async () => {
    stub.replyJson(200, 'not json');
    const ctx = openAi();
    const err = await rejection(ctx.deployment.adapter.chat(CHAT_REQUEST, ctx));
    expect(err).toMatchObject({ status: 502, code: ProviderErrorCode.UpstreamInvalidResponse });
  });

  it('maps a refused connection to 502 upstream_connection_error', async () => {
    const ctx = openAi();
    await stub.close();
    const err = await rejection(ctx.deployment.adapter.chat(CHAT_REQUEST, ctx));
    expect(err).toMatchObject({ status: 502, code: ProviderErrorCode.UpstreamConnection });
    stub = await UpstreamStub.start();
  });

  it('maps no response headers within the timeout to 504', async () => {
    stub.reply(() => undefined);
    const ctx = openAi({ timeout: 0.2 });
    const err = await rejection(ctx.deployment.adapter.chat(CHAT_REQUEST, ctx));
    expect(err).toMatchObject({ status: 504, code: ProviderErrorCode.UpstreamTimeout });
    expect(err.message).toContain('200 ms');
  });

  it('applies the timeout to gaps in the body too', async () => {
    stub.reply((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      setTimeout(() => res.write('{"id":'), 100);
    });
    const ctx = openAi({ timeout: 0.3 });
    const err = await rejection(ctx.deployment.adapter.chat(CHAT_REQUEST, ctx));
    expect(err).toMatchObject({ status: 504, code: ProviderErrorCode.UpstreamTimeout });
  });

  it('maps the client going away to 499 and aborts the upstream request', async () => {
    stub.reply(() => undefined);
    const client = new AbortController();
    const ctx = openAi({}, client.signal);
    const closed = stub.nextSocketClose();
    const pending = ctx.deployment.adapter.chat(CHAT_REQUEST, ctx);
    setTimeout(() => client.abort(), 50);
    const err = await rejection(pending);
    expect(err).toMatchObject({ status: 499, code: ProviderErrorCode.ClientClosed });
    await closed;
  });
});
