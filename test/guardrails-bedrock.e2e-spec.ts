import OpenAI from 'openai';
import { startTestGateway, stubConfig, type TestGateway } from './support/gateway-harness';
import {
  BedrockGuardrailStubServer,
  SIGV4_AUTHORIZATION,
  STUB_DENIED_TOPIC,
} from './support/bedrock-guardrail-stub.server';
import {
  chatAnswer,
  post,
  rawStream,
  sdkStream,
  sentUserText,
  streamOf,
  USER_TEXT,
} from './support/guardrail-traffic';
import { OpenAiStubServer } from './support/openai-stub.server';

// The AWS Bedrock ApplyGuardrail guardrail, calling out to a stub speaking its wire format and
// checking SigV4.
const CHAT = '/v1/chat/completions';

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
