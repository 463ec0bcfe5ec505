import { GuardrailException } from '../guardrails.exception';
import { chatChunk, guardrailContext, guardrailsConfigOf } from '../__fixtures__/guardrail-context';
import type { PluginLlmSuccess, PluginRequestContext } from '../../plugin.types';
import { GUARDRAIL_WARNING_HEADER } from '../text-guardrail.plugin';
import { PiiGuardrailPlugin } from './pii-guardrail.plugin';

const plugin = (env: Record<string, string> = {}): PiiGuardrailPlugin =>
  new PiiGuardrailPlugin(guardrailsConfigOf({ GUARDRAIL_PII_ENABLED: 'true', ...env }));

const chat = (content: unknown): Record<string, unknown> => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content }],
});

function success(content: string): PluginLlmSuccess {
  return {
    deploymentId: 'd1',
    provider: 'openai',
    modelGroup: 'gpt-4o-mini',
    result: {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    },
    usage: undefined,
    latencyMs: 1,
  };
}

/** Runs chunks through the hooks as the pipeline does; returns the frames written. */
function streamThrough(
  guard: PiiGuardrailPlugin,
  ctx: PluginRequestContext,
  chunks: object[],
): string[] {
  const out: object[] = [];
  for (const chunk of chunks) out.push(...(guard.onStreamChunk(ctx, chunk) ?? [chunk]));
  out.push(...(guard.onStreamEnd(ctx) ?? []));
  return out.map((chunk) => JSON.stringify(chunk));
}

function assembled(frames: string[]): string {
  return frames
    .map((frame) => JSON.parse(frame) as { choices: Array<{ delta: { content?: string } }> })
    .map((chunk) => chunk.choices.map((c) => c.delta.content ?? '').join(''))
    .join('');
}

const SPLIT_PII = [
  chatChunk(undefined),
  chatChunk('Write to jane.d'),
  chatChunk('oe@exam'),
  chatChunk('ple.com, card 4111 11'),
  chatChunk('11 111'),
  chatChunk('1 11'),
  chatChunk('11 thanks'),
  chatChunk(undefined, 'stop'),
];

