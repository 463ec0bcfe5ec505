import { requestSlots, resultSlots, withResultTexts } from './guardrail-texts';

describe('requestSlots', () => {
  it('finds chat message contents, text parts included, with their roles', () => {
    const request = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            { type: 'image_url', image_url: { url: 'https://x/y.png' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [] },
        { role: 'tool', tool_call_id: 't1', content: 'result' },
      ],
    };
    const slots = requestSlots('chat', request);
    expect(slots.map(({ text, role }) => [role, text])).toEqual([
      ['system', 'Be brief.'],
      ['user', 'Look:'],
      ['tool', 'result'],
    ]);
    slots[1]!.set('Seen:');
    expect(request.messages[1]!.content).toEqual([
      { type: 'text', text: 'Seen:' },
      { type: 'image_url', image_url: { url: 'https://x/y.png' } },
    ]);
  });

  it('finds completion prompts and embedding inputs, strings only', () => {
    expect(requestSlots('completion', { prompt: 'one' }).map((s) => s.text)).toEqual(['one']);
    expect(requestSlots('completion', { prompt: ['a', 'b'] }).map((s) => s.text)).toEqual([
      'a',
      'b',
    ]);
    expect(requestSlots('embedding', { input: [[1, 2, 3]] })).toEqual([]);
    const request = { input: ['x', 'y'] };
    requestSlots('embedding', request)[1]!.set('z');
    expect(request.input).toEqual(['x', 'z']);
  });

  it('finds Messages and Responses texts', () => {
    const messages = {
      system: [{ type: 'text', text: 'sys' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    };
    expect(requestSlots('messages', messages).map((s) => [s.role, s.text])).toEqual([
      ['system', 'sys'],
      ['user', 'hi'],
    ]);
    const responses = {
      instructions: 'inst',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'q' }] }],
    };
    expect(requestSlots('responses', responses).map((s) => s.text)).toEqual(['inst', 'q']);
    expect(requestSlots('responses', { input: 'plain' }).map((s) => s.text)).toEqual(['plain']);
  });
});

describe('resultSlots and withResultTexts', () => {
  it('reads chat, completion, Messages and Responses answers', () => {
    const text = (result: Record<string, unknown>): string[] =>
      resultSlots(result).map((s) => s.text);
    expect(
      text({
        choices: [{ message: { role: 'assistant', content: 'a' } }, { message: { content: 'b' } }],
      }),
    ).toEqual(['a', 'b']);
    expect(text({ choices: [{ text: 'c' }] })).toEqual(['c']);
    expect(text({ content: [{ type: 'text', text: 'd' }, { type: 'tool_use' }] })).toEqual(['d']);
    expect(
      text({ output: [{ type: 'message', content: [{ type: 'output_text', text: 'e' }] }] }),
    ).toEqual(['e']);
    expect(text({ data: [] })).toEqual([]);
  });

  it('returns a changed copy and leaves the original (and its raw JSON) alone', () => {
    const original = {
      id: 'x',
      choices: [{ index: 0, message: { role: 'assistant', content: 'secret' } }],
    };
    const raw = Symbol.for('test.raw');
    Object.defineProperty(original, raw, { value: '{"raw":true}' });
    const copy = withResultTexts(original, ['[REDACTED]']) as typeof original;
    expect(copy.choices[0]!.message.content).toBe('[REDACTED]');
    expect(original.choices[0]!.message.content).toBe('secret');
    expect((copy as Record<symbol, unknown>)[raw]).toBeUndefined();
  });
});
