import OpenAI from 'openai';
import { RequestLogQueryService, RequestLogWriter } from '@routeiq/persistence';
import { OpenAiStubServer, STUB_TEXT } from './support/openai-stub.server';
import {
  startTestGateway,
  stubConfig,
  TEST_MASTER_KEY,
  type TestGateway,
} from './support/gateway-harness';

describe('OpenAI-compatible inference through the gateway (openai SDK)', () => {
  const stub = new OpenAiStubServer();
  let gw: TestGateway;
  let client: OpenAI;
  let direct: OpenAI;

  beforeAll(async () => {
    const apiBase = await stub.start();
    const slashGroup = [
      '  - model_name: team/llama-3',
      '    litellm_params:',
      '      model: hosted_vllm/meta-llama/Meta-Llama-3-8B-Instruct',
      `      api_base: ${apiBase}`,
    ].join('\n');
    gw = await startTestGateway({ yaml: stubConfig(apiBase, slashGroup) });
    client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    direct = new OpenAI({ apiKey: 'sk-upstream-secret-key', baseURL: apiBase, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await stub.stop();
  });

  it('answers a chat completion with the upstream content, calling the upstream as the deployment', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();

    expect(data.choices[0]!.message.content).toBe(`${STUB_TEXT} #0`);
    expect(data.usage).toEqual({ prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const upstream = stub.last();
    expect(upstream.path).toBe('/v1/chat/completions');
    expect(upstream.headers.authorization).toBe('Bearer sk-upstream-secret-key');
    expect(upstream.body.model).toBe('gpt-4o-mini');
    expect(JSON.stringify(upstream.headers)).not.toContain(TEST_MASTER_KEY);
  });

  it('gives the same content as calling the upstream directly, streamed and not', async () => {
    const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }] };
    const viaGateway = await client.chat.completions.create(request);
    const viaDirect = await direct.chat.completions.create(request);
    expect(viaGateway.choices).toEqual(viaDirect.choices);

    const collect = async (sdk: OpenAI): Promise<string[]> => {
      const stream = await sdk.chat.completions.create({ ...request, stream: true });
      const parts: string[] = [];
      for await (const chunk of stream) parts.push(chunk.choices[0]?.delta.content ?? '');
      return parts;
    };
    const streamed = await collect(client);
    expect(streamed).toEqual(await collect(direct));
    expect(streamed.join('')).toBe(STUB_TEXT);
  });

  it('relays the upstream JSON byte for byte, streamed and not', async () => {
    const body = JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const raw = async (url: string, key: string, payload: string): Promise<string> => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: payload,
      });
      return res.text();
    };
    const direct = await raw(`${stub.origin}/v1/chat/completions`, 'k', body);
    expect(await raw(`${gw.url}/v1/chat/completions`, TEST_MASTER_KEY, body)).toBe(direct);
    const streamBody = body.replace('}]}', '}],"stream":true}');
    expect(await raw(`${gw.url}/v1/chat/completions`, TEST_MASTER_KEY, streamBody)).toBe(
      await raw(`${stub.origin}/v1/chat/completions`, 'k', streamBody),
    );
  });

  it('streams usage as the final chunk when stream_options.include_usage is set', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)!.usage).toEqual({
      prompt_tokens: 11,
      completion_tokens: 5,
      total_tokens: 16,
    });
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(stub.last().body.stream_options).toEqual({ include_usage: true });
  });

  it('passes tools, tool_choice, n, response_format and unknown parameters through intact', async () => {
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    ];
    const responseFormat = {
      type: 'json_schema' as const,
      json_schema: { name: 'x', schema: { type: 'object' }, strict: true },
    };
    const result = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools,
      tool_choice: 'auto',
      n: 2,
      response_format: responseFormat,
      seed: 42,
      // @ts-expect-error: a parameter the SDK does not know must still reach the upstream
      custom_vendor_flag: { nested: [1, 2] },
    });

    expect(result.choices).toHaveLength(2);
    expect(result.choices[0]!.message.tool_calls![0]).toEqual({
      id: 'call_0',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    });
    const sent = stub.last().body;
    expect(sent.tools).toEqual(tools);
    expect(sent.tool_choice).toBe('auto');
    expect(sent.n).toBe(2);
    expect(sent.response_format).toEqual(responseFormat);
    expect(sent.seed).toBe(42);
    expect(sent.custom_vendor_flag).toEqual({ nested: [1, 2] });
  });

  it('streams tool-call argument deltas that the SDK assembles', async () => {
    const base = {
      id: 'chatcmpl-t',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o-mini',
    };
    const delta = (d: unknown, finish: string | null = null): unknown => ({
      ...base,
      choices: [{ index: 0, delta: d, finish_reason: finish }],
    });
    stub.script('/v1/chat/completions', {
      kind: 'sse',
      chunks: [
        delta({
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              index: 0,
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '' },
            },
          ],
        }),
        delta({ tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] }),
        delta({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Oslo"}' } }] }),
        delta({}, 'tool_calls'),
      ],
    });
    const stream = client.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather?' }],
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(final.choices[0]!.message.tool_calls![0]!.function).toEqual({
      name: 'get_weather',
      arguments: '{"city":"Oslo"}',
    });
  });

  it('serves legacy completions and embeddings (base64 by default, as the SDK asks)', async () => {
    const completion = await client.completions.create({ model: 'gpt-4o-mini', prompt: 'Say' });
    expect(completion.choices[0]!.text).toBe(' a completion from the stub');
    expect(stub.last().path).toBe('/v1/completions');

    const embedded = await client.embeddings.create({ model: 'gpt-4o-mini', input: ['a', 'b'] });
    expect(stub.last().body.encoding_format).toBe('base64');
    expect(embedded.data).toHaveLength(2);
    expect(embedded.data[1]!.embedding).toEqual([0.25, -0.5, 0.125, 1]);

    const floats = await client.embeddings.create({
      model: 'gpt-4o-mini',
      input: 'a',
      encoding_format: 'float',
    });
    expect(floats.data[0]!.embedding).toEqual([0.25, -0.5, 0.125, 1]);
  });

  it('lists and retrieves model groups; an unknown model is 404 model_not_found', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id).sort()).toEqual(['demo', 'gpt-4o-mini', 'team/llama-3']);
    const one = await client.models.retrieve('gpt-4o-mini');
    expect(one).toMatchObject({ id: 'gpt-4o-mini', object: 'model' });
    const slashed = await fetch(`${gw.url}/v1/models/team/llama-3`, {
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}` },
    });
    expect(await slashed.json()).toMatchObject({ id: 'team/llama-3', object: 'model' });

    await expect(client.models.retrieve('nope')).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
    await expect(
      client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
  });

  it('sends an OpenAI-compatible server the model id after the provider prefix', async () => {
    await client.chat.completions.create({
      model: 'team/llama-3',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(stub.last().body.model).toBe('meta-llama/Meta-Llama-3-8B-Instruct');
    expect(stub.last().headers.authorization).toBeUndefined();
  });

  it('answers from the offline demo model, streamed and not, with usage', async () => {
    const answer = await client.chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    expect(answer.choices[0]!.message.content).toEqual(expect.any(String));
    expect(answer.usage!.total_tokens).toBeGreaterThan(0);

    const stream = await client.chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'Hello there' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(answer.choices[0]!.message.content);
  });

  it('records each request off the hot path with tokens and spend', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'log me' }] })
      .withResponse();
    const requestId = response.headers.get('x-request-id')!;
    await gw.gateway.app.get(RequestLogWriter).flush();
    const rows = await gw.gateway.app.get(RequestLogQueryService).findByRequestId(requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      endpoint: 'chat',
      modelGroup: 'gpt-4o-mini',
      deploymentId: 'stub-1',
      statusCode: 200,
      stream: false,
      promptTokens: 11,
      completionTokens: 7,
      totalTokens: 18,
    });
    expect(rows[0]!.spend).toBeCloseTo(11 * 0.000001 + 7 * 0.000002, 12);
  });

  it('records the tokens of a stream whose client did not ask for usage, and hides the usage from it', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'count me' }],
        stream: true,
      })
      .withResponse();
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.choices).toHaveLength(1);
      expect(chunk).not.toHaveProperty('usage');
    }
    const stubRequest = stub.requests[stub.requests.length - 1]!;
    expect(stubRequest.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    await gw.gateway.app.get(RequestLogWriter).flush();
    const rows = await gw.gateway.app
      .get(RequestLogQueryService)
      .findByRequestId(response.headers.get('x-request-id')!);
    // The stub's streamed usage chunk: 11 prompt and 5 completion tokens.
    expect(rows[0]).toMatchObject({ stream: true, promptTokens: 11, completionTokens: 5 });
  });
});
