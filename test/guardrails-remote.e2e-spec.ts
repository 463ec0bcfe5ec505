import OpenAI from 'openai';
import {
  startTestGateway,
  stubConfig,
  TEST_MASTER_KEY,
  type TestGateway,
} from './support/gateway-harness';
import {
  BedrockGuardrailStubServer,
  SIGV4_AUTHORIZATION,
  STUB_DENIED_TOPIC,
} from './support/bedrock-guardrail-stub.server';
import {
  chatAnswer,
  generateKey,
  post,
  sentUserText,
  sseFrames,
  streamOf,
  USER_TEXT,
} from './support/guardrail-traffic';
import { userHeaders } from './support/http';
import { OpenAiStubServer } from './support/openai-stub.server';

// The guardrails that call out: LlamaGuard through a deployment of model_list (a second stub),
// and AWS Bedrock ApplyGuardrail (a stub speaking its wire format and checking SigV4).
const CHAT = '/v1/chat/completions';

/** A streamed chat answer read with the openai SDK: its text, last finish reason, and error. */
async function sdkStream(gw: TestGateway, content: string) {
  const client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content }],
    stream: true,
  });
  let text = '';
  let finish: string | null = null;
  let error: unknown;
  try {
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
  } catch (caught) {
    error = caught;
  }
  return { text, finish, error };
}

/** A streamed answer read as raw SSE: the status, the body, and its `data:` frames. */
async function rawStream(gw: TestGateway, path: string, body: object, key?: string) {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: userHeaders(key),
    body: JSON.stringify({ ...body, stream: true }),
  });
  const text = await res.text();
  return { status: res.status, text, frames: sseFrames(text) };
}

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

