import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  Completion,
} from '../contract/openai-wire.types';
import { ProviderErrorCode, ProviderException } from '../contract/provider.exception';
import { callContext, deploymentConfig } from '../__fixtures__/deployments';
import { ProviderRegistry } from '../provider.registry';
import { MockAdapter } from './mock.adapter';

const adapter = new MockAdapter();
const registry = new ProviderRegistry([adapter]);

function ctxFor(params: Parameters<typeof deploymentConfig>[1] = {}, signal?: AbortSignal) {
  const config = deploymentConfig('mock/demo-model', params, 'demo');
  return callContext(registry.resolve(config, {}, { timeoutMs: 1_000 }), signal);
}

function chatRequest(extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest {
  return {
    model: 'demo',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Tell me a short joke' }] },
    ],
    ...extra,
  };
}

const TOOLS = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
  { type: 'function', function: { name: 'get_time', parameters: { type: 'object' } } },
];

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

describe(MockAdapter.name, () => {
  it('answers deterministically without echoing the prompt', async () => {
    const first = await adapter.chat(chatRequest(), ctxFor());
    const second = await adapter.chat(chatRequest(), ctxFor());
    expect({ ...first, created: 0 }).toEqual({ ...second, created: 0 });
    expect(first.id).toMatch(/^chatcmpl-mock-[0-9a-f]{24}$/);
    expect(first.choices[0]?.message.content).toBe(
      'This is RouteIQ\'s offline demo model "demo". Your message had 5 words; connect a real provider in config/config.yaml to get real answers.',
    );
    expect(first.model).toBe('demo-model');
    expect(first.usage).toEqual({ prompt_tokens: 8, completion_tokens: 35, total_tokens: 43 });
  });

  it('answers mock_response from the request, else from the deployment', async () => {
    const fromDeployment = await adapter.chat(
      chatRequest(),
      ctxFor({ mock_response: 'Deployed answer' }),
    );
    expect(fromDeployment.choices[0]?.message.content).toBe('Deployed answer');
    const fromRequest = await adapter.chat(
      chatRequest({ mock_response: 'Asked' }),
      ctxFor({ mock_response: 'x' }),
    );
    expect(fromRequest.choices[0]?.message.content).toBe('Asked');
  });

  it('honours n and max_tokens', async () => {
    const answer = await adapter.chat(chatRequest({ n: 3, max_tokens: 4 }), ctxFor());
    expect(answer.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    for (const choice of answer.choices) {
      expect(choice).toMatchObject({
        message: { role: 'assistant', content: "This is RouteIQ's offline" },
        finish_reason: 'length',
      });
    }
  });

  it('calls the named tool, or the first tool when tool_choice is required', async () => {
    const named = await adapter.chat(
      chatRequest({
        tools: TOOLS,
        tool_choice: { type: 'function', function: { name: 'get_time' } },
      }),
      ctxFor(),
    );
    expect(named.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: null,
        tool_calls: [{ type: 'function', function: { name: 'get_time', arguments: '{}' } }],
      },
    });
    const required = await adapter.chat(
      chatRequest({ tools: TOOLS, tool_choice: 'required' }),
      ctxFor(),
    );
    expect(required.choices[0]?.message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_mock_/),
        type: 'function',
        function: { name: 'get_weather', arguments: '{}' },
      },
    ]);
    const auto = await adapter.chat(chatRequest({ tools: TOOLS, tool_choice: 'auto' }), ctxFor());
    expect(auto.choices[0]?.finish_reason).toBe('stop');
  });

  it('streams word by word with a usage chunk when include_usage is set', async () => {
    const request = chatRequest({ stream: true, stream_options: { include_usage: true } });
    const chunks = await collect(await adapter.chatStream(request, ctxFor()));
    const whole = await adapter.chat(chatRequest(), ctxFor());
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    const text = chunks.map((c) => c.choices[0]?.delta.content as string | undefined).join('');
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(chunks.at(-2)?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: whole.usage });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('streams tool calls as OpenAI does, and omits usage unless asked', async () => {
    const request = chatRequest({ stream: true, tools: TOOLS, tool_choice: 'required' });
    const chunks: ChatCompletionChunk[] = await collect(
      await adapter.chatStream(request, ctxFor()),
    );
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            index: 0,
            id: expect.any(String),
            type: 'function',
            function: { name: 'get_weather', arguments: '' },
          },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{}' } }] },
      {},
    ]);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
  });

  it('answers completions per prompt and n, streaming text pieces', async () => {
    const answer = await adapter.completion(
      { model: 'demo', prompt: ['one two', 'three'], n: 2 },
      ctxFor(),
    );
    expect(answer.choices).toHaveLength(4);
    expect(answer.choices[2]?.text).toContain('Your prompt had 1 word;');
    const stream = await adapter.completionStream(
      {
        model: 'demo',
        prompt: 'hi',
        mock_response: 'a b c',
        stream_options: { include_usage: true },
      },
      ctxFor(),
    );
    const chunks: Completion[] = await collect(stream);
    expect(chunks.map((c) => c.choices[0]?.text ?? '').join('')).toBe('a b c');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 1 } });
  });

  it('returns deterministic unit embeddings, identical as floats and as base64', async () => {
    const request = { model: 'demo', input: ['hello', 'world', 'hello'], dimensions: 64 };
    const floats = await adapter.embedding(request, ctxFor());
    const packed = await adapter.embedding({ ...request, encoding_format: 'base64' }, ctxFor());
    expect(floats.data).toHaveLength(3);
    const [hello, world, again] = floats.data.map((d) => d.embedding as number[]);
    expect(hello).toHaveLength(64);
    expect(again).toEqual(hello);
    expect(world).not.toEqual(hello);
    expect(Math.hypot(...hello!)).toBeCloseTo(1, 5);
    for (const [i, item] of packed.data.entries()) {
      const bytes = Buffer.from(item.embedding as string, 'base64');
      const decoded = Array.from(
        new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4),
      );
      expect(decoded).toEqual(floats.data[i]?.embedding);
    }
    const single = await adapter.embedding({ model: 'demo', input: [1, 2, 3] }, ctxFor());
    expect((single.data[0]?.embedding as number[]).length).toBe(256);
  });

  it('rejects an empty embedding input with a 400', async () => {
    await expect(adapter.embedding({ model: 'demo', input: [] }, ctxFor())).rejects.toMatchObject({
      status: 400,
      param: 'input',
    });
  });

  it('waits mock_delay_ms and stops with 499 when the client aborts', async () => {
    const client = new AbortController();
    const ctx = ctxFor({ extra: { mock_delay_ms: 5_000 } }, client.signal);
    const pending = adapter.chat(chatRequest(), ctx);
    setTimeout(() => client.abort(), 20);
    const err: unknown = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderException);
    expect(err).toMatchObject({ status: 499, code: ProviderErrorCode.ClientClosed });
  });

  it('stops a paced stream when the client aborts between chunks', async () => {
    const client = new AbortController();
    const ctx = ctxFor({ extra: { mock_delay_ms: 10 } }, client.signal);
    const stream = await adapter.chatStream(chatRequest({ stream: true }), ctx);
    const seen: ChatCompletionChunk[] = [];
    const run = (async () => {
      for await (const chunk of stream) {
        seen.push(chunk);
        if (seen.length === 3) client.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ code: ProviderErrorCode.ClientClosed });
    expect(seen).toHaveLength(3);
  });
});
