import OpenAI from 'openai';
import { RequestLogQueryService, RequestLogWriter } from '@routeiq/persistence';
import {
  RESPONSES_STUB_ID,
  responsesEvents,
  responsesObject,
} from './support/openai-responses.stub';
import { OpenAiStubServer, STUB_TEXT } from './support/openai-stub.server';
import {
  startTestGateway,
  stubConfig,
  TEST_ADMIN_KEY,
  TEST_MASTER_KEY,
  type TestGateway,
} from './support/gateway-harness';

const CHAT = '/v1/chat/completions';
const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } } },
  strict: false,
};

/**
 * The stub config with its `openai/` group as `openai_like/`: the same stub, but an adapter without
 * the `responses` capability, so these requests are translated to chat.
 */
function translatedConfig(apiBase: string, extra = ''): string {
  return stubConfig(apiBase, extra).replace(
    'model: openai/gpt-4o-mini',
    'model: openai_like/gpt-4o-mini',
  );
}

/** An OpenAI chunk of choice 0. */
function chunk(delta: unknown, finish: string | null = null): unknown {
  const base = { id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1, model: 'x' };
  return { ...base, choices: [{ index: 0, delta, finish_reason: finish }] };
}

describe('OpenAI Responses API through the gateway (openai SDK)', () => {
  const stub = new OpenAiStubServer();
  let gw: TestGateway;
  let client: OpenAI;

  const post = (body: unknown): Promise<Response> =>
    fetch(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    gw = await startTestGateway({ yaml: translatedConfig(await stub.start()) });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: TEST_MASTER_KEY, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await stub.stop();
  });

  describe('on the built-in mock provider', () => {
    it('answers text, and streams the same text as deltas', async () => {
      const response = await client.responses.create({ model: 'demo', input: 'Hello there' });
      expect(response).toMatchObject({
        object: 'response',
        status: 'completed',
        model: 'demo',
        error: null,
        incomplete_details: null,
        previous_response_id: null,
      });
      expect(response.id).toMatch(/^resp_/);
      expect(response.output_text).toContain('offline demo model "demo"');
      expect(response.output_text).toContain('2 words');
      expect(response.output).toHaveLength(1);
      expect(response.output[0]).toMatchObject({
        type: 'message',
        id: expect.stringMatching(/^msg_/),
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: response.output_text, annotations: [] }],
      });
      expect(response.usage?.input_tokens).toBeGreaterThan(0);
      expect(response.usage?.output_tokens).toBeGreaterThan(0);
      expect(response.usage?.total_tokens).toBe(
        (response.usage?.input_tokens ?? 0) + (response.usage?.output_tokens ?? 0),
      );

      const stream = client.responses.stream({ model: 'demo', input: 'Hello there' });
      const deltas: string[] = [];
      stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
      const final = await stream.finalResponse();
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join('')).toBe(response.output_text);
      expect(final.output_text).toBe(response.output_text);
      expect(final.status).toBe('completed');
      expect(final.usage).toEqual(response.usage);
    });

    it('reports an incomplete response when max_output_tokens cut the answer', async () => {
      const response = await client.responses.create({
        model: 'demo',
        input: 'Hello there',
        max_output_tokens: 3,
      });
      expect(response.status).toBe('incomplete');
      expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
      expect(response.max_output_tokens).toBe(3);
      const final = await client.responses
        .stream({ model: 'demo', input: 'Hello there', max_output_tokens: 3 })
        .finalResponse();
      expect(final.status).toBe('incomplete');
      expect(final.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    });

    it('answers a forced tool call with a function_call item, streamed and not', async () => {
      const request = {
        model: 'demo',
        input: 'Weather?',
        tools: [weatherTool],
        tool_choice: 'required' as const,
      };
      const response = await client.responses.create(request);
      expect(response.output).toEqual([
        {
          type: 'function_call',
          id: expect.stringMatching(/^fc_/),
          call_id: expect.stringMatching(/^call_mock_/),
          name: 'get_weather',
          arguments: '{}',
          status: 'completed',
        },
      ]);
      expect(response.output_text).toBe('');
      const final = await client.responses.stream(request).finalResponse();
      // The SDK's stream helper adds `parsed_arguments`; toMatchObject still checks the length.
      expect(final.output).toMatchObject([
        {
          ...response.output[0],
          id: expect.stringMatching(/^fc_/),
          call_id: expect.stringMatching(/^call_mock_/),
        },
      ]);
    });
  });

  describe('on an OpenAI upstream', () => {
    it('translates the request for the upstream and the answer back', async () => {
      const schema = { type: 'object', properties: { a: { type: 'string' } } };
      const response = await client.responses.create({
        model: 'gpt-4o-mini',
        instructions: 'Be brief.',
        input: [
          { role: 'developer', content: 'Answer in French.' },
          { role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
        ],
        max_output_tokens: 64,
        temperature: 0.5,
        top_p: 0.9,
        user: 'user-42',
        store: true,
        metadata: { team: 'a' },
        text: { format: { type: 'json_schema', name: 'answer', schema, strict: true } },
      });
      expect(response).toMatchObject({
        status: 'completed',
        model: 'gpt-4o-mini',
        instructions: 'Be brief.',
        max_output_tokens: 64,
        temperature: 0.5,
        top_p: 0.9,
        metadata: { team: 'a' },
        text: { format: { type: 'json_schema', name: 'answer', schema, strict: true } },
        output_text: `${STUB_TEXT} #0`,
        usage: {
          input_tokens: 11,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 7,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 18,
        },
      });
      const upstream = stub.last();
      expect(upstream.path).toBe(CHAT);
      expect(upstream.headers.authorization).toBe('Bearer sk-upstream-secret-key');
      expect(upstream.body).toEqual({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'system', content: 'Answer in French.' },
          { role: 'user', content: 'Hi' },
        ],
        max_tokens: 64,
        temperature: 0.5,
        top_p: 0.9,
        user: 'user-42',
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'answer', schema, strict: true },
        },
      });
    });

    it('streams text as Responses events with consecutive sequence numbers and usage', async () => {
      const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'Hi' });
      const events: Array<{ type: string; sequence_number: number }> = [];
      stream.on('event', (event) => events.push(event));
      const final = await stream.finalResponse();
      expect(final.output_text).toBe(STUB_TEXT);
      expect(final.usage).toMatchObject({ input_tokens: 11, output_tokens: 5, total_tokens: 16 });
      const words = STUB_TEXT.split(' ').length;
      expect(events.map((e) => e.type)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
        ...Array<string>(words).fill('response.output_text.delta'),
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
      expect(stub.last().body).toMatchObject({
        stream: true,
        stream_options: { include_usage: true },
      });
    });

    it('frames each event with its event: line and sends no [DONE]', async () => {
      const res = await post({ model: 'gpt-4o-mini', input: 'Hi', stream: true });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const frames = (await res.text()).trim().split('\n\n');
      expect(frames[0]).toMatch(
        /^event: response\.created\ndata: \{"type":"response\.created","response":\{"id":"resp_/,
      );
      expect(frames.at(-1)).toMatch(/^event: response\.completed\ndata: /);
      expect(frames.join('\n')).not.toContain('[DONE]');
    });

    it('maps tools and tool_choice, and returns function_call items', async () => {
      const response = await client.responses.create({
        model: 'gpt-4o-mini',
        input: 'Weather in Paris?',
        tools: [weatherTool],
        tool_choice: { type: 'function', name: 'get_weather' },
        parallel_tool_calls: false,
      });
      expect(response.output).toEqual([
        {
          type: 'function_call',
          id: expect.stringMatching(/^fc_/),
          call_id: 'call_0',
          name: 'get_weather',
          arguments: '{"city":"Paris"}',
          status: 'completed',
        },
      ]);
      expect(response.tool_choice).toEqual({ type: 'function', name: 'get_weather' });
      expect(response.parallel_tool_calls).toBe(false);
      const sent = stub.last().body;
      expect(sent.tools).toEqual([
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather of a city',
            parameters: weatherTool.parameters,
            strict: false,
          },
        },
      ]);
      expect(sent.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
      expect(sent.parallel_tool_calls).toBe(false);
    });

    it('streams text then two tool calls as items whose argument deltas the SDK assembles', async () => {
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
      const stream = client.responses.stream({
        model: 'gpt-4o-mini',
        input: 'Weather and time?',
        tools: [weatherTool, { ...weatherTool, name: 'get_time' }],
      });
      const pieces: string[] = [];
      const done: string[] = [];
      stream.on('response.function_call_arguments.delta', (event) => pieces.push(event.delta));
      stream.on('response.function_call_arguments.done', (event) => done.push(event.arguments));
      const final = await stream.finalResponse();
      expect(pieces).toEqual(['{"ci', 'ty":"Oslo"}', '{"tz":"CET"}']);
      expect(done).toEqual(['{"city":"Oslo"}', '{"tz":"CET"}']);
      // toMatchObject: the SDK's stream helper adds `parsed` fields of its own.
      expect(final.output).toMatchObject([
        {
          type: 'message',
          id: expect.stringMatching(/^msg_/),
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Let me check.', annotations: [] }],
        },
        {
          type: 'function_call',
          id: expect.stringMatching(/^fc_/),
          call_id: 'call_a',
          name: 'get_weather',
          arguments: '{"city":"Oslo"}',
          status: 'completed',
        },
        {
          type: 'function_call',
          id: expect.stringMatching(/^fc_/),
          call_id: 'call_b',
          name: 'get_time',
          arguments: '{"tz":"CET"}',
          status: 'completed',
        },
      ]);
      expect(final.status).toBe('completed');
      expect(final.usage).toMatchObject({ input_tokens: 20, output_tokens: 9, total_tokens: 29 });
    });

    it('sends a function_call_output round trip as assistant tool_calls then tool messages', async () => {
      await client.responses.create({
        model: 'gpt-4o-mini',
        input: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            type: 'message',
            id: 'msg_1',
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text: 'Checking.', annotations: [] }],
          },
          {
            type: 'function_call',
            call_id: 'call_1',
            name: 'get_weather',
            arguments: '{"city":"Paris"}',
          },
          { type: 'function_call_output', call_id: 'call_1', output: 'Sunny' },
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'And tomorrow?' },
              { type: 'input_image', image_url: 'data:image/png;base64,iVBOR', detail: 'low' },
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
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'And tomorrow?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR', detail: 'low' } },
          ],
        },
      ]);
    });

    it('ends a stream that fails midway with response.failed and an error event', async () => {
      stub.script(CHAT, {
        kind: 'sse',
        chunks: [chunk({ content: 'partial' }), chunk({ content: ' more' })],
        cut: true,
        gapMs: 30,
      });
      const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'Hi' });
      const deltas: string[] = [];
      const types: string[] = [];
      stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
      stream.on('event', (event) => types.push(event.type));
      const failure = await stream.finalResponse().catch((e: unknown) => e);
      expect(deltas).toEqual(['partial', ' more']);
      expect(types.at(-1)).toBe('response.failed');
      expect(failure).toBeInstanceOf(OpenAI.APIError);
    });
  });

  describe('errors in OpenAI shape', () => {
    it('404 for an unknown model', async () => {
      const error = await client.responses
        .create({ model: 'no-such-model', input: 'Hi' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
        type: 'not_found_error',
      });
    });

    it('400 unsupported_tool for a hosted tool', async () => {
      const res = await post({ model: 'demo', input: 'Hi', tools: [{ type: 'web_search' }] });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: {
          type: 'invalid_request_error',
          code: 'unsupported_tool',
          param: 'tools[0]',
          message:
            'Tools of type "web_search" are not supported by this gateway (only "function" and "mcp" tools)',
        },
        request_id: expect.any(String),
      });
    });

    it('400 previous_response_not_found for an unknown previous response', async () => {
      const error = await client.responses
        .create({ model: 'demo', input: 'Hi', previous_response_id: 'resp_123' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error).toMatchObject({
        code: 'previous_response_not_found',
        param: 'previous_response_id',
      });
      expect((error as Error).message).toContain("'resp_123' not found");
    });

    it('400 for a missing or empty input', async () => {
      const missing = await post({ model: 'demo' });
      expect(missing.status).toBe(400);
      expect(await missing.json()).toMatchObject({
        error: { code: 'invalid_request', param: 'input' },
      });
      const empty = await post({ model: 'demo', input: [] });
      expect(empty.status).toBe(400);
    });

    it('404 response_not_found when retrieving a response', async () => {
      const error = await client.responses.retrieve('resp_123').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect(error).toMatchObject({ code: 'response_not_found' });
    });
  });
});

