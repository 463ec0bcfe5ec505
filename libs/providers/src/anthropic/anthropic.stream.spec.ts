import { AnthropicStubServer } from '@routeiq/testing';
import type { ChatCompletionRequest } from '../contract/openai-wire.types';
import { ProviderErrorCode } from '../contract/provider.exception';
import { ProviderErrorKind } from '../contract/provider-error-kind';
import { UpstreamHttpClient } from '../http/upstream-http.client';
import { anthropicContext, collect, fixture, rejection } from './__fixtures__/anthropic-harness';
import { AnthropicAdapter } from './anthropic.adapter';

const NOW_MS = 1_750_000_000_000;
const REQUEST: ChatCompletionRequest = {
  model: 'g',
  messages: [{ role: 'user', content: 'Weather and time in Paris and Tokyo?' }],
  stream: true,
  stream_options: { include_usage: true },
  tools: [
    { type: 'function', function: { name: 'get_weather' } },
    { type: 'function', function: { name: 'get_time' } },
  ],
};

const BASE = {
  id: 'chatcmpl-msg_014p7gG3wDgGV9EUtLvnow3U',
  object: 'chat.completion.chunk',
  created: NOW_MS / 1000,
  model: 'claude-sonnet-4-20250514',
};

function delta(d: Record<string, unknown>, finishReason: string | null = null) {
  return { ...BASE, choices: [{ index: 0, delta: d, finish_reason: finishReason }] };
}

function args(index: number, piece: string) {
  return delta({ tool_calls: [{ index, function: { arguments: piece } }] });
}

describe(`${AnthropicAdapter.name} streaming`, () => {
  let stub: AnthropicStubServer;
  let http: UpstreamHttpClient;
  let apiBase: string;

  beforeEach(async () => {
    stub = new AnthropicStubServer();
    apiBase = await stub.start();
    http = new UpstreamHttpClient();
    jest.spyOn(Date, 'now').mockReturnValue(NOW_MS);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await http.onApplicationShutdown();
    await stub.stop();
  });

  it('turns two parallel tool calls streamed in pieces into the exact OpenAI chunks', async () => {
    const sse = fixture('stream-parallel-tools.sse');
    stub.script({ kind: 'raw', status: 200, body: sse, contentType: 'text/event-stream' });
    const ctx = anthropicContext(http, apiBase);

    const chunks = await collect(await ctx.deployment.adapter.chatStream(REQUEST, ctx));

    expect(stub.last().body).toEqual({
      model: 'claude-sonnet-4-20250514',
      max_tokens: 4096,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather and time in Paris and Tokyo?' }] },
      ],
      tools: [
        { name: 'get_weather', input_schema: { type: 'object' } },
        { name: 'get_time', input_schema: { type: 'object' } },
      ],
      stream: true,
    });
    expect(chunks).toEqual([
      delta({ role: 'assistant', content: '' }),
      delta({ content: 'Checking ' }),
      delta({ content: 'both cities.' }),
      delta({
        tool_calls: [
          {
            index: 0,
            id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
            type: 'function',
            function: { name: 'get_weather', arguments: '' },
          },
        ],
      }),
      args(0, '{"city": '),
      args(0, '"Paris", "unit"'),
      args(0, ': "celsius"}'),
      delta({
        tool_calls: [
          {
            index: 1,
            id: 'toolu_01Bq9HbAqGCHyP4xz6xYJ1Mm',
            type: 'function',
            function: { name: 'get_time', arguments: '' },
          },
        ],
      }),
      args(1, '{"timezone"'),
      args(1, ': "Asia/Tokyo"}'),
      delta({}, 'tool_calls'),
      {
        ...BASE,
        choices: [],
        usage: {
          prompt_tokens: 472 + 2048,
          completion_tokens: 89,
          total_tokens: 472 + 2048 + 89,
          prompt_tokens_details: { cached_tokens: 2048 },
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 2048,
        },
      },
    ]);
  });

  it('sends no usage chunk without include_usage, and streams the stub text', async () => {
    const ctx = anthropicContext(http, apiBase);
    const request = { model: 'g', messages: [{ role: 'user', content: 'Hi' }], stream: true };

    const chunks = await collect(await ctx.deployment.adapter.chatStream(request, ctx));

    const text = chunks.map((c) => c.choices[0]?.delta.content as string | undefined).join('');
    expect(text).toBe('Hello from the Anthropic stub.');
    expect(chunks.at(-1)?.choices).toEqual([{ index: 0, delta: {}, finish_reason: 'stop' }]);
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  it('reassembles the stub tool arguments split over several input_json_delta events', async () => {
    const ctx = anthropicContext(http, apiBase);
    const chunks = await collect(await ctx.deployment.adapter.chatStream(REQUEST, ctx));
    const pieces = new Map<number, string>();
    for (const chunk of chunks) {
      for (const call of (chunk.choices[0]?.delta.tool_calls ?? []) as Array<{
        index: number;
        function: { arguments: string };
      }>) {
        pieces.set(call.index, (pieces.get(call.index) ?? '') + call.function.arguments);
      }
    }
    expect([...pieces.entries()]).toEqual([
      [0, '{"city": "Paris"}'],
      [1, '{"city": "Paris"}'],
    ]);
  });

  it('throws an upstream_stream_error of kind unavailable on an overloaded_error event', async () => {
    const sse = fixture('stream-overloaded-error.sse');
    stub.script({ kind: 'raw', status: 200, body: sse, contentType: 'text/event-stream' });
    const ctx = anthropicContext(http, apiBase);
    const seen: unknown[] = [];

    const err = await rejection(
      (async () => {
        for await (const chunk of await ctx.deployment.adapter.chatStream(REQUEST, ctx)) {
          seen.push(chunk);
        }
      })(),
    );

    expect(seen).toEqual([delta({ role: 'assistant', content: '' }), delta({ content: 'Hel' })]);
    expect(err).toMatchObject({
      status: 502,
      code: ProviderErrorCode.UpstreamStreamError,
      kind: ProviderErrorKind.Unavailable,
      message: 'overloaded_error: Overloaded',
    });
  });

  it('maps a rate_limit_error event to kind rate_limited', async () => {
    stub.script({
      kind: 'events',
      events: [{ type: 'error', error: { type: 'rate_limit_error', message: 'Too many' } }],
    });
    const ctx = anthropicContext(http, apiBase);
    const err = await rejection(collect(await ctx.deployment.adapter.chatStream(REQUEST, ctx)));
    expect(err).toMatchObject({
      code: ProviderErrorCode.UpstreamStreamError,
      kind: ProviderErrorKind.RateLimited,
    });
  });

  it('fails a stream cut before message_stop', async () => {
    const sse = fixture('stream-parallel-tools.sse').split('event: message_delta')[0] ?? '';
    stub.script({ kind: 'raw', status: 200, body: sse, contentType: 'text/event-stream' });
    const ctx = anthropicContext(http, apiBase);
    const err = await rejection(collect(await ctx.deployment.adapter.chatStream(REQUEST, ctx)));
    expect(err).toMatchObject({ code: ProviderErrorCode.UpstreamStreamError });
    expect(err.message).toMatch(/ended before message_stop/);
  });
});
