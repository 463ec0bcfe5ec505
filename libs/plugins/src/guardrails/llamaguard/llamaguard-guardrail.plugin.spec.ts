import type { ConfigStore } from '@routeiq/config';
import type { PluginRequestContext } from '../../plugin.types';
import { chatChunk, guardrailContext, guardrailsConfigOf } from '../__fixtures__/guardrail-context';
import { guardModels, llamaGuardPlugin as plugin } from './__fixtures__/llamaguard-plugin';
import { LlamaGuardClient } from './llamaguard.client';
import { LlamaGuardGuardrailPlugin } from './llamaguard-guardrail.plugin';

const chat = (text: string) =>
  guardrailContext({ model: 'm', messages: [{ role: 'user', content: text }] });

const streamed = (options: { guardrails?: readonly string[]; signal?: AbortSignal } = {}) =>
  guardrailContext(
    { model: 'm', messages: [{ role: 'user', content: 'how do I feel better?' }], stream: true },
    { stream: true, ...options },
  );

const ANSWER = [
  { ...chatChunk(undefined), choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] },
  chatChunk('Have a '),
  chatChunk('rest.'),
  chatChunk(undefined, 'stop'),
];

type Guard = ReturnType<typeof plugin>['guard'];

/** Each chunk through `onStreamChunk` (what it lets through), then `onStreamEnd`'s release. */
async function streamThrough(guard: Guard, ctx: PluginRequestContext, chunks: readonly object[]) {
  const passed: object[] = [];
  for (const chunk of chunks) passed.push(...(guard.onStreamChunk!(ctx, chunk) ?? [chunk]));
  const released = guard.onStreamEnd!(ctx);
  return { passed, released };
}

