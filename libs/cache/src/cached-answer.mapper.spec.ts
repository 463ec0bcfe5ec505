import type { CacheEntry } from './cache-entry';
import { answerFor, chunksFromResult, resultFromChunks } from './cached-answer.mapper';

const usage = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 };
const head = { id: 'chatcmpl-1', created: 1700000000, model: 'gpt-x' };
const result = {
  ...head,
  object: 'chat.completion',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello there' },
      logprobs: null,
      finish_reason: 'stop',
    },
    {
      index: 1,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
          },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    },
  ],
  usage,
};

const entry = (
  kind: CacheEntry['kind'],
  body: unknown,
  endpoint: CacheEntry['endpoint'] = 'chat',
): CacheEntry => ({
  address: { hash: 'h', scope: 'key:k', scopeToken: 's', model: 'gpt-x', modelToken: 'm' },
  endpoint,
  kind,
  body: JSON.stringify(body),
  createdAt: 0,
  expiresAt: Number.MAX_SAFE_INTEGER,
  bytes: 1,
  modelGroup: 'g',
  deploymentId: 'd',
});

describe('cached answer conversion', () => {
  it('turns a unary answer into chunks: role, content, tool calls, finish, usage last', () => {
    const chunks = chunksFromResult(result, false);
    const deltas = chunks.map((chunk) => (chunk.choices as { delta?: unknown }[])[0]?.delta);
    expect(deltas).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hello there' },
      {},
      { role: 'assistant', content: '' },
      {
        tool_calls: [
          {
            index: 0,
            id: 'call_1',
            type: 'function',
            function: result.choices[1]!.message.tool_calls![0]!.function,
          },
        ],
      },
      {},
      undefined,
    ]);
    expect(
      chunks.every(
        (chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === 'chatcmpl-1',
      ),
    ).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage });
    expect(chunks[2]).toMatchObject({ choices: [{ index: 0, finish_reason: 'stop' }] });
  });

  it('assembles chunks back into the same unary answer', () => {
    expect(resultFromChunks(chunksFromResult(result, false), false)).toEqual(result);
  });

  it('assembles tool-call arguments split across chunks', () => {
    const chunk = (delta: object, finish: string | null = null) => ({
      ...head,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    const assembled = resultFromChunks(
      [
        chunk({ role: 'assistant', content: null }),
        chunk({
          tool_calls: [
            { index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '{"a"' } },
          ],
        }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }),
        chunk({}, 'tool_calls'),
      ],
      false,
    );
    expect(assembled.choices).toEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
          ],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ]);
    expect(assembled).not.toHaveProperty('usage');
  });

  it('round-trips text completions', () => {
    const completion = {
      ...head,
      object: 'text_completion',
      choices: [{ index: 0, text: 'four', logprobs: null, finish_reason: 'stop' }],
      usage,
    };
    expect(resultFromChunks(chunksFromResult(completion, true), true)).toEqual(completion);
  });

  it('answers in the shape asked for, with the usage chunk only when asked for', () => {
    const stored = entry('result', result);
    expect(answerFor(stored, false, false)).toEqual({ result });
    expect(answerFor(stored, true, true)?.chunks?.at(-1)).toMatchObject({ usage });
    expect(answerFor(stored, true, false)?.chunks?.some((c) => 'usage' in c)).toBe(false);
    const streamed = entry('chunks', chunksFromResult(result, false));
    expect(answerFor(streamed, false, false)).toEqual({ result });
  });

  it('misses on a corrupt entry or a mode an endpoint cannot convert', () => {
    expect(answerFor({ ...entry('result', result), body: '{' }, false, false)).toBeUndefined();
    expect(answerFor(entry('chunks', result), false, false)).toBeUndefined();
    expect(
      answerFor(entry('result', { type: 'message' }, 'messages'), true, false),
    ).toBeUndefined();
    expect(answerFor(entry('result', { type: 'message' }, 'messages'), false, false)).toEqual({
      result: { type: 'message' },
    });
  });
});
