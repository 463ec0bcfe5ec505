import { requestToolSlots, resultToolSlots } from './tool-texts';

const view = (slots: ReturnType<typeof requestToolSlots>) =>
  slots.map(({ role, text, json }) => [role, text, json]);

describe('requestToolSlots', () => {
  it("finds chat assistant turns' tool-call and legacy function-call arguments", () => {
    const request = {
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'mail', arguments: '{"to":"a"}' } },
            { id: 'c2', type: 'function', function: { name: 'noop', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'sent' },
        { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } },
      ],
    };
    const slots = requestToolSlots('chat', request);
    expect(view(slots)).toEqual([
      ['assistant', '{"to":"a"}', true],
      ['assistant', '{}', true],
    ]);
    slots[0]!.set('{"to":"b"}');
    const turn = request.messages[1] as { tool_calls: Array<{ function: { arguments: string } }> };
    expect(turn.tool_calls[0]!.function.arguments).toBe('{"to":"b"}');
  });

  it('finds Messages tool_use inputs (as JSON) and tool_result contents', () => {
    const request = {
      messages: [
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Calling' },
            { type: 'tool_use', id: 't1', name: 'mail', input: { to: 'a' } },
            { type: 'tool_use', id: 't2', name: 'noop', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: 'sent' },
            { type: 'tool_result', tool_use_id: 't2', content: [{ type: 'text', text: 'ok' }] },
          ],
        },
      ],
    };
    const slots = requestToolSlots('messages', request);
    expect(view(slots)).toEqual([
      ['assistant', '{"to":"a"}', true],
      ['tool', 'sent', true],
      ['tool', 'ok', true],
    ]);
    const block = request.messages[0]!.content[1] as { input: unknown };
    const input = block.input;
    slots[0]!.set('{"to":"a"}');
    expect(block.input).toBe(input);
    slots[0]!.set('{"to":"[REDACTED_EMAIL]"}');
    expect(block.input).toEqual({ to: '[REDACTED_EMAIL]' });
  });

  it('finds Responses function_call arguments and function_call_output outputs', () => {
    const request = {
      input: [
        { role: 'user', content: 'hi' },
        { type: 'function_call', call_id: 'c1', name: 'mail', arguments: '{"to":"a"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'sent' },
        {
          type: 'function_call_output',
          call_id: 'c2',
          output: [{ type: 'input_text', text: 'ok' }],
        },
      ],
    };
    expect(view(requestToolSlots('responses', request))).toEqual([
      ['assistant', '{"to":"a"}', true],
      ['tool', 'sent', true],
      ['tool', 'ok', true],
    ]);
    expect(requestToolSlots('responses', { input: 'plain' })).toEqual([]);
    expect(requestToolSlots('embedding', { input: ['x'] })).toEqual([]);
  });
});

describe('resultToolSlots', () => {
  it('reads the tool-call arguments of chat, Messages and Responses answers', () => {
    const args = (result: Record<string, unknown>) => resultToolSlots(result).map((s) => s.text);
    expect(
      args({
        choices: [
          {
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [
                { id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
              ],
            },
          },
          { message: { content: 'x', function_call: { name: 'g', arguments: '{"b":2}' } } },
        ],
      }),
    ).toEqual(['{"a":1}', '{"b":2}']);
    expect(
      args({
        content: [
          { type: 'text', text: 'd' },
          { type: 'tool_use', input: { c: 3 } },
        ],
      }),
    ).toEqual(['{"c":3}']);
    expect(
      args({ output: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: '{"d":4}' }] }),
    ).toEqual(['{"d":4}']);
    expect(args({ choices: [{ text: 'completion' }] })).toEqual([]);
  });
});
