import OpenAI from 'openai';
import { OpenAiStubServer } from './support/openai-stub.server';
import {
  freePort,
  startTestGateway,
  stubConfig,
  TEST_MASTER_KEY,
  type TestGateway,
} from './support/gateway-harness';

const CHAT = '/v1/chat/completions';
const hi = [{ role: 'user' as const, content: 'Hi' }];

describe('Upstream failures through the gateway', () => {
  const stub = new OpenAiStubServer();
  let gw: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    const apiBase = await stub.start();
    const deadPort = await freePort();
    const extra = [
      '  - model_name: dead',
      '    litellm_params:',
      '      model: openai/dead',
      `      api_base: http://127.0.0.1:${deadPort}/v1`,
      '  - model_name: slow',
      '    litellm_params:',
      '      model: openai/slow',
      `      api_base: ${apiBase}`,
      '      timeout: 0.5',
      '      stream_timeout: 0.5',
      '  - model_name: retried',
      '    litellm_params:',
      '      model: openai/retried',
      `      api_base: ${apiBase}`,
      '      max_retries: 2',
      // Every test here fails the same deployment on purpose: keep its breaker out of the way
      // (breakers and cooldowns have their own specs).
      'router_settings:',
      '  circuit_breaker: { failure_threshold: 1000 }',
    ].join('\n');
    gw = await startTestGateway({ yaml: stubConfig(apiBase, extra) });
    client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await stub.stop();
  });

  it('retries a busy upstream max_retries times before the first byte, and never a bad request', async () => {
    const busy = { kind: 'json', status: 503, body: { error: { message: 'busy' } } } as const;
    stub.script(CHAT, busy, busy);
    const before = stub.requests.length;
    const answer = await client.chat.completions.create({ model: 'retried', messages: hi });
    expect(answer.choices[0]!.message.content).toEqual(expect.any(String));
    expect(stub.requests.length - before).toBe(3);

    stub.script(CHAT, busy, busy);
    const stream = await client.chat.completions.create({
      model: 'retried',
      messages: hi,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);

    const bad = { kind: 'json', status: 400, body: { error: { message: 'bad' } } } as const;
    stub.script(CHAT, bad);
    const start = stub.requests.length;
    await expect(
      client.chat.completions.create({ model: 'retried', messages: hi }),
    ).rejects.toMatchObject({ status: 400 });
    expect(stub.requests.length - start).toBe(1);

    stub.script(CHAT, busy);
    await expect(
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: hi }),
    ).rejects.toMatchObject({ status: 503 });
  });

  it('keeps an upstream 4xx status and its OpenAI error fields', async () => {
    stub.script(CHAT, {
      kind: 'json',
      status: 400,
      body: {
        error: {
          message: "Invalid value for 'temperature'",
          type: 'invalid_request_error',
          code: 'invalid_value',
          param: 'temperature',
        },
      },
    });
    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: hi, temperature: 9 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_value',
      param: 'temperature',
      type: 'invalid_request_error',
    });
    expect((error as Error).message).toContain("Invalid value for 'temperature'");
  });

  it('keeps a 429 and forwards Retry-After', async () => {
    stub.script(CHAT, {
      kind: 'json',
      status: 429,
      headers: { 'retry-after': '7' },
      body: {
        error: {
          message: 'Rate limit reached',
          type: 'requests',
          code: 'rate_limit_exceeded',
          param: null,
        },
      },
    });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: hi }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    const body = (await res.json()) as { error: { code: string }; request_id: string };
    expect(body.error.code).toBe('rate_limit_exceeded');
    expect(body.request_id).toBe(res.headers.get('x-request-id'));
  });

  it('turns a connection failure into 502 upstream_connection_error', async () => {
    await expect(
      client.chat.completions.create({ model: 'dead', messages: hi }),
    ).rejects.toMatchObject({
      status: 502,
      code: 'upstream_connection_error',
    });
  });

  it('turns an upstream that does not answer in time into 504, streaming or not', async () => {
    stub.script(CHAT, { kind: 'hang' }, { kind: 'hang' });
    await expect(
      client.chat.completions.create({ model: 'slow', messages: hi }),
    ).rejects.toMatchObject({
      status: 504,
      code: 'upstream_timeout',
    });
    await expect(
      client.chat.completions.create({ model: 'slow', messages: hi, stream: true }),
    ).rejects.toMatchObject({ status: 504, code: 'upstream_timeout' });
  });

  it('ends a stream that fails midway with an OpenAI-shaped error event', async () => {
    const chunk = {
      id: 'c',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, delta: { content: 'partial' }, finish_reason: null }],
    };
    stub.script(CHAT, { kind: 'sse', chunks: [chunk, chunk], cut: true, gapMs: 30 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: hi,
      stream: true,
    });
    const received: string[] = [];
    const failure = await (async () => {
      for await (const part of stream) received.push(part.choices[0]!.delta.content ?? '');
    })().catch((e: unknown) => e);

    expect(received).toEqual(['partial', 'partial']);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).code).toBe('upstream_stream_error');
  });

  it('relays an error event sent by the upstream inside a 200 stream', async () => {
    stub.script(CHAT, {
      kind: 'sse',
      chunks: [
        {
          id: 'c',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'm',
          choices: [{ index: 0, delta: { content: 'a' }, finish_reason: null }],
        },
        {
          error: { message: 'The server had an error', type: 'server_error', code: 'server_error' },
        },
      ],
      done: false,
    });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: hi,
      stream: true,
    });
    const failure = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as Error).message).toContain('The server had an error');
  });

  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    const chunk = {
      id: 'c',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null }],
    };
    stub.script(CHAT, { kind: 'sse', chunks: Array.from({ length: 100 }, () => chunk), gapMs: 50 });
    const before = stub.abortedRequests;
    const controller = new AbortController();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: hi, stream: true }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await waitFor(() => stub.abortedRequests > before);
    expect(stub.abortedRequests).toBe(before + 1);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