describe(PiiGuardrailPlugin.name, () => {
  it('redacts the input in place, text parts included', () => {
    const ctx = guardrailContext(
      chat([{ type: 'text', text: 'I am bob@corp.io, SSN 123-45-6789' }]),
    );
    void plugin().onLlmPreCall(ctx);
    expect((ctx.request.messages as Array<{ content: unknown }>)[0]!.content).toEqual([
      { type: 'text', text: 'I am [REDACTED_EMAIL], SSN [REDACTED_SSN]' },
    ]);
  });

  it('blocks with the category and never the value', () => {
    const ctx = guardrailContext(chat('card 4111 1111 1111 1111'));
    const attempt = () => plugin({ GUARDRAIL_PII_ACTION: 'block' }).onLlmPreCall(ctx);
    expect(attempt).toThrow('Request blocked by guardrail pii: credit_card');
    let error: unknown;
    try {
      void attempt();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GuardrailException);
    expect(error).toMatchObject({
      status: 400,
      code: 'guardrail_blocked',
      guardrail: 'pii',
      category: 'credit_card',
    });
    expect(JSON.stringify(error)).not.toContain('4111');
  });

  it('warns with a header, or only logs, and lets the request through unchanged', () => {
    const warned = guardrailContext(chat('mail a@b.io or 415-555-2671'));
    void plugin({ GUARDRAIL_PII_ACTION: 'warn' }).onLlmPreCall(warned);
    expect(warned.responseHeaders[GUARDRAIL_WARNING_HEADER]).toBe('pii:email,phone');
    expect((warned.request.messages as Array<{ content: unknown }>)[0]!.content).toBe(
      'mail a@b.io or 415-555-2671',
    );
    const logged = guardrailContext(chat('mail a@b.io'));
    void plugin({ GUARDRAIL_PII_ACTION: 'log' }).onLlmPreCall(logged);
    expect(logged.responseHeaders).toEqual({});
  });

  it('checks only the configured side', () => {
    const ctx = guardrailContext(chat('a@b.io'));
    void plugin({ GUARDRAIL_PII_APPLY_TO: 'output' }).onLlmPreCall(ctx);
    expect((ctx.request.messages as Array<{ content: unknown }>)[0]!.content).toBe('a@b.io');
  });

  it('runs only for callers that select it when they select any', () => {
    const other = guardrailContext(chat('a@b.io'), { guardrails: ['content_filter'] });
    void plugin().onLlmPreCall(other);
    expect((other.request.messages as Array<{ content: unknown }>)[0]!.content).toBe('a@b.io');
    const chosen = guardrailContext(chat('a@b.io'), { guardrails: ['pii'] });
    void plugin().onLlmPreCall(chosen);
    expect((chosen.request.messages as Array<{ content: unknown }>)[0]!.content).toBe(
      '[REDACTED_EMAIL]',
    );
  });

  it('replaces a unary answer with a redacted copy, and leaves a clean one as it is', () => {
    const guard = plugin();
    const dirty = success('Call me at +14155552671');
    const before = dirty.result;
    void guard.onLlmSuccess(guardrailContext(chat('hi')), dirty);
    expect(dirty.result).not.toBe(before);
    expect(dirty.result).toMatchObject({
      choices: [{ message: { content: 'Call me at [REDACTED_PHONE]' } }],
    });
    const clean = success('Nothing to see');
    const kept = clean.result;
    void guard.onLlmSuccess(guardrailContext(chat('hi')), clean);
    expect(clean.result).toBe(kept);
  });

  it('redacts PII split across stream chunks, every frame a valid chunk with the same id', () => {
    const ctx = guardrailContext(chat('hi'), { stream: true });
    const frames = streamThrough(plugin(), ctx, SPLIT_PII);
    expect(assembled(frames)).toBe('Write to [REDACTED_EMAIL], card [REDACTED_CREDIT_CARD] thanks');
    for (const frame of frames) {
      expect(JSON.parse(frame)).toMatchObject({
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        model: 'gpt-4o-mini',
        choices: [expect.objectContaining({ index: 0, delta: expect.any(Object) })],
      });
      expect(frame).not.toMatch(/jane|exam|4111|1111/);
    }
    expect(JSON.parse(frames[frames.length - 1]!).choices[0].finish_reason).toBe('stop');
    expect(frames.filter((f) => f.includes('"finish_reason":"stop"'))).toHaveLength(1);
  });

  it('flushes held text in onStreamEnd when no finish chunk came', () => {
    const ctx = guardrailContext(chat('hi'), { stream: true });
    const guard = plugin();
    expect(guard.onStreamChunk(ctx, chatChunk('ends with a@b'))).toEqual([chatChunk('ends with ')]);
    expect(guard.onStreamEnd(ctx)).toEqual([
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: 'gpt-4o-mini',
        choices: [{ index: 0, delta: { content: 'a@b' }, finish_reason: null }],
      },
    ]);
  });

  it('passes chunks it does not change as they are (no copy)', () => {
    const ctx = guardrailContext(chat('hi'), { stream: true });
    const guard = plugin();
    expect(guard.onStreamChunk(ctx, chatChunk(undefined))).toBeUndefined();
    expect(guard.onStreamChunk(ctx, chatChunk('Hello!'))).toBeUndefined();
    expect(guard.onStreamChunk(ctx, { choices: [], usage: { prompt_tokens: 1 } })).toBeUndefined();
  });

  it('keeps choices apart and handles completion chunks', () => {
    const ctx = guardrailContext({ prompt: 'x' }, { endpoint: 'completion', stream: true });
    const completion = (text: string, index: number, finish: string | null = null) => ({
      id: 'cmpl-1',
      object: 'text_completion',
      model: 'm',
      choices: [{ index, text, finish_reason: finish, logprobs: null }],
    });
    const out = [
      completion('a@b', 0),
      completion('c@d', 1),
      completion('.io', 0, 'stop'),
      completion('.io', 1, 'stop'),
    ].flatMap((chunk) => plugin().onStreamChunk(ctx, chunk) ?? [chunk]) as Array<
      ReturnType<typeof completion>
    >;
    const textOf = (index: number) =>
      out
        .flatMap((c) => c.choices)
        .filter((c) => c.index === index)
        .map((c) => c.text)
        .join('');
    expect(textOf(0)).toBe('[REDACTED_EMAIL]');
    expect(textOf(1)).toBe('[REDACTED_EMAIL]');
  });

  it('redacts Messages (Anthropic) text deltas, flushing before the block stops', () => {
    const ctx = guardrailContext(
      { model: 'm', messages: [] },
      { endpoint: 'messages', stream: true },
    );
    const delta = (text: string) => ({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text },
    });
    const events = [
      { type: 'message_start', message: { id: 'msg_1' } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      delta('Mail jane.d'),
      delta('oe@exam'),
      delta('ple.com'),
      { type: 'content_block_stop', index: 0 },
      { type: 'message_stop' },
    ];
    const guard = plugin();
    const out = events.flatMap((event) => guard.onStreamChunk(ctx, event) ?? [event]);
    const text = out
      .filter((e) => (e as { type: string }).type === 'content_block_delta')
      .map((e) => (e as ReturnType<typeof delta>).delta.text)
      .join('');
    expect(text).toBe('Mail [REDACTED_EMAIL]');
    const types = out.map((e) => (e as { type: string }).type);
    expect(types.indexOf('content_block_stop')).toBeGreaterThan(
      types.lastIndexOf('content_block_delta'),
    );
    expect(types.slice(0, 2)).toEqual(['message_start', 'content_block_start']);
    expect(types.at(-1)).toBe('message_stop');
  });

  it('redacts Responses events: deltas, repeated whole texts, consecutive sequence numbers', () => {
    const ctx = guardrailContext({ input: 'hi' }, { endpoint: 'responses', stream: true });
    const full = 'Mail jane.doe@example.com now';
    const at = { item_id: 'msg_1', output_index: 0, content_index: 0 };
    const message = {
      type: 'message',
      id: 'msg_1',
      role: 'assistant',
      content: [{ type: 'output_text', text: full, annotations: [] }],
    };
    const events = [
      { type: 'response.created', response: { id: 'resp_1', output: [] } },
      { type: 'response.content_part.added', ...at, part: { type: 'output_text', text: '' } },
      { type: 'response.output_text.delta', ...at, delta: 'Mail jane.d' },
      { type: 'response.output_text.delta', ...at, delta: 'oe@exam' },
      { type: 'response.output_text.delta', ...at, delta: 'ple.com now' },
      { type: 'response.output_text.done', ...at, text: full },
      { type: 'response.content_part.done', ...at, part: { type: 'output_text', text: full } },
      { type: 'response.output_item.done', output_index: 0, item: message },
      { type: 'response.completed', response: { id: 'resp_1', output: [message] } },
    ].map((event, sequence) => ({ ...event, sequence_number: sequence }));
    const guard = plugin();
    const out = [
      ...events.flatMap((event) => guard.onStreamChunk(ctx, event) ?? [event]),
      ...(guard.onStreamEnd(ctx) ?? []),
    ] as Array<Record<string, unknown>>;
    const deltas = out.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta);
    expect(deltas.join('')).toBe('Mail [REDACTED_EMAIL] now');
    expect(JSON.stringify(out)).not.toMatch(/jane|example/);
    expect(out.find((e) => e.type === 'response.output_text.done')).toMatchObject({
      text: 'Mail [REDACTED_EMAIL] now',
    });
    expect(out.map((e) => e.sequence_number)).toEqual(out.map((_e, i) => i));
    expect(out.at(-1)).toMatchObject({
      type: 'response.completed',
      response: { output: [{ content: [{ text: 'Mail [REDACTED_EMAIL] now' }] }] },
    });
  });

  it('blocks a stream before the PII is written, and warns about it after the end', () => {
    const blocking = guardrailContext(chat('hi'), { stream: true });
    expect(() =>
      streamThrough(plugin({ GUARDRAIL_PII_ACTION: 'block' }), blocking, SPLIT_PII),
    ).toThrow('Request blocked by guardrail pii: email');
    const warned = guardrailContext(chat('hi'), { stream: true });
    const frames = streamThrough(plugin({ GUARDRAIL_PII_ACTION: 'warn' }), warned, SPLIT_PII);
    expect(assembled(frames)).toContain('jane.doe@example.com');
    expect(warned.responseHeaders[GUARDRAIL_WARNING_HEADER]).toBe('pii:credit_card,email');
  });
});