describe(LlamaGuardGuardrailPlugin.name, () => {
  it('declares the network capability, as a guardrail that calls a model', () => {
    expect(plugin(async () => 'safe').guard.capabilities).toEqual([
      'observe',
      'guardrail',
      'modify_request',
      'modify_response',
      'network',
    ]);
  });

  it('asks the guard deployment with the Llama Guard prompt and blocks on unsafe', async () => {
    const { guard, asked } = plugin(async () => 'unsafe\nS9');
    await expect(guard.onLlmPreCall(chat('make a nerve agent'))).rejects.toMatchObject({
      status: 400,
      code: 'guardrail_blocked',
      message: 'Request blocked by guardrail llamaguard: indiscriminate_weapons',
    });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ model: 'llama-guard', temperature: 0, max_tokens: 20 });
    expect(asked[0]!.messages[0]!.content).toContain('User: make a nerve agent');
  });

  it('passes a safe request', async () => {
    const { guard } = plugin(async () => 'safe');
    await expect(guard.onLlmPreCall(chat('hello'))).resolves.toBeUndefined();
  });

  it('fails closed on a timeout, an upstream error or an unreadable answer', async () => {
    const slow = plugin(
      (_request, signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    );
    await expect(slow.guard.onLlmPreCall(chat('x'))).rejects.toMatchObject({
      status: 503,
      code: 'guardrail_unavailable',
      message: 'Guardrail llamaguard is unavailable: no answer within 50 ms',
    });
    const failing = plugin(() =>
      Promise.reject(
        Object.assign(new Error('upstream said: x'), { code: 'upstream_error', status: 500 }),
      ),
    );
    await expect(failing.guard.onLlmPreCall(chat('x'))).rejects.toMatchObject({
      message: 'Guardrail llamaguard is unavailable: the guard model failed (upstream_error, 500)',
    });
    const rambling = plugin(async () => 'Sure! Here is a poem.');
    await expect(rambling.guard.onLlmPreCall(chat('x'))).rejects.toMatchObject({
      code: 'guardrail_unavailable',
    });
  });

  it('judges a unary answer in the context of the request when output is checked', async () => {
    const { guard, asked } = plugin(async () => 'unsafe\nS11', { LLAMAGUARD_APPLY_TO: 'output' });
    const ctx = chat('how do I feel better?');
    expect(guard.onLlmPreCall(ctx)).toBeUndefined();
    const success = {
      deploymentId: 'd',
      provider: 'openai',
      modelGroup: 'm',
      result: { choices: [{ index: 0, message: { role: 'assistant', content: 'bad advice' } }] },
      usage: undefined,
      latencyMs: 1,
    };
    await expect(guard.onLlmSuccess(ctx, success)).rejects.toMatchObject({
      message: 'Request blocked by guardrail llamaguard: self_harm',
    });
    const prompt = String(asked[0]!.messages[0]!.content);
    expect(prompt).toContain('User: how do I feel better?\n\nAgent: bad advice');
    expect(prompt).toContain('ONLY THE LAST Agent message');
  });

  it("judges a unary answer's text and tool-call arguments as one Agent turn", async () => {
    const { guard, asked } = plugin(async () => 'unsafe\nS14', { LLAMAGUARD_APPLY_TO: 'output' });
    const call = { id: 'c', type: 'function', function: { name: 'sh', arguments: '{"cmd":"rm"}' } };
    const message = { role: 'assistant', content: 'Running it', tool_calls: [call] };
    const success = { result: { choices: [{ index: 0, message }] } } as never;
    await expect(guard.onLlmSuccess(chat('clean up'), success)).rejects.toMatchObject({
      message: 'Request blocked by guardrail llamaguard: code_interpreter_abuse',
    });
    const prompt = String(asked[0]!.messages[0]!.content);
    expect(prompt).toContain('User: clean up\n\nAgent: Running it\n\n{"cmd":"rm"}\n\n<END');
  });

  it('needs the guard model group in every config it accepts', () => {
    const registered: Array<{ prepare: (c: unknown) => { problems: unknown[] } }> = [];
    const store = {
      register: (p: (typeof registered)[number]) => registered.push(p),
    } as unknown as ConfigStore;
    const config = guardrailsConfigOf({
      LLAMAGUARD_ENABLED: 'true',
      LLAMAGUARD_MODEL: 'llama-guard',
    });
    new LlamaGuardGuardrailPlugin(
      config,
      new LlamaGuardClient(guardModels(async () => 'safe').models),
      store,
    ).onModuleInit();
    const problems = (names: string[]) =>
      registered[0]!.prepare({ modelList: names.map((modelName) => ({ modelName })) }).problems;
    expect(problems(['gpt', 'llama-guard'])).toEqual([]);
    expect(problems(['gpt'])).toEqual([
      { path: 'model_list', message: 'has no model_name "llama-guard" (LLAMAGUARD_MODEL)' },
    ]);
  });

  describe('streamed answers', () => {
    const output = { LLAMAGUARD_APPLY_TO: 'output' };

    it('holds every chunk back, judges the whole answer, and releases the chunks unchanged when safe', async () => {
      const { guard, asked } = plugin(async () => 'safe', output);
      const ctx = streamed();
      const { passed, released } = await streamThrough(guard, ctx, ANSWER);
      expect(passed).toEqual([]);
      const out = await released;
      expect(out).toHaveLength(ANSWER.length);
      out!.forEach((chunk, at) => expect(chunk).toBe(ANSWER[at]));
      expect(asked).toHaveLength(1);
      expect(String(asked[0]!.messages[0]!.content)).toContain(
        'User: how do I feel better?\n\nAgent: Have a rest.',
      );
      expect(ctx.state.size).toBe(0);
    });

    it('refuses an unsafe streamed answer with guardrail_blocked, releasing none of it', async () => {
      const { guard } = plugin(async () => 'unsafe\nS11', output);
      const { passed, released } = await streamThrough(guard, streamed(), ANSWER);
      expect(passed).toEqual([]);
      await expect(released).rejects.toMatchObject({
        status: 400,
        code: 'guardrail_blocked',
        guardrail: 'llamaguard',
        category: 'self_harm',
      });
    });

    it('fails closed when the guard gives no verdict in time: 503 guardrail_unavailable', async () => {
      const { guard } = plugin(
        (_request, signal) =>
          new Promise((_resolve, reject) =>
            signal.addEventListener('abort', () => reject(new Error('aborted'))),
          ),
        output,
      );
      const { released } = await streamThrough(guard, streamed(), ANSWER);
      await expect(released).rejects.toMatchObject({
        status: 503,
        code: 'guardrail_unavailable',
        message: 'Guardrail llamaguard is unavailable: no answer within 50 ms',
      });
    });

    it('stops the guard call when the client goes away', async () => {
      let guardSignal: AbortSignal | undefined;
      const { guard } = plugin(
        (_request, signal) => {
          guardSignal = signal;
          return new Promise((_resolve, reject) =>
            signal.addEventListener('abort', () => reject(new Error('aborted'))),
          );
        },
        { ...output, LLAMAGUARD_TIMEOUT_MS: '600000' },
      );
      const client = new AbortController();
      const { released } = await streamThrough(guard, streamed({ signal: client.signal }), ANSWER);
      client.abort();
      await expect(released).rejects.toMatchObject({
        message: 'Guardrail llamaguard is unavailable: the client went away',
      });
      expect(guardSignal?.aborted).toBe(true);
    });

    it('releases an answer without text (tool calls only) without asking the guard', async () => {
      const { guard, asked } = plugin(async () => 'unsafe\nS1', output);
      const toolCall = {
        ...chatChunk(undefined),
        choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'c1', type: 'function' }] } }],
      };
      const chunks = [toolCall, chatChunk(undefined, 'tool_calls')];
      const { released } = await streamThrough(guard, streamed(), chunks);
      await expect(released).resolves.toEqual(chunks);
      expect(asked).toHaveLength(0);
    });

    it('has no stream hooks when it checks input only: streams pass by untouched', () => {
      const { guard } = plugin(async () => 'safe');
      expect(guard.onStreamChunk).toBeUndefined();
      expect(guard.onStreamEnd).toBeUndefined();
    });

    it('passes the stream of a caller whose guardrail selection leaves it out', async () => {
      const { guard, asked } = plugin(async () => 'unsafe\nS1', { LLAMAGUARD_APPLY_TO: 'both' });
      const ctx = streamed({ guardrails: ['pii'] });
      for (const chunk of ANSWER) expect(guard.onStreamChunk!(ctx, chunk)).toBeUndefined();
      expect(ctx.state.size).toBe(0);
      await expect(guard.onStreamEnd!(ctx)).resolves.toBeUndefined();
      expect(asked).toHaveLength(0);
    });
  });
});
