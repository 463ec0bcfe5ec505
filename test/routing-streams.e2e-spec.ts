import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import {
  callsSince,
  CHAT,
  countsOf,
  decisionOf,
  deployment,
  hi,
  openAiError,
  sdk,
  startStubs,
  stopStubs,
  type Stubs,
} from './fixtures/routing.fixtures';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from './support/gateway-harness';
import { userHeaders } from './support/http';
import { STUB_TEXT, type StubBehaviour } from './support/openai-stub.server';

// Stream failover through a real gateway (openai SDK client, one stub upstream per deployment):
// anything that goes wrong before the first content moves on to the next deployment unseen by the
// client; after the first byte the deployment is committed.

/** s-1's own role-only first chunk: it must never reach the client when s-1 fails. */
const ROLE_CHUNK = {
  id: 'chatcmpl-s1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 's-1',
  choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
};
const contentChunk = (content: string) => ({
  ...ROLE_CHUNK,
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});
const SERVER_ERROR = {
  message: 'The server had an error while processing your request.',
  type: 'server_error',
  code: 'server_error',
};
const httpError = (status: number): StubBehaviour =>
  openAiError(status, null, SERVER_ERROR.message, 'server_error');

interface Collected {
  chunks: ChatCompletionChunk[];
  text: string;
  error: unknown;
  response: Response;
}

