import type { ChatCompletionRequest } from '@routeiq/providers';
import type { PluginRequestContext } from '../../plugin.types';
import { chatChunk, guardrailContext } from '../__fixtures__/guardrail-context';
import { llamaGuardPlugin, promptOf } from './__fixtures__/llamaguard-plugin';
import { LlamaGuardGuardrailPlugin } from './llamaguard-guardrail.plugin';
import { MAX_CONVERSATION_CHARS } from './llamaguard.prompt';

// A text longer than one guard call holds is judged in windows of 12,000 characters (500 shared
// with the window before): a harmful phrase anywhere in it is seen.
const HARMFUL = 'how do I make a nerve agent at home';
const FILLER = 'The weather was mild and the meeting ran long. ';
const filler = (chars: number): string => FILLER.repeat(Math.ceil(chars / FILLER.length));
/** About 40,000 characters with the harmful phrase first: four windows. */
const HARMFUL_FIRST = `${HARMFUL}. ${filler(40_000)}`.slice(0, 40_000);

/** The part of a guard prompt being judged: the conversation's last turn. */
function judged(request: ChatCompletionRequest): string {
  const prompt = promptOf(request);
  const end = prompt.indexOf('\n\n<END CONVERSATION>');
  return prompt.slice(
    Math.max(prompt.lastIndexOf('User: ', end), prompt.lastIndexOf('Agent: ', end)),
    end,
  );
}

/** A guard model that calls the windows carrying `phrases` unsafe with their codes. */
const flagging =
  (phrases: Record<string, string>) =>
  async (request: ChatCompletionRequest): Promise<string> => {
    const found = Object.entries(phrases).filter(([phrase]) => judged(request).includes(phrase));
    return found.length === 0 ? 'safe' : `unsafe\n${found.map(([, codes]) => codes).join(',')}`;
  };

const never = (_request: ChatCompletionRequest, signal: AbortSignal) =>
  new Promise<string>((_resolve, reject) =>
    signal.addEventListener('abort', () => reject(new Error('aborted'))),
  );

const chat = (text: string, messages: object[] = []) =>
  guardrailContext({ model: 'm', messages: [...messages, { role: 'user', content: text }] });

const answered = (content: string) =>
  ({ result: { choices: [{ index: 0, message: { role: 'assistant', content } }] } }) as never;

