import OpenAI from 'openai';
import {
  startTestGateway,
  stubConfig,
  TEST_MASTER_KEY,
  type TestGateway,
} from './support/gateway-harness';
import {
  chatAnswer,
  post,
  sseFrames,
  streamedText,
  streamOf,
  USER_TEXT,
} from './support/guardrail-traffic';
import { userHeaders } from './support/http';
import { OpenAiStubServer, type StubBehaviour } from './support/openai-stub.server';

// PII redaction in streamed answers through the real gateway: chat chunks, Messages events and
// Responses events, with the PII split across chunk boundaries.
const CHAT = '/v1/chat/completions';
const EMAIL = 'jane.doe@example.com';

/** A chat stream that says `Mailing` then calls `send_mail`, its arguments arriving in `pieces`. */
function toolCallStream(pieces: readonly string[]): StubBehaviour {
  const base = {
    id: 'chatcmpl-tool',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'gpt-4o-mini',
  };
  const delta = (d: unknown, finish: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta: d, finish_reason: finish }],
  });
  const start = { index: 0, id: 'call_1', type: 'function', function: { name: 'send_mail' } };
  return {
    kind: 'sse',
    chunks: [
      delta({ role: 'assistant', content: 'Mailing' }),
      delta({ tool_calls: [{ ...start, function: { ...start.function, arguments: '' } }] }),
      ...pieces.map((piece) =>
        delta({ tool_calls: [{ index: 0, function: { arguments: piece } }] }),
      ),
      delta({}, 'tool_calls'),
    ],
  };
}

// The email split across three argument fragments, a JSON escape right before it.
const MAIL_PIECES = ['{"to":"jane.d', 'oe@exam', 'ple.com","body":"Hi\\n', 'bob@corp.io"}'];
const MAIL_REDACTED = { to: '[REDACTED_EMAIL]', body: 'Hi\n[REDACTED_EMAIL]' };

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

  it('redacts PII split across streamed tool-call argument fragments; the SDK assembles valid JSON', async () => {
    stub.script(CHAT, toolCallStream(MAIL_PIECES));
    const client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const stream = client.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Mail Jane' }],
    });
    const chunks: string[] = [];
    for await (const chunk of stream) chunks.push(JSON.stringify(chunk));
    const final = await stream.finalChatCompletion();
    expect(chunks.join('\n')).not.toMatch(/jane|exam|bob@/);
    const choice = final.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe('Mailing');
    const call = choice.message.tool_calls![0]!;
    expect(call).toMatchObject({ id: 'call_1', function: { name: 'send_mail' } });
    expect(JSON.parse(call.function.arguments)).toEqual(MAIL_REDACTED);
    // The id and name go out in the chunk that carried them, the arguments in one fragment.
    const withCalls = chunks.filter((chunk) => chunk.includes('tool_calls":[{'));
    expect(withCalls).toHaveLength(2);
    expect(withCalls[0]).toContain('"id":"call_1"');
  });

  it('redacts PII in streamed /v1/messages tool_use input (input_json_delta)', async () => {
    stub.script(CHAT, toolCallStream(MAIL_PIECES));
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: userHeaders(),
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        max_tokens: 64,
        stream: true,
        messages: [{ role: 'user', content: 'Mail Jane' }],
      }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toMatch(/jane|exam|bob@/);
    const events = sseFrames(text);
    const start = events.find((event) => event.type === 'content_block_start' && event.index === 1);
    expect(start).toMatchObject({
      content_block: { type: 'tool_use', id: 'call_1', name: 'send_mail' },
    });
    const json = events
      .filter((event) => event.type === 'content_block_delta' && event.index === 1)
      .map((event) => (event.delta as { partial_json: string }).partial_json);
    expect(json).toHaveLength(1);
    expect(JSON.parse(json[0]!)).toEqual(MAIL_REDACTED);
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
