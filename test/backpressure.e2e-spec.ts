import { DrainService } from '@routeiq/health';
import OpenAI from 'openai';
import { OpenAiStubServer } from './support/openai-stub.server';
import {
  startTestGateway,
  stubConfig,
  TEST_MASTER_KEY,
  type TestGateway,
} from './support/gateway-harness';
import { call, userHeaders, type ErrorEnvelope } from './support/http';

const CHAT = '/v1/chat/completions';
const hi = [{ role: 'user' as const, content: 'Hi' }];

describe('Backpressure (ROUTEIQ_MAX_CONCURRENT_REQUESTS)', () => {
  const stub = new OpenAiStubServer();
  let gw: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    const apiBase = await stub.start();
    gw = await startTestGateway({
      yaml: stubConfig(apiBase),
      env: { ROUTEIQ_MAX_CONCURRENT_REQUESTS: '2' },
    });
    client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await stub.stop();
  });

  const chat = (stream: boolean, signal?: AbortSignal, headers: Record<string, string> = {}) =>
    fetch(`${gw.url}${CHAT}`, {
      method: 'POST',
      headers: { ...userHeaders(), ...headers },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: hi, stream }),
      signal,
    });

  it('refuses a request over the limit with 503 over_capacity until one in flight ends', async () => {
    const drain = gw.gateway.app.get(DrainService);
    stub.script(CHAT, { kind: 'hang' }, { kind: 'hang' });
    const before = stub.count(CHAT);
    const aborts = new AbortController();
    const held = [chat(false, aborts.signal), chat(true, aborts.signal)].map((pending) =>
      pending.catch((error: unknown) => error),
    );
    await stub.waitForCount(CHAT, before + 2);
    expect(drain.inFlightCount).toBe(2);

    // A stream request over the limit: refused before the body is read, never sent upstream.
    const refused = await chat(true, undefined, { 'x-request-id': 'bp-client-1' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('x-request-id')).toBe('bp-client-1');
    expect(await refused.json()).toEqual({
      error: {
        message: expect.any(String),
        type: 'server_error',
        code: 'over_capacity',
        param: null,
      },
      request_id: 'bp-client-1',
    });

    const viaSdk = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: hi })
      .catch((e: unknown) => e);
    expect(viaSdk).toBeInstanceOf(OpenAI.InternalServerError);
    expect(viaSdk).toMatchObject({ status: 503, code: 'over_capacity', type: 'server_error' });
    const sdkRequestId = (viaSdk as InstanceType<typeof OpenAI.APIError>).headers?.get(
      'x-request-id',
    );
    expect(sdkRequestId).toMatch(/^[0-9a-f-]{36}$/);

    // Any route counts, control plane and unknown paths included; health probes never do.
    const unknown = await call<ErrorEnvelope>(`${gw.url}/v1/nothing-here`);
    expect(unknown.status).toBe(503);
    expect(unknown.body.error.code).toBe('over_capacity');
    expect(unknown.body.request_id).toBe(unknown.headers.get('x-request-id'));
    await expect(call(`${gw.url}/_health/live`)).resolves.toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    await expect(call(`${gw.url}/_health/ready`)).resolves.toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    expect(stub.count(CHAT)).toBe(before + 2);
    expect(drain.inFlightCount).toBe(2);

    const abortedBefore = stub.abortedRequests;
    aborts.abort();
    await Promise.all(held);
    await waitFor(() => drain.inFlightCount === 0 && stub.abortedRequests === abortedBefore + 2);

    const answer = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: hi });
    expect(answer.choices[0]!.message.content).toEqual(expect.any(String));
    const stream = await chat(true);
    expect(stream.status).toBe(200);
    expect(await stream.text()).toContain('data: [DONE]');
    expect(stub.count(CHAT)).toBe(before + 4);
  });

  it('admits again as soon as one request in flight has finished', async () => {
    const drain = gw.gateway.app.get(DrainService);
    stub.script(CHAT, { kind: 'hang' }, { kind: 'hang' });
    const before = stub.count(CHAT);
    const first = new AbortController();
    const second = new AbortController();
    const held = [chat(false, first.signal), chat(false, second.signal)].map((pending) =>
      pending.catch((error: unknown) => error),
    );
    await stub.waitForCount(CHAT, before + 2);
    await expect(chat(false)).resolves.toMatchObject({ status: 503 });

    first.abort();
    await waitFor(() => drain.inFlightCount === 1);
    const admitted = await chat(false);
    expect(admitted.status).toBe(200);
    await admitted.text();

    second.abort();
    await Promise.all(held);
    await waitFor(() => drain.inFlightCount === 0);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
