import { CommonException } from '@routeiq/common';
import { parseMessagesRequest } from './messages-request.dto';
import { toChatCompletionRequest } from './messages-request.mapper';

const translate = (body: object): ReturnType<typeof toChatCompletionRequest> =>
  toChatCompletionRequest(parseMessagesRequest({ model: 'm', max_tokens: 9, ...body }));

describe('toChatCompletionRequest', () => {
  it('marks error tool results, drops thinking blocks and url images become image_url', () => {
    const chat = translate({
      messages: [
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 's' },
            { type: 'tool_use', id: 't1', name: 'f', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: 'boom', is_error: true },
            { type: 'image', source: { type: 'url', url: 'https://x/y.png' } },
          ],
        },
      ],
      tool_choice: { type: 'none' },
    });
    expect(chat.messages).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 't1', content: 'Error: boom' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
    ]);
    expect(chat.tool_choice).toBe('none');
    expect(chat.stream).toBeUndefined();
  });

  it('refuses content blocks the pivot cannot carry, naming the block', () => {
    const body = { messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] };
    expect(() => translate(body)).toThrow(CommonException);
    expect(() => translate(body)).toThrow(
      'messages.0.content.0: content blocks of type "document"',
    );
  });

  it('refuses a missing max_tokens and a server tool without input_schema', () => {
    const messages = [{ role: 'user', content: 'hi' }];
    expect(() => parseMessagesRequest({ model: 'm', messages })).toThrow(
      'max_tokens: Field required',
    );
    expect(() =>
      translate({ messages, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }),
    ).toThrow('tools.0.input_schema: required');
  });
});
