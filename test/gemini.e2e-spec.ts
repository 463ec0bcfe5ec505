import OpenAI from 'openai';
import { GEMINI_STUB_TEXT, GeminiStubServer, googleError } from './support/gemini-stub.server';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from './support/gateway-harness';

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
};

describe('Gemini: the gemini provider through the gateway (openai SDK as the client)', () => {
  const stub = new GeminiStubServer();
  let gw: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    const apiBase = await stub.start();
    gw = await startTestGateway({
      yaml: [
        'model_list:',
        '  - model_name: flash',
        '    litellm_params:',
        '      model: gemini/gemini-2.0-flash',
        `      api_base: ${apiBase}`,
        '      api_key: gemini-upstream-secret',
        '      extra_headers:',
        '        x-team: research',
      ].join('\n'),
    });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: TEST_MASTER_KEY, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await stub.stop();
  });

  it('answers a chat completion, sending the key only in x-goog-api-key', async () => {
    const answer = await client.chat.completions.create({
      model: 'flash',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(answer.choices[0]!.message.content).toBe(GEMINI_STUB_TEXT);
    expect(answer.usage!.total_tokens).toBeGreaterThan(0);
    const sent = stub.last();
    expect(sent.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe('gemini-upstream-secret');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.headers['x-team']).toBe('research');
    expect(sent.body).toMatchObject({ systemInstruction: { parts: [{ text: 'Be brief.' }] } });
  });

  it('streams text and a tool call, with usage, to the openai SDK', async () => {
    const stream = await client.chat.completions.create({
      model: 'flash',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const calls: Array<{ name?: string; arguments?: string }> = [];
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) calls.push(call.function ?? {});
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(GEMINI_STUB_TEXT);
    expect(calls).toEqual([{ name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    expect(finish).toBe('tool_calls');
    expect(usage!.total_tokens).toBeGreaterThan(0);
    expect(stub.last().path).toBe('/v1beta/models/gemini-2.0-flash:streamGenerateContent');
  });

  it('keeps the upstream status of a Google error in the OpenAI error shape', async () => {
    stub.script(
      '/v1beta/models/gemini-2.0-flash:generateContent',
      googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded'),
    );
    const failure = await client.chat.completions
      .create({ model: 'flash', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
  });

  it('refuses legacy completions with a 400 before any upstream call', async () => {
    const before = stub.requests.length;
    const res = await fetch(`${gw.url}/v1/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'flash', prompt: 'Hi' }),
    });
    expect(res.status).toBe(400);
    expect(stub.requests.length).toBe(before);
  });
});
