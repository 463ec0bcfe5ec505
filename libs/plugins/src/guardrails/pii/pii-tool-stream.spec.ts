import { guardrailContext, guardrailsConfigOf } from '../__fixtures__/guardrail-context';
import type { PluginRequestContext } from '../../plugin.types';
import { GUARDRAIL_WARNING_HEADER } from '../text-guardrail.plugin';
import { PiiGuardrailPlugin } from './pii-guardrail.plugin';
import { PiiToolStream } from './pii-tool-stream';

type Json = Record<string, unknown>;
type Frame = Json & { choices: Array<{ index: number; delta: Json; finish_reason: unknown }> };

const plugin = (env: Record<string, string> = {}): PiiGuardrailPlugin =>
  new PiiGuardrailPlugin(guardrailsConfigOf({ GUARDRAIL_PII_ENABLED: 'true', ...env }));
const streamCtx = () => guardrailContext({ model: 'm', messages: [] }, { stream: true });

const BASE = {
  id: 'chatcmpl-t',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
};
const chunk = (delta: Json, finish: string | null = null): Frame => ({
  ...BASE,
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const callStart = (call: number, id: string, name: string): Frame =>
  chunk({ tool_calls: [{ index: call, id, type: 'function', function: { name, arguments: '' } }] });
const fragment = (call: number, text: string): Frame =>
  chunk({ tool_calls: [{ index: call, function: { arguments: text } }] });

const ARGS = JSON.stringify({
  to: 'jane.doe@example.com',
  body: 'Card 4111 1111 1111 1111,\nSSN 123-45-6789 "or" (415) 555-2671',
  host: '10.0.0.1',
});
const REDACTED = {
  to: '[REDACTED_EMAIL]',
  body: 'Card [REDACTED_CREDIT_CARD],\nSSN [REDACTED_SSN] "or" [REDACTED_PHONE]',
  host: '[REDACTED_IP]',
};
const SECOND = '{"cc":"ops@corp.example.org"}';

/** Runs chunks through the hooks as the pipeline does; returns what was written. */
function through(guard: PiiGuardrailPlugin, ctx: PluginRequestContext, chunks: object[]): Frame[] {
  const out: object[] = [];
  for (const one of chunks) out.push(...(guard.onStreamChunk(ctx, one) ?? [one]));
  out.push(...(guard.onStreamEnd(ctx) ?? []));
  return out.map((frame) => JSON.parse(JSON.stringify(frame)) as Frame);
}

/** What an SDK assembles from the frames: content and tool calls by index. */
function assemble(frames: readonly Frame[]) {
  let content = '';
  const calls: Array<{ id?: string; name?: string; arguments: string }> = [];
  for (const { choices } of frames) {
    for (const { delta } of choices) {
      content += (delta.content as string | undefined) ?? '';
      for (const entry of (delta.tool_calls as Json[] | undefined) ?? []) {
        const call = (calls[entry.index as number] ??= { arguments: '' });
        const fn = entry.function as Json | undefined;
        if (typeof entry.id === 'string') call.id = entry.id;
        if (typeof fn?.name === 'string') call.name = fn.name;
        call.arguments += (fn?.arguments as string | undefined) ?? '';
      }
    }
  }
  return { content, calls };
}

/** A PRNG with a seed, so a failing case can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

function cutInto(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set([0, ...cuts, text.length])].sort((a, b) => a - b);
  return points.slice(1).map((end, i) => text.slice(points[i], end));
}

describe(PiiToolStream.name, () => {
  it('redacts PII split across argument fragments at any split points; the JSON stays valid (property)', () => {
    const random = prng(42);
    for (let run = 0; run < 200; run++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 12) }, () =>
        Math.floor(random() * (ARGS.length + 1)),
      );
      const second = Math.floor(random() * SECOND.length);
      const chunks = [
        chunk({ role: 'assistant', content: 'Mailing now.' }),
        callStart(0, 'call_1', 'send_mail'),
        ...cutInto(ARGS, cuts).map((piece) => fragment(0, piece)),
        callStart(1, 'call_2', 'cc'),
        ...cutInto(SECOND, [second]).map((piece) => fragment(1, piece)),
        chunk({}, 'tool_calls'),
      ];
      const frames = through(plugin(), streamCtx(), chunks);
      const { content, calls } = assemble(frames);
      expect({
        cuts,
        content,
        calls: calls.map((c): unknown[] => [c.id, c.name, JSON.parse(c.arguments)]),
      }).toEqual({
        cuts,
        content: 'Mailing now.',
        calls: [
          ['call_1', 'send_mail', REDACTED],
          ['call_2', 'cc', { cc: '[REDACTED_EMAIL]' }],
        ],
      });
      const text = JSON.stringify(frames);
      expect(text).not.toMatch(/jane|example|4111|6789|2671|10\.0\.0/);
      for (const frame of frames) expect(frame).toMatchObject(BASE);
      const finishes = frames.filter((f) => f.choices[0]!.finish_reason !== null);
      expect(finishes).toHaveLength(1);
      expect(frames.at(-1)).toEqual(finishes[0]);
    }
  });

  it('writes ids and names where they came, and the arguments in one fragment before the finish', () => {
    const frames = through(plugin(), streamCtx(), [
      callStart(0, 'call_1', 'send_mail'),
      fragment(0, '{"to":"a@'),
      fragment(0, 'b.io"}'),
      chunk({}, 'tool_calls'),
    ]);
    expect(frames.map((f) => f.choices[0]!.delta)).toEqual([
      {
        tool_calls: [
          {
            index: 0,
            id: 'call_1',
            type: 'function',
            function: { name: 'send_mail', arguments: '' },
          },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"to":"[REDACTED_EMAIL]"}' } }] },
      {},
    ]);
    expect(frames.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('keeps a whole call sent in one chunk (id, arguments and finish) in that chunk', () => {
    const whole = chunk(
      {
        role: 'assistant',
        tool_calls: [
          {
            index: 0,
            id: 'c',
            type: 'function',
            function: { name: 'f', arguments: '{"ip":"10.1.2.3"}' },
          },
        ],
      },
      'tool_calls',
    );
    const frames = through(plugin(), streamCtx(), [whole]);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      delta: {
        tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{"ip":"[REDACTED_IP]"}' } }],
      },
    });
  });

  it('handles legacy function_call fragments and clean arguments', () => {
    const frames = through(plugin(), streamCtx(), [
      chunk({ role: 'assistant', function_call: { name: 'lookup', arguments: '' } }),
      chunk({ function_call: { arguments: '{"q":"call 415-555' } }),
      chunk({ function_call: { arguments: '-2671","n":2}' } }),
      chunk({}, 'function_call'),
    ]);
    const args = frames.map(
      (f) => ((f.choices[0]!.delta.function_call as Json | undefined)?.arguments as string) ?? '',
    );
    expect(JSON.parse(args.join(''))).toEqual({ q: 'call [REDACTED_PHONE]', n: 2 });
    expect(frames[0]!.choices[0]!.delta.function_call).toEqual({ name: 'lookup', arguments: '' });

    const clean = through(plugin(), streamCtx(), [
      callStart(0, 'c', 'f'),
      fragment(0, '{"city":'),
      fragment(0, '"Oslo"}'),
      chunk({}, 'tool_calls'),
    ]);
    expect(assemble(clean).calls[0]!.arguments).toBe('{"city":"Oslo"}');
  });

  it('writes held arguments at the end of a stream cut before its finish, redacted as text when not JSON', () => {
    const ctx = streamCtx();
    const guard = plugin();
    expect(guard.onStreamChunk(ctx, callStart(0, 'c', 'f'))).toBeUndefined();
    expect(guard.onStreamChunk(ctx, fragment(0, '{"to": "a@b.io", "cu'))).toEqual([]);
    expect(guard.onStreamEnd(ctx)).toEqual([
      {
        ...BASE,
        choices: [
          {
            index: 0,
            delta: {
              tool_calls: [{ index: 0, function: { arguments: '{"to": "[REDACTED_EMAIL]", "cu' } }],
            },
            finish_reason: null,
          },
        ],
      },
    ]);
  });

  it('blocks at the end of the call, before any of its arguments is written', () => {
    const ctx = streamCtx();
    const guard = plugin({ GUARDRAIL_PII_ACTION: 'block' });
    const written: object[] = [];
    const chunks = [callStart(0, 'c', 'f'), fragment(0, '{"ssn":"123-45-'), fragment(0, '6789"}')];
    for (const one of chunks) written.push(...(guard.onStreamChunk(ctx, one) ?? [one]));
    expect(JSON.stringify(written)).not.toContain('123');
    expect(() => guard.onStreamChunk(ctx, chunk({}, 'tool_calls'))).toThrow(
      'Request blocked by guardrail pii: ssn',
    );
  });

  it('warns and logs without changing the stream', () => {
    const ctx = streamCtx();
    const guard = plugin({ GUARDRAIL_PII_ACTION: 'warn' });
    const chunks = [
      callStart(0, 'c', 'f'),
      fragment(0, '{"to":"a@'),
      fragment(0, 'b.io"}'),
      chunk({}, 'tool_calls'),
    ];
    for (const one of chunks) expect(guard.onStreamChunk(ctx, one)).toBeUndefined();
    expect(guard.onStreamEnd(ctx)).toBeUndefined();
    expect(ctx.responseHeaders[GUARDRAIL_WARNING_HEADER]).toBe('pii:email');
  });

  it('redacts Messages input_json_delta fragments, written whole before the block stops', () => {
    const ctx = guardrailContext(
      { model: 'm', messages: [] },
      { endpoint: 'messages', stream: true },
    );
    const partial = (partial_json: string) => ({
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'input_json_delta', partial_json },
    });
    const events = [
      { type: 'message_start', message: { id: 'msg_1' } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Sending' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'toolu_1', name: 'mail', input: {} },
      },
      partial('{"to": "jane.d'),
      partial('oe@exam'),
      partial('ple.com"}'),
      { type: 'content_block_stop', index: 1 },
      { type: 'message_stop' },
    ];
    const guard = plugin();
    const out = events.flatMap((event) => guard.onStreamChunk(ctx, event) ?? [event]) as Json[];
    expect(JSON.stringify(out)).not.toMatch(/jane|example/);
    const tool = out.filter((e) => e.type === 'content_block_delta' && e.index === 1);
    expect(tool).toEqual([partial('{"to": "[REDACTED_EMAIL]"}')]);
    const types = out.map(
      (e) => `${e.type as string}${e.index === undefined ? '' : `:${e.index as number}`}`,
    );
    expect(types).toEqual([
      'message_start',
      'content_block_start:0',
      'content_block_delta:0',
      'content_block_stop:0',
      'content_block_start:1',
      'content_block_delta:1',
      'content_block_stop:1',
      'message_stop',
    ]);
  });

  it('redacts Responses argument deltas and the whole arguments its events repeat, in sequence', () => {
    const ctx = guardrailContext({ input: 'hi' }, { endpoint: 'responses', stream: true });
    const args = '{"to":"jane.doe@example.com"}';
    const at = { item_id: 'fc_1', output_index: 0 };
    const item = {
      type: 'function_call',
      id: 'fc_1',
      call_id: 'call_1',
      name: 'mail',
      arguments: args,
      status: 'completed',
    };
    const events = [
      { type: 'response.created', response: { id: 'resp_1', output: [] } },
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { ...item, arguments: '', status: 'in_progress' },
      },
      { type: 'response.function_call_arguments.delta', ...at, delta: '{"to":"jane.d' },
      { type: 'response.function_call_arguments.delta', ...at, delta: 'oe@exam' },
      { type: 'response.function_call_arguments.delta', ...at, delta: 'ple.com"}' },
      { type: 'response.function_call_arguments.done', ...at, name: 'mail', arguments: args },
      { type: 'response.output_item.done', output_index: 0, item },
      { type: 'response.completed', response: { id: 'resp_1', output: [item] } },
    ].map((event, sequence) => ({ ...event, sequence_number: sequence }));
    const guard = plugin();
    const out = [
      ...events.flatMap((event) => guard.onStreamChunk(ctx, event) ?? [event]),
      ...(guard.onStreamEnd(ctx) ?? []),
    ] as Json[];
    const redacted = '{"to":"[REDACTED_EMAIL]"}';
    expect(JSON.stringify(out)).not.toMatch(/jane|example/);
    const deltas = out.filter((e) => e.type === 'response.function_call_arguments.delta');
    expect(deltas).toEqual([
      {
        type: 'response.function_call_arguments.delta',
        ...at,
        delta: redacted,
        sequence_number: 2,
      },
    ]);
    expect(out.map((e) => e.type)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(out.map((e) => e.sequence_number)).toEqual(out.map((_e, i) => i));
    expect(out[3]).toMatchObject({ arguments: redacted });
    expect(out[4]).toMatchObject({ item: { arguments: redacted, call_id: 'call_1' } });
    expect(out[5]).toMatchObject({ response: { output: [{ arguments: redacted }] } });
  });
});
