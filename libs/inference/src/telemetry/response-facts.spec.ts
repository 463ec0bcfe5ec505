import { newFacts, readFacts } from './response-facts';

describe(readFacts.name, () => {
  it('reads an OpenAI chat completion', () => {
    const facts = newFacts();
    readFacts(
      { id: 'chatcmpl-1', model: 'gpt-4o-mini', choices: [{ finish_reason: 'stop' }] },
      facts,
    );
    expect(facts).toEqual({ id: 'chatcmpl-1', model: 'gpt-4o-mini', finishReasons: ['stop'] });
  });

  it('merges OpenAI stream chunks: id and model from the first, reasons from the last', () => {
    const facts = newFacts();
    readFacts(
      { id: 'c1', model: 'm', choices: [{ delta: { content: 'a' }, finish_reason: null }] },
      facts,
    );
    readFacts({ id: 'c1', model: 'm', choices: [{ delta: {}, finish_reason: 'length' }] }, facts);
    readFacts({ id: 'c1', model: 'm', choices: [], usage: {} }, facts);
    expect(facts).toEqual({ id: 'c1', model: 'm', finishReasons: ['length'] });
  });

  it('reads Anthropic messages and stream events', () => {
    const message = newFacts();
    readFacts({ type: 'message', id: 'msg_1', model: 'claude', stop_reason: 'end_turn' }, message);
    expect(message).toEqual({ id: 'msg_1', model: 'claude', finishReasons: ['end_turn'] });
    const stream = newFacts();
    readFacts({ type: 'message_start', message: { id: 'msg_2', model: 'claude' } }, stream);
    readFacts({ type: 'message_delta', delta: { stop_reason: 'tool_use' } }, stream);
    expect(stream).toEqual({ id: 'msg_2', model: 'claude', finishReasons: ['tool_use'] });
  });

  it('reads Responses objects and their completed event, not the in-progress one', () => {
    const facts = newFacts();
    readFacts(
      { type: 'response.created', response: { id: 'resp_1', model: 'g', status: 'in_progress' } },
      facts,
    );
    expect(facts.finishReasons).toEqual([]);
    readFacts(
      { type: 'response.completed', response: { id: 'resp_1', model: 'g', status: 'completed' } },
      facts,
    );
    expect(facts).toEqual({ id: 'resp_1', model: 'g', finishReasons: ['completed'] });
  });

  it('ignores payloads without any of these fields', () => {
    const facts = newFacts();
    readFacts({ object: 'list', data: [] }, facts);
    expect(facts).toEqual({ finishReasons: [] });
  });
});
