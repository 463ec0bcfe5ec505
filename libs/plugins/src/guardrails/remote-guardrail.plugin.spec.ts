import type { PluginRequestContext } from '../plugin.types';
import { chatChunk, guardrailContext } from './__fixtures__/guardrail-context';
import type { GuardrailSwitch } from './configured-guardrail.plugin';
import type { GuardedText, GuardrailVerdict } from './guardrail.types';
import { RemoteGuardrailPlugin } from './remote-guardrail.plugin';

type Json = Record<string, unknown>;

/** A remote guardrail whose service answers `verdict`, recording what it was asked to judge. */
class ScriptedGuardrail extends RemoteGuardrailPlugin<GuardrailSwitch> {
  readonly name = 'llamaguard';
  readonly priority = 1;
  readonly judged: GuardedText[][] = [];

  constructor(
    private readonly verdict: GuardrailVerdict,
    maxBytes = 1024,
  ) {
    super({ enabled: true, applyTo: 'output' }, maxBytes);
  }

  protected inspect(texts: readonly GuardedText[]): Promise<GuardrailVerdict> {
    this.judged.push([...texts]);
    return Promise.resolve(this.verdict);
  }
}

const PASS: GuardrailVerdict = { kind: 'pass' };
const BLOCK: GuardrailVerdict = { kind: 'flag', action: 'block', categories: ['violent_crimes'] };

const streamed = () =>
  guardrailContext({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { stream: true });

const callChunk = (args: string, id?: string): Json => ({
  ...chatChunk(undefined),
  choices: [
    {
      index: 0,
      delta: {
        tool_calls: [
          { index: 0, ...(id && { id, type: 'function' }), function: { arguments: args } },
        ],
      },
      finish_reason: null,
    },
  ],
});

async function streamThrough(guard: ScriptedGuardrail, ctx: PluginRequestContext, chunks: Json[]) {
  for (const chunk of chunks) expect(guard.onStreamChunk!(ctx, chunk)).toEqual([]);
  return (await guard.onStreamEnd!(ctx)) ?? [];
}

const TOOL_ANSWER = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  choices: [
    {
      index: 0,
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'f', arguments: '{"q":"attack"}' } },
        ],
      },
    },
  ],
};

describe(RemoteGuardrailPlugin.name, () => {
  describe('the hold cap', () => {
    it('refuses a stream as soon as its held text passes the cap, dropping what it held', () => {
      const guard = new ScriptedGuardrail(PASS, 1024);
      const ctx = streamed();
      expect(guard.onStreamChunk!(ctx, chatChunk('x'.repeat(1000)))).toEqual([]);
      expect(guard.onStreamChunk!(ctx, chatChunk('y'.repeat(24)))).toEqual([]);
      expect(() => guard.onStreamChunk!(ctx, chatChunk('z'))).toThrow(
        expect.objectContaining({
          status: 400,
          code: 'guardrail_output_too_large',
          guardrail: 'llamaguard',
          category: 'output_too_large',
          message:
            'Answer blocked by guardrail llamaguard: the streamed answer is larger than the 1024 bytes it can hold to check',
        }),
      );
      expect(ctx.state.size).toBe(0);
      expect(guard.judged).toEqual([]);
    });

    it('counts UTF-8 bytes, and tool-call arguments with the text', () => {
      const guard = new ScriptedGuardrail(PASS, 1024);
      const ctx = streamed();
      // 500 two-byte characters: 1000 bytes, 500 UTF-16 units.
      guard.onStreamChunk!(ctx, chatChunk('é'.repeat(500)));
      guard.onStreamChunk!(ctx, callChunk('{"k":"', 'call_1'));
      expect(() => guard.onStreamChunk!(ctx, callChunk('x'.repeat(20)))).toThrow(
        expect.objectContaining({ code: 'guardrail_output_too_large' }),
      );
    });

    it('judges a stream that stays within the cap as before', async () => {
      const guard = new ScriptedGuardrail(PASS, 1024);
      const chunks = [chatChunk('a'.repeat(1024)), chatChunk(undefined, 'stop')];
      const out = await streamThrough(guard, streamed(), chunks);
      expect(out).toEqual(chunks);
    });
  });

  describe('tool-call arguments', () => {
    it('judges a streamed tool call’s assembled arguments with the text, as the answer', async () => {
      const guard = new ScriptedGuardrail(PASS);
      const chunks = [
        chatChunk('Calling'),
        callChunk('', 'call_1'),
        callChunk('{"city":'),
        callChunk('"Paris"}'),
        chatChunk(undefined, 'tool_calls'),
      ];
      const out = await streamThrough(guard, streamed(), chunks);
      expect(guard.judged).toEqual([
        [
          { text: 'Calling', role: 'assistant' },
          { text: '{"city":"Paris"}', role: 'assistant', json: true },
        ],
      ]);
      out.forEach((chunk, at) => expect(chunk).toBe(chunks[at]));
    });

    it('refuses a streamed answer of tool calls only when the arguments are blocked', async () => {
      const guard = new ScriptedGuardrail(BLOCK);
      const ctx = streamed();
      guard.onStreamChunk!(ctx, callChunk('{"how":"attack"}', 'call_1'));
      guard.onStreamChunk!(ctx, chatChunk(undefined, 'tool_calls'));
      await expect(guard.onStreamEnd!(ctx)).rejects.toMatchObject({
        status: 400,
        code: 'guardrail_blocked',
        message: 'Request blocked by guardrail llamaguard: violent_crimes',
      });
    });

    it('judges and blocks a unary answer on its tool-call arguments', async () => {
      const guard = new ScriptedGuardrail(BLOCK);
      const ctx = guardrailContext({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      const success = { result: structuredClone(TOOL_ANSWER) } as never;
      await expect(guard.onLlmSuccess(ctx, success)).rejects.toMatchObject({
        code: 'guardrail_blocked',
      });
      expect(guard.judged).toEqual([
        [expect.objectContaining({ text: '{"q":"attack"}', role: 'assistant', json: true })],
      ]);
    });
  });
});