describe('Guardrails: AWS Bedrock ApplyGuardrail', () => {
  const keys = { accessKeyId: 'AKIAGUARDRAILTEST', secretAccessKey: 'guardrail/secret+key' };
  const upstream = new OpenAiStubServer();
  const bedrock = new BedrockGuardrailStubServer(keys, 'eu-west-1');
  let gw: TestGateway;

  beforeAll(async () => {
    const apiBase = await upstream.start();
    const endpoint = await bedrock.start();
    gw = await startTestGateway({
      yaml: stubConfig(apiBase),
      env: {
        BEDROCK_GUARDRAIL_ENABLED: 'true',
        BEDROCK_GUARDRAIL_ID: 'gr-test01',
        BEDROCK_GUARDRAIL_VERSION: '2',
        BEDROCK_GUARDRAIL_REGION: 'eu-west-1',
        BEDROCK_GUARDRAIL_ENDPOINT: endpoint,
        BEDROCK_GUARDRAIL_TIMEOUT_MS: '400',
        AWS_ACCESS_KEY_ID: keys.accessKeyId,
        AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await bedrock.stop();
    await upstream.stop();
  });

  it('sends a SigV4-signed ApplyGuardrail request and blocks on a denied topic', async () => {
    const res = await post(gw, CHAT, USER_TEXT(`Tell me about ${STUB_DENIED_TOPIC}`));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'guardrail_blocked',
      message: 'Request blocked by guardrail bedrock: topic:forbidden_topic',
    });
    expect(upstream.count(CHAT)).toBe(0);
    const sent = bedrock.last();
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/guardrail/gr-test01/version/2/apply');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(sent.headers.authorization).toMatch(SIGV4_AUTHORIZATION);
    expect(sent.headers.authorization).toContain(`Credential=${keys.accessKeyId}/`);
    expect(sent.headers.authorization).toContain('/eu-west-1/bedrock/aws4_request');
    expect(sent.signatureValid).toBe(true);
    expect(JSON.parse(sent.rawBody)).toEqual({
      source: 'INPUT',
      content: [{ text: { text: `Tell me about ${STUB_DENIED_TOPIC}` } }],
    });
  });

  it("masks the input with Bedrock's anonymised text", async () => {
    const res = await post(gw, CHAT, USER_TEXT('Write to jane@example.com please'));
    expect(res.status).toBe(200);
    expect(sentUserText(upstream.last().body)).toBe('Write to {EMAIL} please');
  });

  it('masks a unary answer (source OUTPUT)', async () => {
    upstream.script(CHAT, chatAnswer('Her address is jane@example.com.'));
    const res = await post<{ choices: Array<{ message: { content: string } }> }>(
      gw,
      CHAT,
      USER_TEXT('Where?'),
    );
    expect(res.status).toBe(200);
    expect(res.body.choices[0]!.message.content).toBe('Her address is {EMAIL}.');
    expect(bedrock.last().body.source).toBe('OUTPUT');
  });

  it.each([
    [
      'a throttled call',
      {
        kind: 'json' as const,
        status: 429,
        body: { message: 'Too many requests' },
        headers: { 'x-amzn-errortype': 'ThrottlingException:http://x/' },
      },
      'ThrottlingException, 429',
    ],
    ['no answer in time', { kind: 'hang' as const }, 'no answer within 400 ms'],
  ])('fails closed on %s: 503 guardrail_unavailable', async (_case, behaviour, reason) => {
    bedrock.script(behaviour);
    const before = upstream.count(CHAT);
    const res = await post(gw, CHAT, USER_TEXT('Hello'));
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'guardrail_unavailable' });
    expect(res.body.error.message).toBe(`Guardrail bedrock is unavailable: ${reason}`);
    expect(res.body.error.message).not.toContain('Too many requests');
    expect(upstream.count(CHAT)).toBe(before);
  });

  it("masks a streamed answer with Bedrock's anonymised text (source OUTPUT)", async () => {
    upstream.script(CHAT, streamOf(['Her address is jane.d', 'oe@exam', 'ple.com.']));
    const { text, finish, error } = await sdkStream(gw, 'Where?');
    expect(error).toBeUndefined();
    expect(text).toBe('Her address is {EMAIL}.');
    expect(finish).toBe('stop');
    expect(JSON.parse(bedrock.last().rawBody)).toEqual({
      source: 'OUTPUT',
      content: [{ text: { text: 'Her address is jane.doe@example.com.' } }],
    });
  });

  it('masks a streamed /v1/messages answer the same way', async () => {
    upstream.script(CHAT, streamOf(['Mail jane.d', 'oe@exam', 'ple.com today']));
    const body = {
      model: 'gpt-4o-mini',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Who?' }],
    };
    const { status, text, frames } = await rawStream(gw, '/v1/messages', body);
    expect(status).toBe(200);
    expect(text).not.toMatch(/jane|exam/);
    const deltas = frames.filter((event) => event.type === 'content_block_delta');
    expect(deltas.map((event) => (event.delta as { text: string }).text).join('')).toBe(
      'Mail {EMAIL} today',
    );
    expect(frames.at(-1)).toMatchObject({ type: 'message_stop' });
  });

  it('ends a streamed answer a policy blocks with the guardrail_blocked error event', async () => {
    upstream.script(CHAT, streamOf(['All about the ', `${STUB_DENIED_TOPIC}.`]));
    const { text, frames } = await rawStream(gw, CHAT, USER_TEXT('Tell me more'));
    expect(text).not.toContain(STUB_DENIED_TOPIC);
    expect(frames).toEqual([
      {
        error: expect.objectContaining({
          code: 'guardrail_blocked',
          message: 'Request blocked by guardrail bedrock: topic:forbidden_topic',
          guardrail: 'bedrock',
          category: 'topic:forbidden_topic',
        }),
        request_id: expect.any(String),
      },
    ]);
  });

  it('fails closed when Bedrock cannot check a streamed answer: guardrail_unavailable event', async () => {
    const pass = { action: 'NONE', outputs: [], assessments: [{}] };
    bedrock.script(
      { kind: 'json', status: 200, body: pass },
      {
        kind: 'json',
        status: 429,
        body: { message: 'Too many requests' },
        headers: { 'x-amzn-errortype': 'ThrottlingException:http://x/' },
      },
    );
    upstream.script(CHAT, streamOf(['Unchecked ', 'text.']));
    const { text, error } = await sdkStream(gw, 'Hello');
    expect(text).toBe('');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ code: 'guardrail_unavailable' });
    expect((error as Error).message).toContain(
      'Guardrail bedrock is unavailable: ThrottlingException, 429',
    );
  });
});
