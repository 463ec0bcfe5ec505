import { replayEvents } from './responses-replay.mapper';
import { responseShell } from './responses-response.mapper';
import type { ResponsesMcpCall, ResponsesResponse } from './responses.types';

function response(): ResponsesResponse {
  const shell = responseShell({ model: 'm', input: 'hi' }, 'resp_1', 1);
  return {
    ...shell,
    status: 'completed',
    output: [
      { type: 'mcp_list_tools', id: 'mcpl_1', server_label: 'alpha', tools: [], error: null },
      {
        type: 'mcp_call',
        id: 'mcp_1',
        server_label: 'alpha',
        name: 'add',
        arguments: '{}',
        output: '5',
        error: null,
        status: 'completed',
      },
      {
        type: 'message',
        id: 'msg_1',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Five.', annotations: [] }],
      },
    ],
  };
}

describe('replayEvents', () => {
  it('opens and closes each item in order, then completes with the whole response', () => {
    const whole = response();
    const events = replayEvents(whole);
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.mcp_list_tools.in_progress',
      'response.mcp_list_tools.completed',
      'response.output_item.done',
      'response.output_item.added',
      'response.mcp_call.in_progress',
      'response.mcp_call_arguments.delta',
      'response.mcp_call_arguments.done',
      'response.mcp_call.completed',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events[0]).toMatchObject({ response: { status: 'in_progress', output: [] } });
    expect(events[3]).toMatchObject({ item_id: 'mcpl_1', output_index: 0 });
    expect(events[6]).toMatchObject({
      output_index: 1,
      item: { status: 'in_progress', arguments: '', output: null },
    });
    expect(events[8]).toMatchObject({ item_id: 'mcp_1', output_index: 1, delta: '{}' });
    expect(events[9]).toMatchObject({ item_id: 'mcp_1', arguments: '{}' });
    expect(events[11]).toMatchObject({
      output_index: 1,
      item: { status: 'completed', output: '5' },
    });
    expect(events[14]).toMatchObject({ item_id: 'msg_1', output_index: 2, delta: 'Five.' });
    expect(events.at(-1)).toMatchObject({ type: 'response.completed', response: whole });
  });

  it('ends a failed MCP call with response.mcp_call.failed', () => {
    const whole = response();
    whole.output[1] = { ...(whole.output[1] as ResponsesMcpCall), status: 'failed', output: null };
    const types = replayEvents(whole).map((e) => e.type);
    expect(types).toContain('response.mcp_call.failed');
    expect(types).not.toContain('response.mcp_call.completed');
  });

  it('ends an incomplete response with response.incomplete', () => {
    const events = replayEvents({ ...response(), status: 'incomplete' });
    expect(events.at(-1)!.type).toBe('response.incomplete');
  });
});
