import { BedrockStubServer, eventually, type BedrockStubFrame } from '@routeiq/testing';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../contract/openai-wire.types';
import { ProviderErrorKind } from '../contract/provider-error-kind';
import { ProviderErrorCode } from '../contract/provider.exception';
import { UpstreamHttpClient } from '../http/upstream-http.client';
import { bedrockContext, failure, KEYS, MODEL_ID, resign } from './__fixtures__/bedrock-harness';
import { BedrockAdapter } from './bedrock.adapter';

const REQUEST: ChatCompletionRequest = {
  model: 'weather',
  messages: [{ role: 'user', content: 'Weather in Paris and Lyon?' }],
  stream: true,
  stream_options: { include_usage: true },
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
  tool_choice: 'auto',
};

const toolStart = (index: number, id: string): BedrockStubFrame => ({
  event: 'contentBlockStart',
  payload: {
    contentBlockIndex: index,
    start: { toolUse: { toolUseId: id, name: 'get_weather' } },
    p: 'abc',
  },
});
const toolDelta = (index: number, input: string): BedrockStubFrame => ({
  event: 'contentBlockDelta',
  payload: { contentBlockIndex: index, delta: { toolUse: { input } }, p: 'abcdef' },
});
const textDelta = (text: string): BedrockStubFrame => ({
  event: 'contentBlockDelta',
  payload: { contentBlockIndex: 0, delta: { text }, p: 'ab' },
});
const blockStop = (index: number): BedrockStubFrame => ({
  event: 'contentBlockStop',
  payload: { contentBlockIndex: index, p: 'abcd' },
});

const GOLDEN_FRAMES: BedrockStubFrame[] = [
  { event: 'messageStart', payload: { role: 'assistant', p: 'abcdefghij' } },
  textDelta('Checking '),
  textDelta('both cities.'),
  blockStop(0),
  toolStart(1, 'tooluse_paris'),
  toolDelta(1, '{"city":'),
  toolDelta(1, '"Paris"}'),
  blockStop(1),
  toolStart(2, 'tooluse_lyon'),
  toolDelta(2, '{"ci'),
  toolDelta(2, 'ty":"Lyon"}'),
  blockStop(2),
  { event: 'messageStop', payload: { stopReason: 'tool_use', p: 'ab' } },
  {
    event: 'metadata',
    payload: {
      usage: { inputTokens: 30, outputTokens: 40, totalTokens: 70 },
      metrics: { latencyMs: 812 },
      p: 'a',
    },
  },
];

const BASE = { id: 'chatcmpl-stub-request-2', object: 'chat.completion.chunk', model: MODEL_ID };

function delta(d: Record<string, unknown>, finishReason: string | null = null): unknown {
  return {
    ...BASE,
    created: expect.any(Number) as number,
    choices: [{ index: 0, delta: d, finish_reason: finishReason }],
    usage: null,
  };
}

const call = (index: number, id: string): unknown => ({
  tool_calls: [{ index, id, type: 'function', function: { name: 'get_weather', arguments: '' } }],
});
const args = (index: number, piece: string): unknown => ({
  tool_calls: [{ index, function: { arguments: piece } }],
});

const GOLDEN_CHUNKS = [
  delta({ role: 'assistant', content: '' }),
  delta({ content: 'Checking ' }),
  delta({ content: 'both cities.' }),
  delta(call(0, 'tooluse_paris') as Record<string, unknown>),
  delta(args(0, '{"city":') as Record<string, unknown>),
  delta(args(0, '"Paris"}') as Record<string, unknown>),
  delta(call(1, 'tooluse_lyon') as Record<string, unknown>),
  delta(args(1, '{"ci') as Record<string, unknown>),
  delta(args(1, 'ty":"Lyon"}') as Record<string, unknown>),
  delta({}, 'tool_calls'),
  {
    ...BASE,
    created: expect.any(Number) as number,
    choices: [],
    usage: { prompt_tokens: 30, completion_tokens: 40, total_tokens: 70 },
  },
];

async function collect(
  stream: AsyncIterable<ChatCompletionChunk>,
  seen: ChatCompletionChunk[] = [],
) {
  for await (const chunk of stream) seen.push(chunk);
  return seen;
}

