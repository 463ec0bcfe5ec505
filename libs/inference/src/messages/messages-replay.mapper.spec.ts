import type { AnthropicMessage } from './anthropic-messages.types';
import { replayMessageEvents } from './messages-replay.mapper';

const message: AnthropicMessage = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'm',
  content: [
    { type: 'mcp_tool_use', id: 'mcptoolu_1', name: 'add', server_name: 'a', input: { a: 2 } },
    {
      type: 'mcp_tool_result',
      tool_use_id: 'mcptoolu_1',
      is_error: false,
      content: [{ type: 'text', text: '5' }],
    },
    { type: 'text', text: 'Five.' },
  ],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 30, output_tokens: 9 },
};

describe('replayMessageEvents', () => {
  it('replays each block in order between message_start and message_stop', () => {
    const events = replayMessageEvents(message);
    expect(events.map((e) => ('index' in e ? `${e.type}:${e.index}` : e.type))).toEqual([
      'message_start',
      'content_block_start:0',
      'content_block_delta:0',
      'content_block_stop:0',
      'content_block_start:1',
      'content_block_stop:1',
      'content_block_start:2',
      'content_block_delta:2',
      'content_block_stop:2',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]).toMatchObject({
      message: {
        id: 'msg_1',
        content: [],
        stop_reason: null,
        usage: { input_tokens: 30, output_tokens: 0 },
      },
    });
    expect(events[1]).toMatchObject({ content_block: { type: 'mcp_tool_use', input: {} } });
    expect(events[2]).toEqual({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'input_json_delta', partial_json: '{"a":2}' },
    });
    expect(events[4]).toMatchObject({ content_block: message.content[1] });
    expect(events[6]).toMatchObject({ content_block: { type: 'text', text: '' } });
    expect(events[7]).toMatchObject({ delta: { type: 'text_delta', text: 'Five.' } });
    expect(events[9]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 30, output_tokens: 9 },
    });
  });
});
