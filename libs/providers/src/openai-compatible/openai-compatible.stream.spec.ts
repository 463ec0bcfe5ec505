import type { ChatCompletionChunk, ChatCompletionRequest } from '../contract/openai-wire.types';
import { ProviderErrorCode, ProviderException } from '../contract/provider.exception';
import { callContext, deploymentConfig } from '../__fixtures__/deployments';
import { UpstreamHttpClient } from '../http/upstream-http.client';
import { HostedVllmAdapter } from '../openai/openai.adapter';
import { ProviderRegistry } from '../provider.registry';
import { fixture, UpstreamStub } from './__fixtures__/upstream-stub';
import { OpenAiCompatibleAdapter } from './openai-compatible.adapter';

const STREAM_REQUEST: ChatCompletionRequest = {
  model: 'weather',
  messages: [{ role: 'user', content: 'Weather in Paris?' }],
  stream: true,
  stream_options: { include_usage: true },
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
  tool_choice: 'auto',
  n: 1,
};

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

async function failure(promise: Promise<unknown>): Promise<ProviderException> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ProviderException))
    throw new Error(`Expected a ProviderException, got ${String(err)}`);
  return err;
}

describe(`${OpenAiCompatibleAdapter.name} streaming`, () => {
  let stub: UpstreamStub;
  let http: UpstreamHttpClient;

  beforeEach(async () => {
    stub = await UpstreamStub.start();
    http = new UpstreamHttpClient();
  });

  afterEach(async () => {
    await http.onApplicationShutdown();
    await stub.close();
  });

  function vllm(streamTimeout = 5, signal?: AbortSignal) {
    const registry = new ProviderRegistry([new HostedVllmAdapter(http)]);
    const config = deploymentConfig('hosted_vllm/meta-llama/Llama-3.1-8B', {
      api_base: `${stub.origin}/v1`,
      stream_timeout: streamTimeout,
    });
    return callContext(
      registry.resolve(config, { HOSTED_VLLM_API_KEY: 'vllm-key' }, { timeoutMs: 9_000 }),
      signal,
    );
  }

  it('sends the exact streaming request and yields the chunks in order', async () => {
    const wire = fixture('chat-stream-tool-calls.sse');
    stub.replySse(wire);
    const ctx = vllm();

    const chunks = await collect(await ctx.deployment.adapter.chatStream(STREAM_REQUEST, ctx));

    expect(chunks).toEqual(sseData(wire));
    expect(chunks.at(-1)?.usage).toMatchObject({ total_tokens: 85 });
    const args = chunks.map((c) => c.choices[0]?.delta.tool_calls?.[0]).filter(Boolean);
    expect(
      args.map((call) => (call as { function: { arguments: string } }).function.arguments).join(''),
    ).toBe('{"location":"Paris, France"}');
    const sent = stub.lastRequest;
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.headers).toMatchObject({
      accept: 'text/event-stream',
      authorization: 'Bearer vllm-key',
      'content-type': 'application/json',
    });
    expect(JSON.parse(sent.body)).toEqual({ ...STREAM_REQUEST, model: 'meta-llama/Llama-3.1-8B' });
  });

  it('throws upstream_stream_error with the upstream message on a data: {"error"} chunk', async () => {
    stub.replySse(fixture('chat-stream-error.sse'));
    const ctx = vllm();
    const stream = await ctx.deployment.adapter.chatStream(STREAM_REQUEST, ctx);
    const err = await failure(collect(stream));
    expect(err).toMatchObject({ status: 502, code: ProviderErrorCode.UpstreamStreamError });
    expect(err.message).toBe(
      'The server had an error while processing your request. Sorry about that!',
    );
  });

  it('takes the status from an in-stream error when it has one', async () => {
    stub.replySse('data: {"error":{"object":"error","message":"too long","code":400}}\n\n');
    const ctx = vllm();
    const err = await failure(
      collect(await ctx.deployment.adapter.chatStream(STREAM_REQUEST, ctx)),
    );
    expect(err).toMatchObject({
      status: 400,
      code: ProviderErrorCode.UpstreamStreamError,
      message: 'too long',
    });
  });

  it('throws upstream_stream_error when the body ends without [DONE]', async () => {
    const wire = fixture('chat-stream-tool-calls.sse').replace('data: [DONE]\n\n', '');
    stub.replySse(wire);
    const ctx = vllm();
    const seen: ChatCompletionChunk[] = [];
    const stream = await ctx.deployment.adapter.chatStream(STREAM_REQUEST, ctx);
    const err = await failure(
      (async () => {
        for await (const chunk of stream) seen.push(chunk);
      })(),
    );
    expect(seen).toHaveLength(sseData(wire).length);
    expect(err).toMatchObject({ status: 502, code: ProviderErrorCode.UpstreamStreamError });
  });

  it('throws upstream_stream_error when the socket dies mid-stream', async () => {
    stub.reply((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"id":"1","choices":[]}\n\n', () => res.socket?.destroy());
    });
    const ctx = vllm();
    const err = await failure(
      collect(await ctx.deployment.adapter.chatStream(STREAM_REQUEST, ctx)),
    );
    expect(err).toMatchObject({ status: 502, code: ProviderErrorCode.UpstreamStreamError });
  });

  it('maps a gap longer than stream_timeout to 504', async () => {
    stub.reply((res) =>
      res.writeHead(200, { 'content-type': 'text/event-stream' }).write(': open\n\n'),
    );
    const ctx = vllm(0.2);
    const err = await failure(
      collect(await ctx.deployment.adapter.chatStream(STREAM_REQUEST, ctx)),
    );
    expect(err).toMatchObject({ status: 504, code: ProviderErrorCode.UpstreamTimeout });
  });

  it('maps missing response headers within stream_timeout to 504 before the stream starts', async () => {
    stub.reply(() => undefined);
    const ctx = vllm(0.2);
    const err = await failure(ctx.deployment.adapter.chatStream(STREAM_REQUEST, ctx));
    expect(err).toMatchObject({ status: 504, code: ProviderErrorCode.UpstreamTimeout });
  });

  it('rejects before the stream starts when the upstream answers an error status', async () => {
    stub.replyJson(429, fixture('error-429.json'), { 'retry-after': '7' });
    const ctx = vllm();
    const err = await failure(ctx.deployment.adapter.chatStream(STREAM_REQUEST, ctx));
    expect(err).toMatchObject({
      status: 429,
      code: 'rate_limit_exceeded',
      headers: { 'retry-after': '7' },
    });
  });

  it('closes the upstream connection when the consumer stops early', async () => {
    stub.reply((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"id":"1","choices":[]}\n\n');
    });
    const ctx = vllm();
    const closed = stub.nextSocketClose();
    const stream = await ctx.deployment.adapter.chatStream(STREAM_REQUEST, ctx);
    for await (const chunk of stream) {
      expect(chunk.id).toBe('1');
      break;
    }
    await closed;
  });

  it('maps the client going away mid-stream to 499 and closes the upstream connection', async () => {
    stub.reply((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"id":"1","choices":[]}\n\n');
    });
    const client = new AbortController();
    const ctx = vllm(5, client.signal);
    const closed = stub.nextSocketClose();
    const stream = await ctx.deployment.adapter.chatStream(STREAM_REQUEST, ctx);
    const run = (async () => {
      for await (const _chunk of stream) client.abort();
    })();
    await expect(run).rejects.toMatchObject({ status: 499, code: ProviderErrorCode.ClientClosed });
    await closed;
  });

  it('closes the upstream connection when the stream is dropped before iterating', async () => {
    stub.reply((res) =>
      res.writeHead(200, { 'content-type': 'text/event-stream' }).write(': hi\n\n'),
    );
    const ctx = vllm();
    const closed = stub.nextSocketClose();
    const stream = await ctx.deployment.adapter.chatStream(STREAM_REQUEST, ctx);
    await (stream as AsyncIterableIterator<ChatCompletionChunk>).return?.();
    await closed;
  });

  it('keeps the connection for the next call after a complete stream', async () => {
    stub.replySse(fixture('chat-stream-tool-calls.sse'));
    const ctx = vllm();
    await collect(await ctx.deployment.adapter.chatStream(STREAM_REQUEST, ctx));
    await new Promise((resolve) => setImmediate(resolve));
    await collect(await ctx.deployment.adapter.chatStream(STREAM_REQUEST, ctx));
    expect(stub.connections).toBe(1);
  });
});
