import {
  continueConversation,
  toAssistantMessage,
  type StoredConversation,
} from './responses-conversation.mapper';
import type { ResponsesResponse } from './responses.types';

const stored: StoredConversation = {
  messages: [
    { role: 'system', content: 'Old.' },
    { role: 'system', content: 'From the input.' },
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello' },
  ],
  instructions: 'Old.',
  deploymentId: 'dep-1',
};

describe('responses-conversation.mapper', () => {
  it('drops the stored instructions and puts the new ones first', () => {
    const own = [
      { role: 'system', content: 'New.' },
      { role: 'user', content: 'More' },
    ];
    expect(continueConversation(stored, own, true)).toEqual([
      { role: 'system', content: 'New.' },
      { role: 'system', content: 'From the input.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: 'More' },
    ]);
    expect(continueConversation(stored, [{ role: 'user', content: 'More' }], false)).toEqual([
      ...stored.messages.slice(1),
      { role: 'user', content: 'More' },
    ]);
  });

  it('keeps a leading system message that was not the instructions', () => {
    const noInstructions = { ...stored, instructions: null };
    expect(continueConversation(noInstructions, [], false)).toEqual(stored.messages);
  });

  it('replays text and function calls as one assistant message', () => {
    const response = {
      output: [
        { type: 'message', content: [{ type: 'output_text', text: 'Checking.' }] },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{}' },
      ],
    } as unknown as ResponsesResponse;
    expect(toAssistantMessage(response)).toEqual({
      role: 'assistant',
      content: 'Checking.',
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
      ],
    });
    expect(toAssistantMessage({ output: [] } as unknown as ResponsesResponse)).toEqual({
      role: 'assistant',
      content: null,
    });
  });
});
