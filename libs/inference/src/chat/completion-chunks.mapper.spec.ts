import type { ChatCompletion } from '@routeiq/providers';
import { toCompletionChunks } from './completion-chunks.mapper';

const answer: ChatCompletion = {
  id: 'chatcmpl-9',
  object: 'chat.completion',
  created: 7,
  model: 'gpt',
  system_fingerprint: 'fp',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: 'Hi',
        annotations: [],
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      finish_reason: 'tool_calls',
    },
  ],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};

describe(toCompletionChunks.name, () => {
  it('streams the whole message, then the finish reason, then usage when asked', () => {
    const head = {
      id: 'chatcmpl-9',
      object: 'chat.completion.chunk',
      created: 7,
      model: 'gpt',
      system_fingerprint: 'fp',
    };
    expect(toCompletionChunks(answer, true)).toEqual([
      {
        ...head,
        choices: [
          {
            index: 0,
            delta: {
              role: 'assistant',
              content: 'Hi',
              tool_calls: [
                { index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } },
              ],
            },
            finish_reason: null,
          },
        ],
      },
      { ...head, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
      { ...head, choices: [], usage: answer.usage },
    ]);
  });

  it('leaves the usage chunk out unless the client asked for it', () => {
    expect(toCompletionChunks(answer, false)).toHaveLength(2);
  });
});
