import { eventually, GeminiStubServer, googleError } from '@routeiq/testing';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../contract/openai-wire.types';
import { ProviderErrorKind } from '../contract/provider-error-kind';
import { UpstreamHttpClient } from '../http/upstream-http.client';
import {
  failure,
  fixtureJson,
  fixtureText,
  geminiContext,
  GEMINI_MODEL_PATH,
} from './__fixtures__/gemini-fixtures';
import { GeminiAdapter } from './gemini.adapter';

const STREAM_PATH = `${GEMINI_MODEL_PATH}:streamGenerateContent`;

const REQUEST: ChatCompletionRequest = {
  model: 'my-gemini',
  messages: [{ role: 'user', content: 'Weather in Paris?' }],
  stream: true,
  stream_options: { include_usage: true },
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
};

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe(`${GeminiAdapter.name} streaming`, () => {
  let stub: GeminiStubServer;
  let apiBase: string;
  let http: UpstreamHttpClient;

  beforeEach(async () => {
    stub = new GeminiStubServer();
    apiBase = await stub.start();
    http = new UpstreamHttpClient();
  });

  afterEach(async () => {
    await http.onApplicationShutdown();
    await stub.stop();
  });

  it('sends the exact streaming request', async () => {
    const ctx = geminiContext(http, apiBase);

    await collect(await ctx.deployment.adapter.chatStream(REQUEST, ctx));

    const sent = stub.last();
    expect(sent.path).toBe(STREAM_PATH);
    expect(sent.query).toBe('alt=sse');
    expect(sent.headers['x-goog-api-key']).toBe('gm-secret-key');
    expect(sent.headers.accept).toBe('text/event-stream');
    expect(sent.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }],
      tools: [{ functionDeclarations: [{ name: 'get_weather' }] }],
    });
  });

  it('translates text then a whole function call into the golden OpenAI chunks', async () => {
    stub.script(STREAM_PATH, {
      kind: 'raw',
      status: 200,
      body: fixtureText('stream-text-then-tool.sse'),
      contentType: 'text/event-stream',
    });
    const ctx = geminiContext(http, apiBase);

    const chunks = await collect(await ctx.deployment.adapter.chatStream(REQUEST, ctx));

    const [first] = chunks;
    const callId = (chunks[2]?.choices[0]?.delta.tool_calls?.[0] as { id: string }).id;
    expect(callId).toMatch(/^call_/);
    const base = {
      id: first?.id,
      object: 'chat.completion.chunk',
      created: first?.created,
      model: 'gemini-2.0-flash',
    };
    const choice = (delta: object, finish: string | null = null) => ({
      ...base,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      usage: null,
    });
    expect(first?.id).toMatch(/^chatcmpl-/);
    expect(chunks).toEqual([
      choice({ role: 'assistant', content: 'Checking' }),
      choice({ content: ' the weather.' }),
      choice({
        content: null,
        tool_calls: [
          {
            index: 0,
            id: callId,
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      }),
      choice({}, 'tool_calls'),
      {
        ...base,
        choices: [],
        usage: { prompt_tokens: 42, completion_tokens: 11, total_tokens: 53 },
      },
    ]);
  });

  it('sends no usage chunk unless include_usage is asked for', async () => {
    const ctx = geminiContext(http, apiBase);
    const request = { ...REQUEST, tools: undefined, stream_options: undefined };

    const chunks = await collect(await ctx.deployment.adapter.chatStream(request, ctx));

    const text = chunks
      .map((c) => c.choices[0]?.delta.content)
      .filter((t) => typeof t === 'string');
    expect(text.join('')).toBe('Hello from the Gemini stub.');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
  });

  it('rejects before the first chunk when Gemini blocks the prompt', async () => {
    stub.script(STREAM_PATH, { kind: 'sse', events: [fixtureJson('blocked-prompt.json')] });
    const ctx = geminiContext(http, apiBase);

    const err = await failure(ctx.deployment.adapter.chatStream(REQUEST, ctx));

    expect(err).toMatchObject({ status: 400, kind: ProviderErrorKind.ContentPolicy });
  });

  it('rejects with the Google error when the stream is refused', async () => {
    stub.script(STREAM_PATH, googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded'));
    const ctx = geminiContext(http, apiBase);

    const err = await failure(ctx.deployment.adapter.chatStream(REQUEST, ctx));

    expect(err).toMatchObject({
      status: 429,
      code: 'resource_exhausted',
      kind: ProviderErrorKind.RateLimited,
    });
  });

  it('fails the iterator when the stream ends before a finish reason', async () => {
    const partial = {
      candidates: [{ content: { role: 'model', parts: [{ text: 'Hal' }] }, index: 0 }],
    };
    stub.script(STREAM_PATH, { kind: 'sse', events: [partial], gapMs: 30, cut: true });
    const ctx = geminiContext(http, apiBase);

    const stream = await ctx.deployment.adapter.chatStream(REQUEST, ctx);

    const err = await failure(collect(stream));
    expect(err).toMatchObject({ status: 502, code: 'upstream_stream_error' });
  });

  it('fails the iterator when the body ends cleanly without a finish reason', async () => {
    const partial = {
      candidates: [{ content: { role: 'model', parts: [{ text: 'Hal' }] }, index: 0 }],
    };
    stub.script(STREAM_PATH, { kind: 'sse', events: [partial] });
    const ctx = geminiContext(http, apiBase);

    const stream = await ctx.deployment.adapter.chatStream(REQUEST, ctx);

    const err = await failure(collect(stream));
    expect(err).toMatchObject({ status: 502, code: 'upstream_stream_error' });
    expect(err.message).toContain('ended before finishing');
  });

  it('fails the iterator on an error event mid-stream', async () => {
    const text = {
      candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, index: 0 }],
    };
    const error = {
      error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' },
    };
    stub.script(STREAM_PATH, { kind: 'sse', events: [text, error] });
    const ctx = geminiContext(http, apiBase);

    const stream = await ctx.deployment.adapter.chatStream(REQUEST, ctx);

    const err = await failure(collect(stream));
    expect(err).toMatchObject({ status: 503, code: 'upstream_stream_error' });
    expect(err.message).toContain('overloaded');
  });

  it('aborts the upstream request when the consumer stops early', async () => {
    const text = {
      candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, index: 0 }],
    };
    stub.script(STREAM_PATH, { kind: 'sse', events: [text, text, text, text], gapMs: 200 });
    const ctx = geminiContext(http, apiBase);

    const stream = await ctx.deployment.adapter.chatStream(REQUEST, ctx);
    for await (const _chunk of stream) break;

    // Unaborted, the stub finishes its answer and the count stays 0.
    await eventually(() => stub.abortedRequests > 0, 'the stub sees the request aborted');
    expect(stub.abortedRequests).toBe(1);
  });
});
