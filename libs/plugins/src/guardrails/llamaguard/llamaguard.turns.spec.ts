import { llamaGuardInputTurns } from './llamaguard.turns';

describe('llamaGuardInputTurns', () => {
  it('leaves endpoints without a conversation to the plain texts', () => {
    expect(llamaGuardInputTurns('completion', { prompt: 'Hi' })).toBeUndefined();
    expect(llamaGuardInputTurns('embedding', { input: ['a', 'b'] })).toBeUndefined();
  });

  it('keeps the system prompt and earlier turns apart, one turn per message', () => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look at' },
          { type: 'text', text: 'this' },
        ],
      },
    ];
    expect(llamaGuardInputTurns('chat', { messages })).toEqual([
      { role: 'system', text: 'Be brief.' },
      { role: 'user', text: 'Hi' },
      { role: 'assistant', text: 'Hello!' },
      { role: 'user', text: 'Look at\n\nthis' },
    ]);
  });

  it("ends the caller's turn at the model's last turn, even one with only tool calls", () => {
    const messages = [
      { role: 'user', content: 'Search it' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function' }] },
      { role: 'tool', tool_call_id: 'c', content: 'found' },
      { role: 'assistant', content: 'Sure, here' },
    ];
    expect(llamaGuardInputTurns('chat', { messages })).toEqual([
      { role: 'user', text: 'Search it' },
      { role: 'user', text: 'found' },
      // An assistant prefill stays after the turn judged, as before.
      { role: 'assistant', text: 'Sure, here' },
    ]);
  });

  it('reads Responses items in order: function calls and reasoning are the model turn', () => {
    const input = [
      { role: 'developer', content: 'Use tools.' },
      { role: 'user', content: [{ type: 'input_text', text: 'Weather?' }] },
      { type: 'reasoning', summary: [] },
      { type: 'function_call', call_id: 'c', name: 'w', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c', output: 'Sunny' },
      { type: 'message', role: 'user', content: 'And tomorrow?' },
    ];
    expect(llamaGuardInputTurns('responses', { instructions: 'Be brief.', input })).toEqual([
      { role: 'system', text: 'Be brief.' },
      { role: 'developer', text: 'Use tools.' },
      { role: 'user', text: 'Weather?' },
      { role: 'user', text: 'Sunny\n\nAnd tomorrow?' },
    ]);
    expect(llamaGuardInputTurns('responses', { input: 'Hi' })).toEqual([
      { role: 'user', text: 'Hi' },
    ]);
  });

  it('reads a Messages turn in block order, tool results before or after its text', () => {
    const messages = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Before' },
          { type: 'tool_result', tool_use_id: 't', content: 'result' },
          { type: 'image', source: { type: 'url', url: 'https://x' } },
          { type: 'tool_result', tool_use_id: 'u', content: '' },
        ],
      },
    ];
    expect(llamaGuardInputTurns('messages', { messages })).toEqual([
      { role: 'user', text: 'Before\n\nresult' },
    ]);
  });
});