describe('Stored responses: previous_response_id, retrieve and delete', () => {
  const stubA = new OpenAiStubServer();
  const stubB = new OpenAiStubServer();
  let gw: TestGateway;
  let client: OpenAI;

  const send = (
    method: string,
    path: string,
    body?: unknown,
    key = TEST_MASTER_KEY,
  ): Promise<Response> =>
    fetch(`${gw.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const create = async (
    body: Record<string, unknown>,
    key = TEST_MASTER_KEY,
  ): Promise<{ json: Record<string, unknown>; deployment: string | null }> => {
    const res = await send('POST', '/v1/responses', body, key);
    expect(res.status).toBe(200);
    return {
      json: (await res.json()) as Record<string, unknown>,
      deployment: res.headers.get('x-routeiq-deployment-id'),
    };
  };
  const lastUpstreamBody = (): Record<string, unknown> => {
    const all = [...stubA.requests, ...stubB.requests];
    return all[all.length - 1]!.body;
  };
  const pairDeployment = (name: string, apiBase: string): string[] => [
    '  - model_name: pair',
    '    litellm_params:',
    '      model: openai_like/pair-model',
    `      api_base: ${apiBase}`,
    '      api_key: sk-pair-key',
    '    model_info:',
    `      id: ${name}`,
  ];

  beforeAll(async () => {
    const [a, b] = [await stubA.start(), await stubB.start()];
    const extra = [...pairDeployment('pair-a', a), ...pairDeployment('pair-b', b)].join('\n');
    gw = await startTestGateway({
      yaml: translatedConfig(a, extra),
      env: { ADMIN_API_KEYS: TEST_ADMIN_KEY },
    });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: TEST_MASTER_KEY, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await stubA.stop();
    await stubB.stop();
  });

  it('retrieves a created response exactly as it was returned, stored or streamed', async () => {
    const { json } = await create({ model: 'gpt-4o-mini', input: 'Hi', instructions: 'Be brief.' });
    expect(json).toMatchObject({ store: true, previous_response_id: null });
    const res = await send('GET', `/v1/responses/${String(json.id)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(json);

    const streamed = await client.responses
      .stream({ model: 'gpt-4o-mini', input: 'Hi' })
      .finalResponse();
    const retrieved = await client.responses.retrieve(streamed.id);
    expect(retrieved).toMatchObject({ store: true, status: 'completed' });
    expect(retrieved.output_text).toBe(streamed.output_text);
    // The SDK's stream helper adds `parsed: null` to each text part: compare the items by id.
    expect(retrieved.output.map((item) => item.id)).toEqual(streamed.output.map((i) => i.id));
    expect(retrieved.usage).toEqual(streamed.usage);
  });

  it('continues a conversation on the same deployment, instructions not carried over', async () => {
    const first = await create({ model: 'pair', input: 'First question', instructions: 'Old.' });
    const answer = `${STUB_TEXT} #0`;
    let previous = first;
    for (let turn = 1; turn <= 5; turn += 1) {
      const next = await create({
        model: 'pair',
        input: `Question ${turn}`,
        previous_response_id: previous.json.id,
        ...(turn === 5 && { instructions: 'New.' }),
      });
      expect(next.deployment).toBe(first.deployment);
      expect(next.json.previous_response_id).toBe(previous.json.id);
      previous = next;
    }
    const messages = lastUpstreamBody().messages as unknown[];
    expect(messages.slice(0, 4)).toEqual([
      { role: 'system', content: 'New.' },
      { role: 'user', content: 'First question' },
      { role: 'assistant', content: answer },
      { role: 'user', content: 'Question 1' },
    ]);
    expect(messages).toHaveLength(1 + 2 * 5 + 1);
    expect(messages[messages.length - 1]).toEqual({ role: 'user', content: 'Question 5' });
    expect(JSON.stringify(messages)).not.toContain('Old.');
    const used = first.deployment === 'pair-a' ? stubA : stubB;
    const other = first.deployment === 'pair-a' ? stubB : stubA;
    const pairCalls = (stub: OpenAiStubServer): number =>
      stub.requests.filter((request) => request.body.model === 'pair-model').length;
    expect(pairCalls(used)).toBe(6);
    expect(pairCalls(other)).toBe(0);
  });

  it('continues a tool call with its function_call_output', async () => {
    const call = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Weather in Paris?',
      tools: [weatherTool],
    });
    expect(call.output[0]).toMatchObject({ type: 'function_call', call_id: 'call_0' });
    const followUp = await client.responses.create({
      model: 'gpt-4o-mini',
      previous_response_id: call.id,
      input: [{ type: 'function_call_output', call_id: 'call_0', output: 'Sunny' }],
    });
    expect(followUp.output_text).toBe(`${STUB_TEXT} #0`);
    expect(stubA.last().body.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_0',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_0', content: 'Sunny' },
    ]);
  });

  it('hides a response from another key: no read, no continuation, no delete', async () => {
    const generated = await fetch(`${gw.url}/key/generate`, {
      method: 'POST',
      headers: { 'x-admin-api-key': TEST_ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    expect(generated.status).toBe(200);
    const otherKey = ((await generated.json()) as { key: string }).key;
    const { json } = await create({ model: 'gpt-4o-mini', input: 'Secret' });
    const id = String(json.id);

    const read = await send('GET', `/v1/responses/${id}`, undefined, otherKey);
    expect(read.status).toBe(404);
    expect(await read.json()).toMatchObject({ error: { code: 'response_not_found' } });
    const next = await send(
      'POST',
      '/v1/responses',
      { model: 'gpt-4o-mini', input: 'More', previous_response_id: id },
      otherKey,
    );
    expect(next.status).toBe(400);
    expect(await next.json()).toMatchObject({
      error: { code: 'previous_response_not_found', param: 'previous_response_id' },
    });
    expect((await send('DELETE', `/v1/responses/${id}`, undefined, otherKey)).status).toBe(404);
    // The other key's own response is readable by it.
    const own = await create({ model: 'gpt-4o-mini', input: 'Mine' }, otherKey);
    const mine = await send('GET', `/v1/responses/${String(own.json.id)}`, undefined, otherKey);
    expect(mine.status).toBe(200);
    expect((await send('GET', `/v1/responses/${id}`)).status).toBe(200);
  });

  it('does not keep a response created with store: false', async () => {
    const { json } = await create({ model: 'gpt-4o-mini', input: 'Forget me', store: false });
    expect(json.store).toBe(false);
    const error = await client.responses.retrieve(String(json.id)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    const next = await send('POST', '/v1/responses', {
      model: 'gpt-4o-mini',
      input: 'And?',
      previous_response_id: json.id,
    });
    expect(next.status).toBe(400);
  });

  it('deletes a response, which is then gone (also from the database)', async () => {
    const { json } = await create({ model: 'gpt-4o-mini', input: 'Short-lived' });
    const id = String(json.id);
    // Past the write-behind interval, so the row is in the database when it is deleted.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const deleted = await send('DELETE', `/v1/responses/${id}`);
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ id, object: 'response.deleted', deleted: true });
    expect((await send('GET', `/v1/responses/${id}`)).status).toBe(404);
    expect((await send('DELETE', `/v1/responses/${id}`)).status).toBe(404);
    const queued = await create({ model: 'gpt-4o-mini', input: 'Deleted at once' });
    expect((await send('DELETE', `/v1/responses/${String(queued.json.id)}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await send('GET', `/v1/responses/${String(queued.json.id)}`)).status).toBe(404);
  });
});

describe('Responses API passed through to an OpenAI deployment', () => {
  const stub = new OpenAiStubServer();
  let gw: TestGateway;
  let client: OpenAI;

  const post = (body: unknown): Promise<Response> =>
    fetch(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const logRow = async (requestId: string): Promise<Record<string, unknown>> => {
    await gw.gateway.app.get(RequestLogWriter).flush();
    const rows = await gw.gateway.app.get(RequestLogQueryService).findByRequestId(requestId);
    expect(rows).toHaveLength(1);
    return rows[0] as unknown as Record<string, unknown>;
  };

  beforeAll(async () => {
    gw = await startTestGateway({ yaml: stubConfig(await stub.start()) });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: TEST_MASTER_KEY, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await stub.stop();
  });

  it('sends the client body to /v1/responses and returns the upstream object verbatim', async () => {
    const body = {
      model: 'gpt-4o-mini',
      instructions: 'Be brief.',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }],
      max_output_tokens: 64,
      metadata: { team: 'a' },
      store: true,
    };
    const res = await post(body);
    expect(res.status).toBe(200);
    const text = await res.text();
    const upstream = { ...body, store: false };
    expect(text).toBe(JSON.stringify(responsesObject(upstream)));
    expect(stub.last()).toMatchObject({ method: 'POST', path: '/v1/responses' });
    expect(stub.last().headers.authorization).toBe('Bearer sk-upstream-secret-key');
    expect(stub.last().body).toEqual(upstream);

    const row = await logRow(res.headers.get('x-request-id')!);
    expect(row).toMatchObject({
      endpoint: 'responses',
      deploymentId: 'stub-1',
      promptTokens: 21,
      completionTokens: 9,
      statusCode: 200,
    });

    const stored = await client.responses.retrieve(RESPONSES_STUB_ID);
    expect(stored).toMatchObject({ id: RESPONSES_STUB_ID, output: JSON.parse(text).output });
  });

  it('relays the upstream events verbatim and in order, and records the usage', async () => {
    const res = await post({ model: 'gpt-4o-mini', input: 'Hi', stream: true, store: false });
    expect(res.status).toBe(200);
    const upstreamBody = { model: 'gpt-4o-mini', input: 'Hi', stream: true, store: false };
    expect(stub.last()).toMatchObject({ path: '/v1/responses', body: upstreamBody });
    const expected = responsesEvents(upstreamBody)
      .map((event) => `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`)
      .join('');
    expect(await res.text()).toBe(expected);
    const row = await logRow(res.headers.get('x-request-id')!);
    expect(row).toMatchObject({ stream: true, promptTokens: 21, completionTokens: 9 });
  });

  it('streams through the SDK and keeps the answer under the upstream id', async () => {
    const id = 'resp_stub_streamed_2';
    const events = responsesEvents({ model: 'gpt-4o-mini', input: 'Hi' }).map(
      (event) => JSON.parse(JSON.stringify(event).replaceAll(RESPONSES_STUB_ID, id)) as unknown,
    );
    stub.script('/v1/responses', { kind: 'sse', chunks: events, named: true, done: false });
    const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'Hi' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(deltas.join('')).toBe(STUB_TEXT);
    expect(final.id).toBe(id);
    expect(stub.last().body).toMatchObject({ stream: true, store: false });
    const stored = await client.responses.retrieve(id);
    expect(stored).toMatchObject({ id, status: 'completed', store: true });
    expect(stored.output).toEqual(responsesObject({ model: 'gpt-4o-mini' }).output);
  });

  it('translates a continuation to chat on the same deployment', async () => {
    await post({ model: 'gpt-4o-mini', input: 'Hi' });
    const res = await post({
      model: 'gpt-4o-mini',
      input: 'And then?',
      previous_response_id: RESPONSES_STUB_ID,
    });
    expect(res.status).toBe(200);
    expect(stub.last().path).toBe('/v1/chat/completions');
    expect(stub.last().body.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: STUB_TEXT },
      { role: 'user', content: 'And then?' },
    ]);
  });

  it('passes an upstream error status through', async () => {
    const error = { message: 'bad thing', type: 'invalid_request_error', code: null, param: 'x' };
    stub.script('/v1/responses', { kind: 'json', status: 400, body: { error } });
    const res = await post({ model: 'gpt-4o-mini', input: 'Hi' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      'bad thing',
    );
  });
});
