import OpenAI from 'openai';
import { startTestGateway, stubConfig, type TestGateway } from './support/gateway-harness';
import {
  chatAnswer,
  generateKey,
  post,
  rawStream,
  sdkStream,
  sentUserText,
  streamOf,
  USER_TEXT,
} from './support/guardrail-traffic';
import { OpenAiStubServer } from './support/openai-stub.server';

// The LlamaGuard guardrail, calling out to a deployment of model_list (a second stub).
const CHAT = '/v1/chat/completions';

describe('Guardrails: LlamaGuard through a configured deployment', () => {
  const upstream = new OpenAiStubServer();
  const guard = new OpenAiStubServer();
  let gw: TestGateway;

  beforeAll(async () => {
    const apiBase = await upstream.start();
    const guardBase = await guard.start();
    const guardGroup = [
      '  - model_name: llama-guard',
      '    litellm_params:',
      '      model: openai/llama-guard-3-8b',
      `      api_base: ${guardBase}`,
      '      api_key: sk-guard',
    ].join('\n');
    gw = await startTestGateway({
      yaml: stubConfig(apiBase, guardGroup),
      env: {
        LLAMAGUARD_ENABLED: 'true',
        LLAMAGUARD_MODEL: 'llama-guard',
        LLAMAGUARD_APPLY_TO: 'both',
        LLAMAGUARD_TIMEOUT_MS: '400',
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await guard.stop();
    await upstream.stop();
  });

  it('blocks what the guard model calls unsafe, with the mapped category; the upstream is never called', async () => {
    guard.script(CHAT, chatAnswer('unsafe\nS1'));
    const res = await post(gw, CHAT, USER_TEXT('How do I hurt someone?'));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'guardrail_blocked',
      message: 'Request blocked by guardrail llamaguard: violent_crimes',
    });
    expect(upstream.count(CHAT)).toBe(0);
    const asked = guard.last().body;
    expect(asked.model).toBe('llama-guard-3-8b');
    expect(sentUserText(asked)).toEqual(
      expect.stringContaining("unsafe content in 'User' messages"),
    );
    expect(sentUserText(asked)).toEqual(expect.stringContaining('User: How do I hurt someone?'));
  });

  it('lets a safe exchange through after checking the input and the answer', async () => {
    guard.script(CHAT, chatAnswer('safe'), chatAnswer('safe'));
    const before = guard.count(CHAT);
    const called = upstream.count(CHAT);
    const res = await post(gw, CHAT, USER_TEXT('Hello'));
    expect(res.status).toBe(200);
    expect(upstream.count(CHAT)).toBe(called + 1);
    expect(guard.count(CHAT)).toBe(before + 2);
    expect(sentUserText(guard.last().body)).toEqual(
      expect.stringContaining('ONLY THE LAST Agent message'),
    );
  });

  it('blocks an unsafe answer', async () => {
    guard.script(CHAT, chatAnswer('safe'), chatAnswer('unsafe\nS10,S1'));
    const res = await post(gw, CHAT, USER_TEXT('Tell me about them'));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'Request blocked by guardrail llamaguard: hate,violent_crimes',
    );
  });

  it('fails closed: no verdict in time is 503 guardrail_unavailable', async () => {
    guard.script(CHAT, { kind: 'hang' });
    const before = upstream.count(CHAT);
    const started = Date.now();
    const res = await post(gw, CHAT, USER_TEXT('Hello'));
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'guardrail_unavailable' });
    expect(res.body.error.message).toContain('llamaguard');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(upstream.count(CHAT)).toBe(before);
  });

  it('fails closed on an answer that is neither safe nor unsafe', async () => {
    guard.script(CHAT, chatAnswer('I am not sure.'));
    const res = await post(gw, CHAT, USER_TEXT('Hello'));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('guardrail_unavailable');
  });

  it('holds a safe streamed answer back until the guard judged it, then writes it whole', async () => {
    guard.script(CHAT, chatAnswer('safe'), chatAnswer('safe'));
    upstream.script(CHAT, streamOf(['Have a ', 'good ', 'day.']));
    const before = guard.count(CHAT);
    const { text, finish, error } = await sdkStream(gw, 'Any advice?');
    expect(error).toBeUndefined();
    expect(text).toBe('Have a good day.');
    expect(finish).toBe('stop');
    expect(guard.count(CHAT)).toBe(before + 2);
    expect(sentUserText(guard.last().body)).toEqual(
      expect.stringContaining('User: Any advice?\n\nAgent: Have a good day.'),
    );
  });

  it('ends an unsafe streamed answer with the guardrail_blocked error event and none of its text', async () => {
    guard.script(CHAT, chatAnswer('safe'), chatAnswer('unsafe\nS1'));
    upstream.script(CHAT, streamOf(['Step one: ', 'hurt them ', 'badly.']));
    const { status, text, frames } = await rawStream(gw, CHAT, USER_TEXT('What next?'));
    expect(status).toBe(200);
    expect(text).not.toMatch(/Step one|hurt|badly/);
    expect(text).not.toContain('[DONE]');
    expect(frames).toEqual([
      {
        error: expect.objectContaining({
          code: 'guardrail_blocked',
          message: 'Request blocked by guardrail llamaguard: violent_crimes',
          guardrail: 'llamaguard',
          category: 'violent_crimes',
          status: 400,
        }),
        request_id: expect.any(String),
      },
    ]);
  });

  it('fails closed on a streamed answer the guard does not judge in time: guardrail_unavailable event', async () => {
    guard.script(CHAT, chatAnswer('safe'), { kind: 'hang' });
    upstream.script(CHAT, streamOf(['Unchecked ', 'text.']));
    const { text, error } = await sdkStream(gw, 'Hello');
    expect(text).toBe('');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ code: 'guardrail_unavailable' });
    expect((error as Error).message).toContain(
      'Guardrail llamaguard is unavailable: no answer within 400 ms',
    );
  });

  it('judges a long prompt and a long streamed answer whole: harm before the filler is caught', async () => {
    const harm = 'how to hurt someone badly';
    const filler = 'The meeting ran long and the weather was mild. '.repeat(600); // 28,200 characters
    guard.respondWith(CHAT, (body) =>
      chatAnswer(String(sentUserText(body)).includes(harm) ? 'unsafe\nS1' : 'safe'),
    );
    try {
      const [asked, called] = [guard.count(CHAT), upstream.count(CHAT)];
      const res = await post(gw, CHAT, USER_TEXT(`Tell me ${harm}. ${filler}`));
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'guardrail_blocked',
        message: 'Request blocked by guardrail llamaguard: violent_crimes',
      });
      expect(guard.count(CHAT) - asked).toBe(3); // one call per 12,000-character window
      expect(upstream.count(CHAT)).toBe(called);

      upstream.script(CHAT, streamOf([`Step one: ${harm}. `, ...filler.match(/.{1,1000}/g)!]));
      const { status, text, frames } = await rawStream(gw, CHAT, USER_TEXT('What next?'));
      expect(status).toBe(200);
      expect(text).not.toMatch(/Step one|meeting ran long/);
      expect(frames).toEqual([
        {
          error: expect.objectContaining({
            code: 'guardrail_blocked',
            guardrail: 'llamaguard',
            category: 'violent_crimes',
            status: 400,
          }),
          request_id: expect.any(String),
        },
      ]);
    } finally {
      guard.respondWith(CHAT, undefined);
    }
  });

  it('streams straight through for a key whose guardrail selection leaves it out', async () => {
    const key = await generateKey(gw, { metadata: { guardrails: [] } });
    upstream.script(CHAT, streamOf(['Not ', 'held.']));
    const before = guard.count(CHAT);
    const { status, frames } = await rawStream(gw, CHAT, USER_TEXT('Hi'), key);
    expect(status).toBe(200);
    const texts = frames.map(
      (frame) => (frame.choices as Array<{ delta: { content?: string } }>)[0]?.delta.content,
    );
    expect(texts).toEqual(['', 'Not ', 'held.', undefined]);
    expect(guard.count(CHAT)).toBe(before);
  });
});