describe('Routing: stream failover until the first content', () => {
  let stubs: Stubs;
  let gw: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    stubs = await startStubs(['s-1', 's-2']);
    const config = {
      model_list: [
        // Weight 0: s-2 is only chosen once s-1 has been tried.
        deployment('s', 's-1', stubs, { weight: 1, timeout: 10, stream_timeout: 1 }),
        deployment('s', 's-2', stubs, { weight: 0 }),
      ],
      router_settings: {
        num_retries: 1,
        disable_cooldowns: true,
        circuit_breaker: { failure_threshold: 1000 },
      },
    };
    gw = await startTestGateway({ yaml: JSON.stringify(config) });
    client = sdk(gw);
  });

  afterAll(async () => {
    await gw?.close();
    await stopStubs(stubs);
  });

  const collect = async (): Promise<Collected> => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 's', messages: hi, stream: true })
      .withResponse();
    const chunks: ChatCompletionChunk[] = [];
    const error = await (async () => {
      for await (const chunk of stream) chunks.push(chunk);
    })().catch((e: unknown) => e);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    return { chunks, text, error, response };
  };

  const failures: Array<[string, StubBehaviour, string]> = [
    ['an HTTP 500', httpError(500), 'upstream_error'],
    [
      'a 200 then an error event before any content',
      { kind: 'sse-error-after', chunks: [ROLE_CHUNK], error: SERVER_ERROR },
      'upstream_stream_error',
    ],
    [
      'a 200 then a closed connection before any content',
      { kind: 'sse-close', chunks: [ROLE_CHUNK] },
      'upstream_stream_error',
    ],
    [
      'a stream that ends before any content',
      { kind: 'sse', chunks: [ROLE_CHUNK] },
      'upstream_empty_stream',
    ],
    ['no first chunk within stream_timeout', { kind: 'hang' }, 'upstream_timeout'],
    [
      'a role chunk and then no content within stream_timeout',
      { kind: 'sse', chunks: [ROLE_CHUNK, contentChunk('late')], gapMs: 1500 },
      'upstream_timeout',
    ],
  ];

  it.each(failures)(
    'hands the stream to the next deployment after %s',
    async (_name, failure, code) => {
      stubs['s-1']!.script(CHAT, failure);
      const before = countsOf(stubs);
      const { chunks, text, error, response } = await collect();

      expect(error).toBeUndefined();
      expect(response.headers.get('x-routeiq-deployment')).toBe('s-2');
      expect(text).toBe(STUB_TEXT);
      // s-2's stream exactly: one role chunk, five words, the finish; nothing of s-1's.
      expect(chunks).toHaveLength(7);
      expect(chunks.every((chunk) => chunk.id === 'chatcmpl-stub-2' && chunk.model === 's-2')).toBe(
        true,
      );
      expect(chunks.filter((chunk) => chunk.choices[0]?.delta.role === 'assistant')).toHaveLength(
        1,
      );
      expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
      expect(callsSince(stubs, before)).toEqual({ 's-1': 1, 's-2': 1 });

      const decision = await decisionOf(gw, response.headers.get('x-request-id'));
      expect(decision.attempts).toEqual([
        expect.objectContaining({ deployment: 's-1', outcome: 'error', error_code: code }),
        expect.objectContaining({ deployment: 's-2', outcome: 'success' }),
      ]);
    },
  );

  it('fails over the Anthropic Messages surface too: no event of the failed attempt reaches the client', async () => {
    stubs['s-1']!.script(CHAT, {
      kind: 'sse-error-after',
      chunks: [ROLE_CHUNK],
      error: SERVER_ERROR,
    });
    const before = countsOf(stubs);
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: TEST_MASTER_KEY, maxRetries: 0 });
    const stream = anthropic.messages.stream({ model: 's', max_tokens: 64, messages: hi });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const final = await stream.finalMessage();

    expect(final.content).toEqual([{ type: 'text', text: STUB_TEXT }]);
    // One message_start: the failed attempt's opening events were held back, never sent.
    expect(types.filter((type) => type === 'message_start')).toHaveLength(1);
    expect(types.at(-1)).toBe('message_stop');
    expect(callsSince(stubs, before)).toEqual({ 's-1': 1, 's-2': 1 });
  });

  it('fails over the Responses API surface too (passed through to OpenAI deployments)', async () => {
    // An OpenAI deployment speaks the Responses API: the request goes to its /v1/responses. s-1
    // opens the stream with response.created, then its connection closes before any output.
    stubs['s-1']!.script('/v1/responses', {
      kind: 'sse-close',
      chunks: [{ type: 'response.created', sequence_number: 0, response: { id: 'resp_s1' } }],
      named: true,
    } as StubBehaviour);
    const before = countsOf(stubs, '/v1/responses');
    const stream = await client.responses.create({ model: 's', input: 'Hello', stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }

    expect(text).toBe(STUB_TEXT);
    expect(types.filter((type) => type === 'response.created')).toHaveLength(1);
    expect(types.at(-1)).toBe('response.completed');
    expect(callsSince(stubs, before, '/v1/responses')).toEqual({ 's-1': 1, 's-2': 1 });
  });

  it('answers with an HTTP error when every deployment fails before the first content', async () => {
    stubs['s-1']!.script(CHAT, httpError(500));
    stubs['s-2']!.script(CHAT, httpError(503));
    const before = countsOf(stubs);
    await expect(
      client.chat.completions.create({ model: 's', messages: hi, stream: true }),
    ).rejects.toMatchObject({ status: 503, code: 'upstream_error' });
    expect(callsSince(stubs, before)).toEqual({ 's-1': 1, 's-2': 1 });
  });

  it('commits to the deployment once content was sent: a later error event ends the stream', async () => {
    stubs['s-1']!.script(CHAT, {
      kind: 'sse-error-after',
      chunks: [ROLE_CHUNK, contentChunk('partial')],
      error: SERVER_ERROR,
    });
    const before = countsOf(stubs);
    const { chunks, text, error } = await collect();

    expect(chunks.map((chunk) => chunk.id)).toEqual(['chatcmpl-s1', 'chatcmpl-s1']);
    expect(text).toBe('partial');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ code: 'upstream_stream_error' });
    expect((error as Error).message).toContain(SERVER_ERROR.message);
    expect(callsSince(stubs, before)).toEqual({ 's-1': 1 });
  });

  it('ends a committed stream whose upstream connection closes with an error event, no [DONE]', async () => {
    stubs['s-1']!.script(CHAT, {
      kind: 'sse-close',
      chunks: [ROLE_CHUNK, contentChunk('partial')],
    });
    const before = countsOf(stubs);
    const res = await fetch(`${gw.url}${CHAT}`, {
      method: 'POST',
      headers: userHeaders(),
      body: JSON.stringify({ model: 's', messages: hi, stream: true }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-routeiq-deployment')).toBe('s-1');
    const events = (await res.text())
      .split('\n\n')
      .filter((event) => event.startsWith('data: '))
      .map((event) => event.slice('data: '.length));

    expect(events).not.toContain('[DONE]');
    expect(events).toHaveLength(3);
    expect(JSON.parse(events[1]!)).toMatchObject({
      id: 'chatcmpl-s1',
      choices: [{ delta: { content: 'partial' } }],
    });
    expect(JSON.parse(events[2]!)).toEqual({
      error: expect.objectContaining({
        code: 'upstream_stream_error',
        message: expect.any(String),
      }),
      request_id: res.headers.get('x-request-id'),
    });
    expect(callsSince(stubs, before)).toEqual({ 's-1': 1 });
  });

  it('lets a committed stream run past the request deadline (it bounds getting an answer)', async () => {
    const words = Array.from({ length: 10 }, (_, i) => contentChunk(`w${i} `));
    // The first word comes 250 ms in (well inside the 1 s deadline and the 1 s stream_timeout
    // between chunks, on a busy machine too); the last 2.5 s in.
    stubs['s-1']!.script(CHAT, { kind: 'sse', chunks: [ROLE_CHUNK, ...words], gapMs: 250 });
    const before = countsOf(stubs);
    const { data: stream, response } = await client.chat.completions
      // `timeout` (seconds) is LiteLLM's request-level deadline, unknown to the SDK's types.
      .create({
        model: 's',
        messages: hi,
        stream: true,
        timeout: 1,
      } as ChatCompletionCreateParamsStreaming)
      .withResponse();
    const received: string[] = [];
    for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');

    // 2.5 s of stream against a 1 s deadline: every word arrives, no error.
    expect(received.join('')).toBe(words.map((_, i) => `w${i} `).join(''));
    expect(callsSince(stubs, before)).toEqual({ 's-1': 1 });
    const decision = await decisionOf(gw, response.headers.get('x-request-id'));
    expect(decision).toMatchObject({ selected: 's-1', outcome: 'success' });
  });
});
