import type { ChatCompletionChunk } from '@routeiq/providers';
import { MessagesStreamMapper } from './messages-stream.mapper';

function chunk(delta: object, finish: string | null = null): ChatCompletionChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

describe(MessagesStreamMapper.name, () => {
  it('opens, fills and closes one block per text run and tool call, in order', () => {
    const mapper = new MessagesStreamMapper('group');
    const call = {
      index: 0,
      id: 'call_1',
      type: 'function',
      function: { name: 'f', arguments: '{"a"' },
    };
    const events = [
      ...mapper.push(chunk({ role: 'assistant', content: 'Hi' })),
      ...mapper.push(chunk({ tool_calls: [call] })),
      ...mapper.push(chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] })),
      ...mapper.push(chunk({}, 'tool_calls')),
      ...mapper.finish(),
    ];
    expect(events).toEqual([
      {
        type: 'message_start',
        message: {
          id: 'msg_chatcmpl-1',
          type: 'message',
          role: 'assistant',
          model: 'group',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'call_1', name: 'f', input: {} },
      },
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '{"a"' },
      },
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: ':1}' },
      },
      { type: 'content_block_stop', index: 1 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { output_tokens: 0 },
      },
      { type: 'message_stop' },
    ]);
  });

  it('reports the usage chunk (cache reads apart) and a length stop in message_delta', () => {
    const mapper = new MessagesStreamMapper('group');
    mapper.push(chunk({ content: 'x' }, 'length'));
    const usage = {
      prompt_tokens: 100,
      completion_tokens: 7,
      total_tokens: 107,
      prompt_tokens_details: { cached_tokens: 60 },
    };
    mapper.push({ ...chunk({}), choices: [], usage });
    expect(mapper.finish().slice(-2, -1)).toEqual([
      {
        type: 'message_delta',
        delta: { stop_reason: 'max_tokens', stop_sequence: null },
        usage: { input_tokens: 40, output_tokens: 7, cache_read_input_tokens: 60 },
      },
    ]);
  });

  it('still frames a complete message when the upstream sent no chunk', () => {
    const types = new MessagesStreamMapper('g').finish().map((event) => event.type);
    expect(types).toEqual(['message_start', 'message_delta', 'message_stop']);
  });
});
