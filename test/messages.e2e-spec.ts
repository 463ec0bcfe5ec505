import Anthropic from '@anthropic-ai/sdk';
import { OpenAiStubServer, STUB_TEXT } from './support/openai-stub.server';
import {
  startTestGateway,
  stubConfig,
  TEST_MASTER_KEY,
  type TestGateway,
} from './support/gateway-harness';

const CHAT = '/v1/chat/completions';
const weatherTool = {
  name: 'get_weather',
  description: 'Weather of a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
};
const hi = [{ role: 'user' as const, content: 'Hello there' }];

/** An OpenAI chunk of choice 0. */
function chunk(delta: unknown, finish: string | null = null): unknown {
  const base = { id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1, model: 'x' };
  return { ...base, choices: [{ index: 0, delta, finish_reason: finish }] };
}

describe('Anthropic Messages API through the gateway (@anthropic-ai/sdk)', () => {
  const stub = new OpenAiStubServer();
  let gw: TestGateway;
  let client: Anthropic;

  const post = (path: string, body: unknown, key = TEST_MASTER_KEY): Promise<Response> =>
    fetch(`${gw.url}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    gw = await startTestGateway({ yaml: stubConfig(await stub.start()) });
    client = new Anthropic({ baseURL: gw.url, apiKey: TEST_MASTER_KEY, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await stub.stop();
  });

  describe('on the built-in mock provider', () => {
    it('answers a message, and streams the same text', async () => {
      const request = { model: 'demo', max_tokens: 200, messages: hi };
      const message = await client.messages.create(request);
      expect(message).toMatchObject({
        type: 'message',
        role: 'assistant',
        model: 'demo',
        stop_reason: 'end_turn',
        stop_sequence: null,
      });
      expect(message.id).toMatch(/^msg_/);
      expect(message.content).toHaveLength(1);
      const text = (message.content[0] as Anthropic.TextBlock).text;
      expect(text).toContain('offline demo model "demo"');
      expect(text).toContain('2 words');
      expect(message.usage.input_tokens).toBeGreaterThan(0);
      expect(message.usage.output_tokens).toBeGreaterThan(0);

      const stream = client.messages.stream(request);
      const deltas: string[] = [];
      stream.on('text', (delta) => deltas.push(delta));
      const final = await stream.finalMessage();
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join('')).toBe(text);
      expect(final.content).toEqual([{ type: 'text', text }]);
      expect(final.stop_reason).toBe('end_turn');
      expect(final.usage).toMatchObject(message.usage);
    });

    it('reports max_tokens when the answer was cut', async () => {
      const message = await client.messages.create({ model: 'demo', max_tokens: 3, messages: hi });
      expect(message.stop_reason).toBe('max_tokens');
    });

    it('answers a forced tool call with a tool_use block, streamed and not', async () => {
      const request = {
        model: 'demo',
        max_tokens: 100,
        messages: hi,
        tools: [weatherTool],
        tool_choice: { type: 'any' as const },
      };
      const message = await client.messages.create(request);
      expect(message.stop_reason).toBe('tool_use');
      expect(message.content).toEqual([
        {
          type: 'tool_use',
          id: expect.stringMatching(/^call_mock_/),
          name: 'get_weather',
          input: {},
        },
      ]);
      const final = await client.messages.stream(request).finalMessage();
      expect(final.stop_reason).toBe('tool_use');
      expect(final.content).toEqual([
        { ...message.content[0], id: expect.stringMatching(/^call_mock_/) },
      ]);
    });
  });

  describe('on an OpenAI upstream', () => {
    it('translates the request for the upstream and the answer back', async () => {
      const message = await client.messages.create({
        model: 'gpt-4o-mini',
        max_tokens: 64,
        system: [
          { type: 'text', text: 'Be brief.' },
          { type: 'text', text: 'Be kind.' },
        ],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
        stop_sequences: ['END'],
        // Sampling fields this SDK version no longer types: they still go out as sent.
        ...{ temperature: 0.5, top_p: 0.9, top_k: 5 },
        metadata: { user_id: 'user-42' },
      });
      expect(message).toEqual({
        id: 'msg_chatcmpl-stub-1',
        type: 'message',
        role: 'assistant',
        model: 'gpt-4o-mini',
        content: [{ type: 'text', text: `${STUB_TEXT} #0` }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 11, output_tokens: 7 },
      });
      const upstream = stub.last();
      expect(upstream.path).toBe(CHAT);
      expect(upstream.headers.authorization).toBe('Bearer sk-upstream-secret-key');
      expect(upstream.body).toEqual({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'Be brief.\nBe kind.' },
          { role: 'user', content: 'Hi' },
        ],
        max_tokens: 64,
        stop: ['END'],
        temperature: 0.5,
        top_p: 0.9,
        user: 'user-42',
      });
    });

    it('streams text as Anthropic SSE events, with the upstream usage in message_delta', async () => {
      const stream = client.messages.stream({ model: 'gpt-4o-mini', max_tokens: 64, messages: hi });
      const types: string[] = [];
      stream.on('streamEvent', (event) => types.push(event.type));
      const final = await stream.finalMessage();
      expect(final.content).toEqual([{ type: 'text', text: STUB_TEXT }]);
      expect(final.usage).toMatchObject({ input_tokens: 11, output_tokens: 5 });
      expect(final.stop_reason).toBe('end_turn');
      const words = STUB_TEXT.split(' ').length;
      expect(types).toEqual([
        'message_start',
        'content_block_start',
        ...Array<string>(words).fill('content_block_delta'),
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      expect(stub.last().body).toMatchObject({
        stream: true,
        stream_options: { include_usage: true },
      });
    });

    it('frames each event with its event: line and sends no [DONE]', async () => {
      const res = await post('/v1/messages', {
        model: 'gpt-4o-mini',
        max_tokens: 10,
        messages: hi,
        stream: true,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const frames = (await res.text()).trim().split('\n\n');
      expect(frames[0]).toMatch(/^event: message_start\ndata: \{"type":"message_start",/);
      expect(frames.at(-2)).toBe(
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn",' +
          '"stop_sequence":null},"usage":{"input_tokens":11,"output_tokens":5}}',
      );
      expect(frames.at(-1)).toBe('event: message_stop\ndata: {"type":"message_stop"}');
      expect(frames.join('\n')).not.toContain('[DONE]');
    });

    it('maps tools and tool_choice, and returns tool_use blocks with parsed input', async () => {
      const message = await client.messages.create({
        model: 'gpt-4o-mini',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [weatherTool],
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
      });
      expect(message.stop_reason).toBe('tool_use');
      expect(message.content).toEqual([
        { type: 'tool_use', id: 'call_0', name: 'get_weather', input: { city: 'Paris' } },
      ]);
      const sent = stub.last().body;
      expect(sent.tools).toEqual([
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather of a city',
            parameters: weatherTool.input_schema,
          },
        },
      ]);
      expect(sent.tool_choice).toBe('required');
      expect(sent.parallel_tool_calls).toBe(false);

      await client.messages.create({
        model: 'gpt-4o-mini',
        max_tokens: 64,
        messages: hi,
        tools: [weatherTool],
        tool_choice: { type: 'tool', name: 'get_weather' },
      });
      expect(stub.last().body.tool_choice).toEqual({
        type: 'function',
        function: { name: 'get_weather' },
      });
    });

    it('streams text then two tool calls as separate blocks the SDK assembles', async () => {
      const call = (index: number, id: string, name: string): unknown => ({
        tool_calls: [{ index, id, type: 'function', function: { name, arguments: '' } }],
      });
      const args = (index: number, piece: string): unknown => ({
        tool_calls: [{ index, function: { arguments: piece } }],
      });
      const usage = { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 };
      stub.script(CHAT, {
        kind: 'sse',
        chunks: [
          chunk({ role: 'assistant', content: 'Let me check.' }),
          chunk(call(0, 'call_a', 'get_weather')),
          chunk(args(0, '{"ci')),
          chunk(args(0, 'ty":"Oslo"}')),
          chunk(call(1, 'call_b', 'get_time')),
          chunk(args(1, '{"tz":"CET"}')),
          chunk({}, 'tool_calls'),
          { ...(chunk({}) as object), choices: [], usage },
        ],
      });
      const stream = client.messages.stream({
        model: 'gpt-4o-mini',
        max_tokens: 64,
        messages: hi,
        tools: [weatherTool, { ...weatherTool, name: 'get_time' }],
      });
      const pieces: string[] = [];
      stream.on('inputJson', (partial) => pieces.push(partial));
      const final = await stream.finalMessage();
      expect(pieces).toEqual(['{"ci', 'ty":"Oslo"}', '{"tz":"CET"}']);
      expect(final.content).toEqual([
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Oslo' } },
        { type: 'tool_use', id: 'call_b', name: 'get_time', input: { tz: 'CET' } },
      ]);
      expect(final.stop_reason).toBe('tool_use');
      expect(final.usage).toMatchObject({ input_tokens: 20, output_tokens: 9 });
    });

    it('sends a tool_result round trip as tool messages right after the assistant call', async () => {
      await client.messages.create({
        model: 'gpt-4o-mini',
        max_tokens: 64,
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Checking.' },
              { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            ],
          },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 'toolu_1',
                content: [{ type: 'text', text: 'Sunny' }],
              },
              { type: 'text', text: 'And tomorrow?' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
            ],
          },
        ],
      });
      expect(stub.last().body.messages).toEqual([
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            {
              id: 'toolu_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'Sunny' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'And tomorrow?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } },
          ],
        },
      ]);
    });
  });

  describe('count_tokens', () => {
    it('estimates input tokens at ~4 characters per token', async () => {
      const counted = await client.messages.countTokens({
        model: 'gpt-4o-mini',
        system: 'x'.repeat(40),
        messages: [{ role: 'user', content: 'y'.repeat(80) }],
      });
      // 120 characters / 4 + 3 for the one message
      expect(counted).toEqual({ input_tokens: 33 });
    });

    it('refuses an unknown model with 404 in Anthropic shape', async () => {
      const error = await client.messages
        .countTokens({ model: 'nope', messages: hi })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.NotFoundError);
      expect(error).toMatchObject({ error: { type: 'error', error: { type: 'not_found_error' } } });
    });
  });

  describe('errors in Anthropic shape', () => {
    it('404 for an unknown model', async () => {
      const error = await client.messages
        .create({ model: 'no-such-model', max_tokens: 5, messages: hi })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.NotFoundError);
      expect((error as InstanceType<typeof Anthropic.APIError>).error).toEqual({
        type: 'error',
        error: {
          type: 'not_found_error',
          message: 'The model "no-such-model" does not exist or you do not have access to it',
        },
        request_id: expect.any(String),
      });
    });

    it('400 invalid_request_error for a missing max_tokens or messages', async () => {
      const noMax = await post('/v1/messages', { model: 'demo', messages: hi });
      expect(noMax.status).toBe(400);
      expect(await noMax.json()).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
        request_id: expect.any(String),
      });
      const noMessages = await post('/v1/messages', { model: 'demo', max_tokens: 5 });
      expect(noMessages.status).toBe(400);
      expect(await noMessages.json()).toMatchObject({
        error: { type: 'invalid_request_error', message: 'messages: Field required' },
      });
    });

    it('401 authentication_error for a bad key', async () => {
      const bad = new Anthropic({ baseURL: gw.url, apiKey: 'sk-wrong-key', maxRetries: 0 });
      const error = await bad.messages
        .create({ model: 'demo', max_tokens: 5, messages: hi })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
      expect(error).toMatchObject({
        status: 401,
        error: { type: 'error', error: { type: 'authentication_error' } },
      });
    });

    it('keeps an upstream 4xx status and message, before a stream too', async () => {
      const upstreamError = {
        kind: 'json' as const,
        status: 400,
        body: { error: { message: 'Bad temperature', type: 'invalid_request_error', code: null } },
      };
      stub.script(CHAT, upstreamError, upstreamError);
      const request = { model: 'gpt-4o-mini', max_tokens: 5, messages: hi };
      const error = await client.messages.create(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect(error).toMatchObject({ error: { error: { type: 'invalid_request_error' } } });
      expect((error as Error).message).toContain('Bad temperature');
      const streamed = await client.messages
        .stream(request)
        .finalMessage()
        .catch((e: unknown) => e);
      expect(streamed).toBeInstanceOf(Anthropic.BadRequestError);
    });

    it('ends a stream that fails midway with an event: error frame', async () => {
      stub.script(CHAT, {
        kind: 'sse',
        chunks: [chunk({ content: 'partial' }), chunk({ content: ' more' })],
        cut: true,
        gapMs: 30,
      });
      const stream = client.messages.stream({ model: 'gpt-4o-mini', max_tokens: 9, messages: hi });
      const deltas: string[] = [];
      stream.on('text', (delta) => deltas.push(delta));
      const failure = await stream.finalMessage().catch((e: unknown) => e);
      expect(deltas).toEqual(['partial', ' more']);
      expect(failure).toBeInstanceOf(Anthropic.APIError);
      expect(failure).toMatchObject({ error: { type: 'error', error: { type: 'api_error' } } });
    });
  });
});
