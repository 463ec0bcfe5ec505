import { lazyRoutingPrompt, ROUTING_PROMPT_MAX_CHARS, routingPromptOf } from './routing-prompt';

describe(routingPromptOf.name, () => {
  it('takes the last user turn, then the system prompt, of a chat body', () => {
    const body = {
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'an answer' },
        { role: 'user', content: 'second question' },
      ],
    };
    expect(routingPromptOf(body)).toBe('second question\nYou are terse.');
  });

  it('reads text parts only (OpenAI and Responses part types), and developer prompts', () => {
    const body = {
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'Be kind.' }] },
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            { type: 'input_text', text: 'describe' },
            { type: 'text', text: 'this picture' },
            { type: 'text', text: 42 },
            null,
          ],
        },
      ],
    };
    expect(routingPromptOf(body)).toBe('describe\nthis picture\nBe kind.');
  });

  it('bounds the text, giving the user turn priority over the system prompt', () => {
    const long = 'x'.repeat(ROUTING_PROMPT_MAX_CHARS + 100);
    const body = {
      messages: [
        { role: 'system', content: 'system text' },
        { role: 'user', content: long },
      ],
    };
    expect(routingPromptOf(body)).toBe(long.slice(0, ROUTING_PROMPT_MAX_CHARS));
    const parts = { messages: [{ role: 'user', content: [{ type: 'text', text: long }] }] };
    expect(routingPromptOf(parts)).toHaveLength(ROUTING_PROMPT_MAX_CHARS);
    const short = {
      messages: [
        { role: 'system', content: long },
        { role: 'user', content: 'hi' },
      ],
    };
    expect(routingPromptOf(short)).toHaveLength(ROUTING_PROMPT_MAX_CHARS);
  });

  it('reads completion prompts and embedding inputs', () => {
    expect(routingPromptOf({ prompt: 'complete me' })).toBe('complete me');
    expect(routingPromptOf({ prompt: ['a', 'b', [1, 2]] })).toBe('b');
    expect(routingPromptOf({ input: ['embed me', 'too'] })).toBe('embed me');
    expect(routingPromptOf({ input: [[1, 2, 3]] })).toBeUndefined();
  });

  it('is undefined when there is no text', () => {
    expect(routingPromptOf({ messages: [{ role: 'assistant', content: 'hi' }] })).toBeUndefined();
    expect(routingPromptOf({ messages: [{ role: 'user', content: '   ' }] })).toBeUndefined();
    expect(routingPromptOf({ messages: [null, 7] })).toBeUndefined();
    expect(routingPromptOf(null)).toBeUndefined();
    expect(routingPromptOf({ model: 'm' })).toBeUndefined();
  });
});

describe(lazyRoutingPrompt.name, () => {
  it('reads the body on the first call only', () => {
    const messages = [{ role: 'user', content: 'once' }];
    let reads = 0;
    const body = {
      get messages() {
        reads++;
        return messages;
      },
    };
    const prompt = lazyRoutingPrompt(body);
    expect(reads).toBe(0);
    expect(prompt()).toBe('once');
    expect(prompt()).toBe('once');
    expect(reads).toBe(1);
  });
});
