import { startTestGateway, stubConfig, type TestGateway } from './support/gateway-harness';
import {
  chatAnswer,
  post,
  sseFrames,
  streamedText,
  streamOf,
  USER_TEXT,
} from './support/guardrail-traffic';
import { userHeaders } from './support/http';
import { OpenAiStubServer } from './support/openai-stub.server';

// PII redaction in streamed answers through the real gateway: chat chunks, Messages events and
// Responses events, with the PII split across chunk boundaries.
const CHAT = '/v1/chat/completions';
const EMAIL = 'jane.doe@example.com';

describe('Guardrails: PII in streamed answers', () => {
  const stub = new OpenAiStubServer();
  let gw: TestGateway;

  beforeAll(async () => {
    const apiBase = await stub.start();
    gw = await startTestGateway({
      yaml: stubConfig(apiBase),
      env: { GUARDRAIL_PII_ENABLED: 'true' },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await stub.stop();
  });

  it('redacts PII split across stream chunks; every frame is a valid chunk of the same stream', async () => {
    // The email arrives in three chunks, the card number in four.
    stub.script(
      CHAT,
      streamOf([
        'Write to jane.d',
        'oe@exam',
        'ple.com, card 4111 11',
        '11 111',
        '1 11',
        '11 thanks',
      ]),
    );
    const res = await fetch(`${gw.url}${CHAT}`, {
      method: 'POST',
      headers: userHeaders(),
      body: JSON.stringify({ ...USER_TEXT('hi'), stream: true }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const frames = sseFrames(text);
    expect(streamedText(frames)).toBe(
      'Write to [REDACTED_EMAIL], card [REDACTED_CREDIT_CARD] thanks',
    );
    expect(text).not.toMatch(/jane|exam|4111|1111/);
    for (const frame of frames) {
      expect(frame).toMatchObject({
        id: 'chatcmpl-split',
        object: 'chat.completion.chunk',
        model: 'gpt-4o-mini',
      });
      expect(frame.choices).toEqual([
        expect.objectContaining({ index: 0, delta: expect.any(Object) }),
      ]);
    }
    const finishes = frames.filter(
      (f) => (f.choices as Array<{ finish_reason: unknown }>)[0]!.finish_reason !== null,
    );
    expect(finishes).toHaveLength(1);
    expect(frames.at(-1)).toBe(finishes[0]);
  });

  it('redacts PII in /v1/messages requests and answers, streamed answers included', async () => {
    const body = {
      model: 'gpt-4o-mini',
      max_tokens: 64,
      system: 'Reply to ops@corp.example.org',
      messages: [{ role: 'user', content: [{ type: 'text', text: `I am ${EMAIL}` }] }],
    };
    stub.script(CHAT, chatAnswer(`Noted, ${EMAIL}`));
    const res = await post<{ content: Array<{ text: string }> }>(gw, '/v1/messages', body);
    expect(res.status).toBe(200);
    const sent = stub.last().body.messages as Array<{ content: unknown }>;
    expect(JSON.stringify(sent)).not.toContain('example');
    expect(JSON.stringify(sent)).toContain('[REDACTED_EMAIL]');
    expect(res.body.content[0]!.text).toBe('Noted, [REDACTED_EMAIL]');

    stub.script(CHAT, streamOf(['Mail jane.d', 'oe@exam', 'ple.com today']));
    const streamed = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: userHeaders(),
      body: JSON.stringify({ ...body, stream: true }),
    });
    const text = await streamed.text();
    expect(text).not.toMatch(/jane|exam/);
    const deltas = sseFrames(text).filter((event) => event.type === 'content_block_delta');
    const assembled = deltas.map((event) => (event.delta as { text: string }).text).join('');
    expect(assembled).toBe('Mail [REDACTED_EMAIL] today');
  });

  it('redacts PII in /v1/responses input and streamed output, sequence numbers kept in order', async () => {
    const at = { item_id: 'msg_1', output_index: 0, content_index: 0 };
    const full = `Mail ${EMAIL} now`;
    const events = [
      {
        type: 'response.created',
        response: { id: 'resp_1', object: 'response', status: 'in_progress', output: [] },
      },
      { type: 'response.output_text.delta', ...at, delta: 'Mail jane.d' },
      { type: 'response.output_text.delta', ...at, delta: 'oe@exam' },
      { type: 'response.output_text.delta', ...at, delta: 'ple.com now' },
      { type: 'response.output_text.done', ...at, text: full },
      {
        type: 'response.completed',
        response: {
          id: 'resp_1',
          object: 'response',
          status: 'completed',
          output: [
            {
              type: 'message',
              id: 'msg_1',
              role: 'assistant',
              content: [{ type: 'output_text', text: full, annotations: [] }],
            },
          ],
        },
      },
    ].map((event, sequence) => ({ ...event, sequence_number: sequence }));
    stub.script('/v1/responses', { kind: 'sse', chunks: events, named: true, done: false });
    const res = await fetch(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: userHeaders(),
      body: JSON.stringify({ model: 'gpt-4o-mini', input: `I am ${EMAIL}`, stream: true }),
    });
    expect(res.status).toBe(200);
    expect(stub.last().body.input).toBe('I am [REDACTED_EMAIL]');
    const text = await res.text();
    expect(text).not.toMatch(/jane|exam/);
    const frames = sseFrames(text);
    const deltas = frames
      .filter((f) => f.type === 'response.output_text.delta')
      .map((f) => f.delta);
    expect(deltas.join('')).toBe('Mail [REDACTED_EMAIL] now');
    expect(frames.map((f) => f.sequence_number)).toEqual(frames.map((_f, i) => i));
  });
});