describe(`${BedrockAdapter.name} streaming`, () => {
  let stub: BedrockStubServer;
  let http: UpstreamHttpClient;

  beforeEach(async () => {
    stub = new BedrockStubServer();
    await stub.start();
    http = new UpstreamHttpClient();
  });

  afterEach(async () => {
    await http.onApplicationShutdown();
    await stub.stop();
  });

  it('sends a signed ConverseStream request and yields the exact OpenAI chunk sequence', async () => {
    stub.script('converse-stream', { kind: 'events', frames: GOLDEN_FRAMES });
    const ctx = bedrockContext(http, stub.origin);
    const chunks = await collect(await ctx.deployment.adapter.chatStream(REQUEST, ctx));

    expect(chunks).toEqual(GOLDEN_CHUNKS);
    const sent = stub.last();
    expect(sent.path).toBe('/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream');
    expect(sent.headers.accept).toBe('application/vnd.amazon.eventstream');
    expect(JSON.parse(sent.rawBody)).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Weather in Paris and Lyon?' }] }],
      toolConfig: {
        tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }],
        toolChoice: { auto: {} },
      },
    });
    await expect(resign(sent, KEYS, 'us-east-1')).resolves.toBe(sent.headers.authorization);
  });

  it('reassembles frames split across many small TCP writes', async () => {
    stub.script('converse-stream', {
      kind: 'events',
      frames: GOLDEN_FRAMES,
      writeBytes: 7,
      gapMs: 1,
    });
    const ctx = bedrockContext(http, stub.origin);
    const chunks = await collect(await ctx.deployment.adapter.chatStream(REQUEST, ctx));
    expect(chunks).toEqual(GOLDEN_CHUNKS);
  });

  it('leaves usage out without stream_options.include_usage', async () => {
    const ctx = bedrockContext(http, stub.origin);
    const { stream_options: _omit, tools: _tools, tool_choice: _choice, ...plain } = REQUEST;
    const chunks = await collect(await ctx.deployment.adapter.chatStream(plain, ctx));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? c.choices[0]?.finish_reason)).toEqual([
      '',
      'Hello',
      ' from',
      ' the',
      ' Bedrock',
      ' stub.',
      'stop',
    ]);
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
  });

  it.each([
    ['throttlingException', 'Too many tokens, please wait.', 429, ProviderErrorKind.RateLimited],
    [
      'modelStreamErrorException',
      'Model produced invalid sequence.',
      502,
      ProviderErrorKind.Unavailable,
    ],
    [
      'validationException',
      'Input is too long for requested model.',
      400,
      ProviderErrorKind.ContextWindowExceeded,
    ],
  ])(
    'turns a %s frame mid-stream into upstream_stream_error',
    async (type, message, status, kind) => {
      stub.script('converse-stream', {
        kind: 'events',
        frames: [GOLDEN_FRAMES[0]!, textDelta('Partial'), { exception: type, message }],
      });
      const ctx = bedrockContext(http, stub.origin);
      const seen: ChatCompletionChunk[] = [];
      const err = await failure(
        collect(await ctx.deployment.adapter.chatStream(REQUEST, ctx), seen),
      );
      expect(seen.map((c) => c.choices[0]?.delta.content)).toEqual(['', 'Partial']);
      expect(err).toMatchObject({
        status,
        kind,
        code: ProviderErrorCode.UpstreamStreamError,
        message: `Bedrock ${type}: ${message}`,
      });
    },
  );

  it('fails when the body ends before messageStop', async () => {
    stub.script('converse-stream', { kind: 'events', frames: GOLDEN_FRAMES.slice(0, 6) });
    const ctx = bedrockContext(http, stub.origin);
    const err = await failure(collect(await ctx.deployment.adapter.chatStream(REQUEST, ctx)));
    expect(err).toMatchObject({ status: 502, code: ProviderErrorCode.UpstreamStreamError });
    expect(err.message).toBe(
      'The upstream stream of deployment dep-test-group ended before messageStop',
    );
  });

  it('fails with upstream_stream_error when the connection is cut inside a frame', async () => {
    stub.script('converse-stream', {
      kind: 'events',
      frames: GOLDEN_FRAMES,
      writeBytes: 50,
      gapMs: 1,
      cut: true,
      dropTailBytes: 20,
    });
    const ctx = bedrockContext(http, stub.origin);
    const seen: ChatCompletionChunk[] = [];
    const stream = await ctx.deployment.adapter.chatStream(REQUEST, ctx);
    const err = await failure(collect(stream, seen));
    expect(err).toMatchObject({ status: 502, code: ProviderErrorCode.UpstreamStreamError });
    // Every whole frame before the cut was delivered, in order; the metadata frame was not.
    expect(seen).toEqual(GOLDEN_CHUNKS.slice(0, -1));
  });

  it('throws the mapped HTTP error before streaming when Bedrock refuses the request', async () => {
    stub.script('converse-stream', {
      kind: 'json',
      status: 429,
      body: { message: 'Too many requests, please wait before trying again.' },
      headers: {
        'x-amzn-errortype':
          'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/',
        'retry-after': '3',
      },
    });
    const ctx = bedrockContext(http, stub.origin);
    const err = await failure(ctx.deployment.adapter.chatStream(REQUEST, ctx));
    expect(err).toMatchObject({
      status: 429,
      kind: ProviderErrorKind.RateLimited,
      code: ProviderErrorCode.UpstreamHttpError,
      message: 'Bedrock ThrottlingException: Too many requests, please wait before trying again.',
      headers: { 'retry-after': '3' },
    });
  });

  it('aborts the upstream call when the consumer stops early', async () => {
    stub.script('converse-stream', {
      kind: 'events',
      frames: GOLDEN_FRAMES,
      writeBytes: 40,
      gapMs: 20,
    });
    const ctx = bedrockContext(http, stub.origin);
    const stream = await ctx.deployment.adapter.chatStream(REQUEST, ctx);
    const seen: ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      seen.push(chunk);
      break;
    }
    expect(seen).toEqual([GOLDEN_CHUNKS[0]]);
    // Unaborted, the stub finishes its answer and the count stays 0.
    await eventually(() => stub.abortedRequests > 0, 'the stub sees the request aborted');
    expect(stub.abortedRequests).toBe(1);
  });
});