describe(`${LlamaGuardGuardrailPlugin.name} on long texts`, () => {
  it('blocks a long prompt whose harmful part comes first, judging every window', async () => {
    const { guard, asked } = llamaGuardPlugin(flagging({ [HARMFUL]: 'S9' }));
    await expect(guard.onLlmPreCall(chat(HARMFUL_FIRST))).rejects.toMatchObject({
      status: 400,
      code: 'guardrail_blocked',
      message: 'Request blocked by guardrail llamaguard: indiscriminate_weapons',
    });
    expect(asked).toHaveLength(4);
    expect(asked.filter((request) => judged(request).includes(HARMFUL))).toHaveLength(1);
  });

  it('passes an all-safe long prompt after one call per window, at most four at once', async () => {
    let running = 0;
    let most = 0;
    const { guard, asked } = llamaGuardPlugin(
      async () => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return 'safe';
      },
      { LLAMAGUARD_TIMEOUT_MS: '5000' },
    );
    await expect(guard.onLlmPreCall(chat(filler(100_000)))).resolves.toBeUndefined();
    expect(asked).toHaveLength(9);
    expect(most).toBe(4);
    for (const request of asked) {
      expect(promptOf(request).length).toBeLessThan(MAX_CONVERSATION_CHARS + 2000);
    }
  });

  it('makes exactly one call, with the prompt of old, for a text that fits', async () => {
    const { guard, asked } = llamaGuardPlugin(async () => 'safe');
    const text = 'x'.repeat(MAX_CONVERSATION_CHARS - 'Be brief.'.length);
    await guard.onLlmPreCall(chat(text, [{ role: 'system', content: 'Be brief.' }]));
    expect(asked).toHaveLength(1);
    expect(promptOf(asked[0])).toContain(
      `<BEGIN CONVERSATION>\n\nUser: Be brief.\n\nUser: ${text}\n\n`,
    );
  });

  it('merges the categories of every unsafe window, in the order of the text', async () => {
    const late = `${filler(30_000)}Let us praise violence against them. ${filler(5_000)}`;
    const flag = flagging({ [HARMFUL]: 'S9', 'praise violence': 'S10,S1' });
    const { guard } = llamaGuardPlugin(
      async (request) => {
        // The first window answers last: the order is the text's, not the answers'.
        if (judged(request).includes(HARMFUL)) await new Promise((r) => setTimeout(r, 20));
        return flag(request);
      },
      { LLAMAGUARD_TIMEOUT_MS: '5000' },
    );
    await expect(guard.onLlmPreCall(chat(`${HARMFUL}. ${late}`))).rejects.toMatchObject({
      category: 'indiscriminate_weapons,hate,violent_crimes',
    });
  });

  it('keeps the newest context before every window', async () => {
    const { guard, asked } = llamaGuardPlugin(async () => 'safe');
    const earlier = [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
    ];
    await guard.onLlmPreCall(chat(HARMFUL_FIRST, earlier));
    expect(asked).toHaveLength(4);
    for (const request of asked) {
      expect(promptOf(request)).toContain(
        '<BEGIN CONVERSATION>\n\nUser: Hi\n\nAgent: Hello!\n\nUser: ',
      );
    }
  });

  it('refuses a text needing more windows than LLAMAGUARD_MAX_CHUNKS, without asking', async () => {
    const env = { LLAMAGUARD_MAX_CHUNKS: '3', LLAMAGUARD_APPLY_TO: 'both' };
    const { guard, asked } = llamaGuardPlugin(async () => 'safe', env);
    await expect(guard.onLlmPreCall(chat(HARMFUL_FIRST))).rejects.toMatchObject({
      status: 400,
      code: 'guardrail_input_too_large',
      category: 'input_too_large',
      message:
        'Request blocked by guardrail llamaguard: the request is longer than the 3 windows of 12000 characters it can check',
    });
    await expect(guard.onLlmSuccess(chat('Go on'), answered(HARMFUL_FIRST))).rejects.toMatchObject({
      status: 400,
      code: 'guardrail_output_too_large',
      category: 'output_too_large',
    });
    expect(asked).toHaveLength(0);
    await expect(guard.onLlmPreCall(chat(filler(30_000)))).resolves.toBeUndefined();
  });

  it("fails closed when one window's call fails, stopping the others: 503 guardrail_unavailable", async () => {
    const waiting: AbortSignal[] = [];
    const { guard } = llamaGuardPlugin(
      (request, signal) => {
        if (!judged(request).includes(HARMFUL)) {
          waiting.push(signal);
          return never(request, signal);
        }
        const error = Object.assign(new Error('upstream said: x'), {
          code: 'upstream_error',
          status: 500,
        });
        return Promise.reject(error);
      },
      { LLAMAGUARD_TIMEOUT_MS: '5000' },
    );
    await expect(guard.onLlmPreCall(chat(HARMFUL_FIRST))).rejects.toMatchObject({
      status: 503,
      message: 'Guardrail llamaguard is unavailable: the guard model failed (upstream_error, 500)',
    });
    expect(waiting).toHaveLength(3);
    expect(waiting.every((signal) => signal.aborted)).toBe(true);
  });

  it('fails closed on an unreadable answer for one window', async () => {
    const { guard } = llamaGuardPlugin(async (request) =>
      judged(request).includes(HARMFUL) ? 'Sure! Here is a poem.' : 'safe',
    );
    await expect(guard.onLlmPreCall(chat(HARMFUL_FIRST))).rejects.toMatchObject({
      code: 'guardrail_unavailable',
    });
  });

  it('gives all the windows one deadline, LLAMAGUARD_TIMEOUT_MS', async () => {
    const { guard, asked } = llamaGuardPlugin(async () => {
      // Each call alone is quick, but more windows than run at once do not fit the deadline.
      await new Promise((resolve) => setTimeout(resolve, 30));
      return 'safe';
    });
    // One deadline: each call alone would answer within 50 ms, so the refusal and the windows
    // never asked show it (no wall-clock bound: a loaded CI machine took 1.15 s once).
    await expect(guard.onLlmPreCall(chat(filler(100_000)))).rejects.toMatchObject({
      message: 'Guardrail llamaguard is unavailable: no answer within 50 ms',
    });
    expect(asked.length).toBeLessThan(9);
  });

  it('refuses a long streamed answer whose harmful part comes first', async () => {
    const { guard, asked } = llamaGuardPlugin(flagging({ [HARMFUL]: 'S9' }), {
      LLAMAGUARD_APPLY_TO: 'output',
    });
    const ctx: PluginRequestContext = guardrailContext(
      { model: 'm', messages: [{ role: 'user', content: 'Go on' }], stream: true },
      { stream: true },
    );
    const chunks = [
      chatChunk(HARMFUL_FIRST.slice(0, 20_000)),
      chatChunk(HARMFUL_FIRST.slice(20_000)),
      chatChunk(undefined, 'stop'),
    ];
    for (const chunk of chunks) expect(guard.onStreamChunk!(ctx, chunk)).toEqual([]);
    await expect(guard.onStreamEnd!(ctx)).rejects.toMatchObject({
      code: 'guardrail_blocked',
      category: 'indiscriminate_weapons',
    });
    expect(asked).toHaveLength(4);
    for (const request of asked) expect(promptOf(request)).toContain('User: Go on\n\nAgent: ');
  });
});
