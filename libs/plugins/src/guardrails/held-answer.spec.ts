import { chatChunk } from './__fixtures__/guardrail-context';
import { HeldAnswer } from './held-answer';

type Json = Record<string, unknown>;
type Choice = { index: number; delta?: { content?: string }; text?: string };

function holding(chunks: readonly object[]): HeldAnswer {
  const held = new HeldAnswer();
  for (const chunk of chunks) held.hold(chunk);
  return held;
}

/** The concatenated chat (`delta.content`) or completion (`text`) text of one choice. */
function textOf(chunks: readonly object[], index = 0): string {
  return chunks
    .flatMap((chunk) => ((chunk as Json).choices as Choice[]) ?? [])
    .filter((choice) => choice.index === index)
    .map((choice) => (choice.delta ? choice.delta.content : choice.text) ?? '')
    .join('');
}

const USAGE_CHUNK = {
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  choices: [],
  usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 },
};

describe(HeldAnswer.name, () => {
  const chat = [
    { ...chatChunk(undefined), choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] },
    chatChunk('Mail jane.d'),
    chatChunk('oe@exam'),
    chatChunk('ple.com today'),
    chatChunk(undefined, 'stop'),
    USAGE_CHUNK,
  ];

  it('keeps the chunks in order and puts each choice’s text together', () => {
    const held = holding(chat);
    expect(held.chunks).toEqual(chat);
    expect(held.chunks[1]).toBe(chat[1]);
    expect(held.texts()).toEqual([{ index: 0, text: 'Mail jane.doe@example.com today' }]);
  });

  it('assembles interleaved choices by index, and completion chunks', () => {
    const held = holding([
      chatChunk('B1 ', null, 1),
      chatChunk('A1 ', null, 0),
      chatChunk('B2', 'stop', 1),
      chatChunk('A2', 'stop', 0),
    ]);
    expect(held.texts()).toEqual([
      { index: 0, text: 'A1 A2' },
      { index: 1, text: 'B1 B2' },
    ]);
    const completion = (text: string, finish: string | null = null) => ({
      id: 'cmpl-1',
      object: 'text_completion',
      choices: [{ index: 0, text, logprobs: null, finish_reason: finish }],
    });
    expect(holding([completion('Hello '), completion('world', 'stop')]).texts()).toEqual([
      { index: 0, text: 'Hello world' },
    ]);
  });

  it('leaves out choices without text (tool calls only)', () => {
    const toolCall = {
      ...chatChunk(undefined),
      choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{}' } }] } }],
    };
    expect(holding([toolCall, chatChunk(undefined, 'tool_calls')]).texts()).toEqual([]);
  });

  it('redacts a chat stream: the whole text in the first text chunk, role, finish and usage kept', () => {
    const out = holding(chat).redacted(new Map([[0, 'Mail {EMAIL} today']]));
    expect(textOf(out)).toBe('Mail {EMAIL} today');
    expect(out).toHaveLength(4);
    expect(out[0]).toBe(chat[0]);
    expect(out[1]).toMatchObject({
      id: 'chatcmpl-1',
      choices: [{ delta: { content: 'Mail {EMAIL} today' } }],
    });
    expect(out[2]).toBe(chat[4]);
    expect(out[3]).toBe(USAGE_CHUNK);
    expect(JSON.stringify(out)).not.toMatch(/jane|exam/);
    // The held chunks themselves are never changed.
    expect(chat[1]).toEqual(chatChunk('Mail jane.d'));
  });

  it('redacts each choice on its own', () => {
    const out = holding([
      chatChunk('a@b.io ', null, 0),
      chatChunk('c@d.io', null, 1),
      chatChunk('x', 'stop', 0),
      chatChunk(undefined, 'stop', 1),
    ]).redacted(
      new Map([
        [0, '{EMAIL} x'],
        [1, '{EMAIL}'],
      ]),
    );
    expect(textOf(out, 0)).toBe('{EMAIL} x');
    expect(textOf(out, 1)).toBe('{EMAIL}');
    // The last chunk of choice 0 carried a finish: kept, with its text emptied.
    expect(out[2]).toMatchObject({
      choices: [{ index: 0, delta: { content: '' }, finish_reason: 'stop' }],
    });
  });

  it('redacts Messages text deltas and leaves other events alone', () => {
    const delta = (text: string) => ({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text },
    });
    const events = [
      { type: 'message_start', message: { id: 'msg_1', content: [] } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      delta('Mail jane.d'),
      delta('oe@example.com'),
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 5 } },
      { type: 'message_stop' },
    ];
    const held = holding(events);
    expect(held.texts()).toEqual([{ index: 0, text: 'Mail jane.doe@example.com' }]);
    const out = held.redacted(new Map([[0, 'Mail {EMAIL}']]));
    expect(out.map((event) => (event as Json).type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(out[2]).toEqual(delta('Mail {EMAIL}'));
  });

  it('redacts Responses deltas and the whole texts repeated in done and completed events', () => {
    const at = { item_id: 'msg_1', output_index: 0, content_index: 0 };
    const full = 'Mail jane@example.com now';
    const events = [
      { type: 'response.created', response: { id: 'r', output: [] } },
      { type: 'response.output_text.delta', ...at, delta: 'Mail jane@' },
      { type: 'response.output_text.delta', ...at, delta: 'example.com now' },
      { type: 'response.output_text.done', ...at, text: full },
      {
        type: 'response.completed',
        response: {
          id: 'r',
          output: [{ type: 'message', content: [{ type: 'output_text', text: full }] }],
        },
      },
    ].map((event, sequence) => ({ ...event, sequence_number: sequence }));
    const out = holding(events).redacted(new Map([[0, 'Mail {EMAIL} now']]));
    expect(out.map((event) => (event as Json).sequence_number)).toEqual([0, 1, 2, 3, 4]);
    expect(out.map((event) => (event as Json).delta ?? null)).toEqual([
      null,
      'Mail {EMAIL} now',
      '',
      null,
      null,
    ]);
    expect(out[3]).toMatchObject({ text: 'Mail {EMAIL} now' });
    expect(JSON.stringify(out[4])).toContain('"text":"Mail {EMAIL} now"');
    expect(JSON.stringify(out)).not.toContain('jane');
  });

  describe('tool-call arguments and size', () => {
    const call = (text: string, index = 0) => ({
      ...chatChunk(undefined),
      choices: [{ index: 0, delta: { tool_calls: [{ index, function: { arguments: text } }] } }],
    });

    it('assembles each chat tool call’s argument fragments, in the order the calls began', () => {
      const held = holding([call('{"a":', 1), call('{"b":2}', 0), call('1}', 1)]);
      expect(held.toolArguments()).toEqual(['{"a":1}', '{"b":2}']);
      expect(held.texts()).toEqual([]);
    });

    it('takes Responses arguments from their deltas, and repeats only when they differ', () => {
      const at = { item_id: 'fc_1', output_index: 1 };
      const item = { type: 'function_call', name: 'f', arguments: '{"q":"x"}' };
      const held = holding([
        { type: 'response.function_call_arguments.delta', ...at, delta: '{"q":' },
        { type: 'response.function_call_arguments.delta', ...at, delta: '"x"}' },
        { type: 'response.function_call_arguments.done', ...at, arguments: '{"q":"x"}' },
        { type: 'response.output_item.done', output_index: 1, item },
        { type: 'response.completed', response: { output: [{ ...item, arguments: '{"q":"y"}' }] } },
      ]);
      expect(held.toolArguments()).toEqual(['{"q":"x"}', '{"q":"y"}']);
    });

    it('reads Messages input_json_delta and a tool_use start that carries its input', () => {
      const held = holding([
        { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', input: {} } },
        {
          type: 'content_block_delta',
          index: 1,
          delta: { type: 'input_json_delta', partial_json: '{"k":' },
        },
        {
          type: 'content_block_delta',
          index: 1,
          delta: { type: 'input_json_delta', partial_json: '1}' },
        },
        {
          type: 'content_block_start',
          index: 2,
          content_block: { type: 'tool_use', input: { z: 0 } },
        },
      ]);
      expect(held.toolArguments()).toEqual(['{"k":1}', '{"z":0}']);
    });

    it('counts the UTF-8 bytes of the text and arguments held, nothing else', () => {
      const held = new HeldAnswer();
      expect(held.hold(chat[0]!)).toBe(0);
      expect(held.hold(chatChunk('héllo'))).toBe(6);
      expect(held.hold(call('{"€":1}'))).toBe(6 + 9);
      expect(held.hold(USAGE_CHUNK)).toBe(15);
    });
  });
});
