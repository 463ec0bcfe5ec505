import { ProviderErrorCode, ProviderException } from '../contract/provider.exception';
import { toJson } from '../contract/raw-json';
import type { UpstreamResponsesEvent } from '../contract/provider-adapter';
import { callContext, deploymentConfig } from '../__fixtures__/deployments';
import { UpstreamHttpClient } from '../http/upstream-http.client';
import { fixture, UpstreamStub } from '../openai-compatible/__fixtures__/upstream-stub';
import { ProviderRegistry } from '../provider.registry';
import { OpenAiAdapter, OpenAiLikeAdapter } from './openai.adapter';

const RESPONSES_REQUEST = {
  model: 'my-group',
  instructions: 'Be brief.',
  input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }],
  tools: [{ type: 'web_search_preview' }],
  reasoning: { effort: 'low' },
  store: true,
  previous_response_id: 'resp_gateway_1',
  metadata: { team: 'a' },
};

/** The body the upstream must receive: upstream model, never stored there, no continuation. */
const { previous_response_id: _previous, ...UPSTREAM_BODY } = {
  ...RESPONSES_REQUEST,
  model: 'gpt-4.1-2025-04-14',
  store: false,
};

async function collect(stream: AsyncIterable<UpstreamResponsesEvent>): Promise<unknown[]> {
  const events: unknown[] = [];
  for await (const { event, data } of stream) events.push({ event, data, raw: toJson(data) });
  return events;
}

describe(`${OpenAiAdapter.name} (Responses API)`, () => {
  let stub: UpstreamStub;
  let http: UpstreamHttpClient;
  let registry: ProviderRegistry;

  beforeEach(async () => {
    stub = await UpstreamStub.start();
    http = new UpstreamHttpClient();
    registry = new ProviderRegistry([new OpenAiAdapter(http), new OpenAiLikeAdapter(http)]);
  });

  afterEach(async () => {
    await http.onApplicationShutdown();
    await stub.close();
  });

  function context(provider = 'openai') {
    const config = deploymentConfig(`${provider}/gpt-4.1-2025-04-14`, {
      api_base: `${stub.origin}/v1`,
      api_key: 'sk-test-key',
    });
    return callContext(registry.resolve(config, {}, { timeoutMs: 5_000 }));
  }

  it('has the responses capability; other OpenAI-compatible vendors do not', () => {
    expect(context().deployment.adapter.capabilities.has('responses')).toBe(true);
    expect(context('openai_like').deployment.adapter.capabilities.has('responses')).toBe(false);
  });

  it('posts the body to /responses and relays the upstream JSON verbatim', async () => {
    stub.replyJson(200, fixture('responses-response.json'));
    const ctx = context();

    const answer = await ctx.deployment.adapter.responses(structuredClone(RESPONSES_REQUEST), ctx);

    expect(toJson(answer)).toBe(fixture('responses-response.json'));
    const sent = stub.lastRequest;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/v1/responses');
    expect(sent.headers).toEqual({
      host: stub.origin.slice('http://'.length),
      connection: 'keep-alive',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(sent.body)),
      authorization: 'Bearer sk-test-key',
    });
    expect(JSON.parse(sent.body)).toEqual(UPSTREAM_BODY);
  });

  it('streams the named events as they come, each with its raw JSON', async () => {
    const sse = fixture('responses-stream.sse');
    stub.replySse(sse);
    const ctx = context();
    const request = { ...structuredClone(RESPONSES_REQUEST), stream: true };

    const events = await collect(await ctx.deployment.adapter.responsesStream(request, ctx));

    const sent = stub.lastRequest;
    expect(sent.url).toBe('/v1/responses');
    expect(sent.headers.accept).toBe('text/event-stream');
    expect(JSON.parse(sent.body)).toEqual({ ...UPSTREAM_BODY, stream: true });
    const expected = sse
      .trim()
      .split('\n\n')
      .map((frame) => {
        const [eventLine, dataLine] = frame.split('\n') as [string, string];
        const raw = dataLine.slice('data: '.length);
        return { event: eventLine.slice('event: '.length), data: JSON.parse(raw) as unknown, raw };
      });
    expect(events).toEqual(expected);
    expect(events).toHaveLength(5);
  });

  it('fails a stream that ends before a terminal event, and one with an error event', async () => {
    const ctx = context();
    const [first] = fixture('responses-stream.sse').split('\n\n');
    stub.replySse(`${first}\n\n`);
    const cut = collect(await ctx.deployment.adapter.responsesStream(RESPONSES_REQUEST, ctx));
    await expect(cut).rejects.toThrow(/ended before it completed/);

    const error = { type: 'error', code: 'server_error', message: 'boom', sequence_number: 1 };
    stub.replySse(`${first}\n\nevent: error\ndata: ${JSON.stringify(error)}\n\n`);
    const failed = collect(await ctx.deployment.adapter.responsesStream(RESPONSES_REQUEST, ctx));
    await expect(failed).rejects.toThrow('boom');
  });

  it('maps an upstream 400 before the stream starts', async () => {
    stub.replyJson(400, fixture('error-400.json'));
    const ctx = context();
    const err: unknown = await ctx.deployment.adapter
      .responsesStream(RESPONSES_REQUEST, ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderException);
    expect((err as ProviderException).status).toBe(400);
  });

  it('refuses the Responses API on an adapter without the capability', async () => {
    const ctx = context('openai_like');
    const err: unknown = await ctx.deployment.adapter
      .responses(RESPONSES_REQUEST, ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderException);
    expect((err as ProviderException).code).toBe(ProviderErrorCode.UnsupportedOperation);
    expect(stub.requests).toHaveLength(0);
  });
});
