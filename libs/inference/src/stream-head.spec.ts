import type { ChatCompletionChunk } from '@routeiq/providers';
import {
  chatChunkHasContent,
  completionChunkHasContent,
  readStreamHead,
  typedEventHasContent,
} from './stream-head';

function chunk(delta: Record<string, unknown>, finish: string | null = null): ChatCompletionChunk {
  return {
    id: 'c',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

/** An upstream stream that yields `items` (an Error is thrown) and records whether it was closed. */
function upstream<T>(items: Array<T | Error>) {
  const state = { returned: false };
  const iterable: AsyncIterable<T> = {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next: () => {
          const item = items[i++];
          if (item instanceof Error) return Promise.reject(item);
          return Promise.resolve(
            item === undefined ? { done: true, value: undefined } : { done: false, value: item },
          );
        },
        return: () => {
          state.returned = true;
          return Promise.resolve({ done: true, value: undefined });
        },
      } as AsyncIterator<T>;
    },
  };
  return { iterable, state };
}

describe(readStreamHead.name, () => {
  const role = chunk({ role: 'assistant', content: '' });
  const hello = chunk({ content: 'Hello' });

  it('holds chunks back up to the first one with content, and leaves the rest unread', async () => {
    const { iterable } = upstream([role, hello, chunk({ content: ' world' })]);
    const { head, iterator } = await readStreamHead(iterable, chatChunkHasContent, 'd1');
    expect(head).toEqual([role, hello]);
    await expect(iterator.next()).resolves.toMatchObject({
      value: { choices: [{ delta: { content: ' world' } }] },
    });
  });

  it('fails an attempt whose stream ends before any content, and releases it', async () => {
    const { iterable, state } = upstream([role]);
    await expect(readStreamHead(iterable, chatChunkHasContent, 'd1')).rejects.toMatchObject({
      status: 502,
      code: 'upstream_empty_stream',
      message: expect.stringContaining('d1'),
    });
    expect(state.returned).toBe(true);
  });

  it('passes on an error event that comes before any content', async () => {
    const failure = new Error('upstream error event');
    const { iterable, state } = upstream([role, failure]);
    await expect(readStreamHead(iterable, chatChunkHasContent, 'd1')).rejects.toBe(failure);
    expect(state.returned).toBe(true);
  });

  it('takes the first chunk as content when the operation does not say', async () => {
    const { iterable } = upstream([role]);
    await expect(readStreamHead(iterable, undefined, 'd1')).resolves.toMatchObject({
      head: [role],
    });
  });
});

describe('content tests', () => {
  it('reads chat chunks: text, tool calls, refusals and finish reasons are content; a role is not', () => {
    expect(chatChunkHasContent(chunk({ role: 'assistant', content: '' }))).toBe(false);
    expect(chatChunkHasContent(chunk({ role: 'assistant' }))).toBe(false);
    expect(chatChunkHasContent(chunk({ content: 'x' }))).toBe(true);
    expect(chatChunkHasContent(chunk({ tool_calls: [{ index: 0 }] }))).toBe(true);
    expect(chatChunkHasContent(chunk({ refusal: 'no' }))).toBe(true);
    expect(chatChunkHasContent(chunk({}, 'stop'))).toBe(true);
    expect(chatChunkHasContent({ ...chunk({}), choices: [] })).toBe(true);
  });

  it('reads completion chunks and typed events', () => {
    const completion = (text: string, finish: string | null = null) => ({
      id: 'c',
      object: 'text_completion' as const,
      created: 0,
      model: 'm',
      choices: [{ index: 0, text, finish_reason: finish }],
    });
    expect(completionChunkHasContent(completion(''))).toBe(false);
    expect(completionChunkHasContent(completion('a'))).toBe(true);
    expect(completionChunkHasContent(completion('', 'length'))).toBe(true);
    for (const type of ['message_start', 'content_block_start', 'ping', 'response.created']) {
      expect(typedEventHasContent({ type })).toBe(false);
    }
    for (const type of ['content_block_delta', 'message_delta', 'response.output_text.delta']) {
      expect(typedEventHasContent({ type })).toBe(true);
    }
  });
});
