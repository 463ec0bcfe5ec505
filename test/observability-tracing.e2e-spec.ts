import OpenAI from 'openai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  baseProcessEnv,
  clientTrace,
  contentTypesOf,
  decisionEventOf,
  eventOf,
  eventually,
  exitWithin,
  inTrace,
  named,
  only,
  shapeOf,
  spansText,
  startTracedGateway,
  TRACED_ENV,
  waitForRequestTrace,
  type ClientTrace,
  type SpanShape,
  type TracedGateway,
} from './fixtures/observability.fixtures';
import {
  CHAT,
  deployment,
  hi,
  OVERLOADED,
  startStubs,
  stopStubs,
  type Stubs,
} from './fixtures/routing.fixtures';
import { freePort, TEST_MASTER_KEY } from './support/gateway-harness';
import { spawnGateway } from './support/gateway-process';
import { chatChunks, STUB_TEXT } from './support/openai-chat.stub';
import { childrenOf, type ReceivedSpan } from './support/otlp-receiver';

// Traces and OTLP export of the built gateway running as a process (the OpenTelemetry SDK starts
// before the application; it cannot inside jest), with the openai SDK as a client that traces
// itself (it sends `traceparent`) and one stub upstream per deployment.

const CANARY = `prompt-canary-${randomBytes(6).toString('hex')}`;
const SERVICE_NAME = 'routeiq-e2e-traced';
const FAILING = ['flaky-1', 'flaky-2', 'broken-1', 'broken-2'];
// One span per gateway request: the server span carries the GenAI request attributes.
const PLAIN_SHAPE: SpanShape = {
  name: 'POST /v1/chat/completions',
  kind: 'SERVER',
  children: [
    { name: 'chat plain-1', kind: 'CLIENT', children: [] },
    { name: 'route plain', kind: 'INTERNAL', children: [] },
  ],
};

const MS = 1_000_000n;
const traced = (caller: ClientTrace) => ({ headers: { traceparent: caller.traceparent } });
const isClient = (span: ReceivedSpan): boolean => span.kind === 'CLIENT';
const isServer = (span: ReceivedSpan): boolean => span.kind === 'SERVER';

describe('Tracing of a gateway process, exported over OTLP', () => {
  let stubs: Stubs;
  /**
   * Protobuf export, its own service name, OTEL_TRACES_SAMPLER=always_on over the ROUTEIQ_ one,
   * the response cache on (only `temperature: 0` requests are cached).
   */
  let main: TracedGateway;
  /** http/json export, LOG_QUERIES=true, the default service name. */
  let content: TracedGateway;
  /** ROUTEIQ_OTEL_TRACES_SAMPLER=always_off alone. */
  let unsampled: TracedGateway;
  /**
   * The http and undici instrumentations on: they make the server spans and send `traceparent`
   * upstream, not the gateway.
   */
  let instrumented: TracedGateway;
  const running: TracedGateway[] = [];

  const upstreamTraceparents = (id: string, traceId: string): string[] =>
    stubs[id]!.requests.map((r) => String(r.headers.traceparent ?? '')).filter((header) =>
      header.includes(traceId),
    );

  beforeAll(async () => {
    stubs = await startStubs(['plain-1', 'stream-1', 'steady-1', ...FAILING]);
    for (const id of FAILING) stubs[id]!.failAll(CHAT, OVERLOADED);
    const config = {
      model_list: [
        deployment('plain', 'plain-1', stubs),
        deployment('streamed', 'stream-1', stubs),
        deployment('flaky', 'flaky-1', stubs),
        deployment('flaky', 'flaky-2', stubs),
        deployment('steady', 'steady-1', stubs),
        deployment('broken', 'broken-1', stubs),
        deployment('broken', 'broken-2', stubs),
      ],
      router_settings: { num_retries: 1, fallbacks: [{ flaky: ['steady'] }] },
    };
    const started = await Promise.allSettled([
      startTracedGateway(config, {
        ...TRACED_ENV,
        OTEL_SERVICE_NAME: SERVICE_NAME,
        ROUTEIQ_OTEL_TRACES_SAMPLER: 'always_off',
        CACHE_ENABLED: 'true',
      }),
      startTracedGateway(config, {
        ...TRACED_ENV,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        LOG_QUERIES: 'true',
      }),
      startTracedGateway(config, {
        ...TRACED_ENV,
        OTEL_TRACES_SAMPLER: undefined,
        ROUTEIQ_OTEL_TRACES_SAMPLER: 'always_off',
        OTEL_METRICS_EXPORTER: 'none',
      }),
      startTracedGateway(config, {
        ...TRACED_ENV,
        OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,undici',
        OTEL_METRICS_EXPORTER: 'none',
      }),
    ]);
    for (const result of started) if (result.status === 'fulfilled') running.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    [main, content, unsampled, instrumented] = running as [
      TracedGateway,
      TracedGateway,
      TracedGateway,
      TracedGateway,
    ];
  }, 120_000);

  afterAll(async () => {
    await Promise.all(running.map((gateway) => gateway.stop()));
    await stopStubs(stubs);
  });

  it('makes one trace of a chat completion, from the caller through routing to the upstream', async () => {
    const caller = clientTrace();
    const { data, response } = await main.client.chat.completions
      .create(
        {
          model: 'plain',
          messages: [{ role: 'user', content: CANARY }],
          temperature: 0.5,
          max_tokens: 50,
        },
        traced(caller),
      )
      .withResponse();
    expect(data.choices[0]!.message.content).toBe(`${STUB_TEXT} #0`);
    const requestId = response.headers.get('x-request-id');
    const trace = await waitForRequestTrace(main.receiver, caller.traceId);
    const server = only(trace, isServer, 'server span');
    expect(trace).toHaveLength(3);
    expect(shapeOf(trace, server)).toEqual(PLAIN_SHAPE);
    expect(
      main.receiver
        .spans()
        .filter((span) => span.attributes['routeiq.request_id'] === requestId)
        .map((span) => span.traceId),
    ).toEqual([caller.traceId]);
    for (const span of trace) expect(span.resource['service.name']).toBe(SERVICE_NAME);

    expect(server).toMatchObject({ parentSpanId: caller.spanId, status: { code: 'UNSET' } });
    expect(server.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.path': '/v1/chat/completions',
      'url.scheme': 'http',
      'http.route': '/v1/chat/completions',
      'http.response.status_code': 200,
      'client.address': '127.0.0.1',
      'user_agent.original': expect.stringMatching(/^OpenAI\/JS /),
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'plain',
      'gen_ai.request.temperature': 0.5,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.response.model': 'plain-1-2024-08-06',
      'gen_ai.response.id': 'chatcmpl-stub-1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 7,
      'routeiq.request_id': requestId,
      'routeiq.stream': false,
      'routeiq.deployment.id': 'plain-1',
    });
    expect(server.attributes).not.toHaveProperty('error.type');

    const route = only(trace, named('route plain'), 'routing span');
    expect(route.attributes).toMatchObject({
      'router.model_group': 'plain',
      'router.outcome': 'success',
      'router.selected_deployment': 'plain-1',
      'router.candidates': 1,
    });
    const decision = decisionEventOf(route);
    expect(decision).toMatchObject({ request_id: requestId, outcome: 'success' });
    expect(decision.attempts).toEqual([
      expect.objectContaining({ model_group: 'plain', deployment: 'plain-1', outcome: 'success' }),
    ]);

    const upstream = only(trace, isClient, 'upstream span');
    expect(upstream).toMatchObject({ name: 'chat plain-1', status: { code: 'UNSET' } });
    expect(upstream.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'plain-1',
      'gen_ai.response.model': 'plain-1-2024-08-06',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 7,
      'routeiq.deployment.id': 'plain-1',
      'routeiq.model_group': 'plain',
      'routeiq.attempt': 1,
      'routeiq.attempt.type': 'initial',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(stubs['plain-1']!.origin).port),
    });
    expect(upstreamTraceparents('plain-1', caller.traceId)).toEqual([
      `00-${caller.traceId}-${upstream.spanId}-01`,
    ]);

    // The prompt went upstream, and never onto a span (LOG_QUERIES is off).
    expect(JSON.stringify(stubs['plain-1']!.last().body)).toContain(CANARY);
    expect(spansText(main.receiver.spans())).not.toContain(CANARY);
  });

  it('times a stream: first-token events, usage, an upstream span as long as the stream', async () => {
    const gapMs = 40;
    const chunks = chatChunks('stream-1', { stream_options: { include_usage: true } });
    stubs['stream-1']!.script(CHAT, { kind: 'sse', chunks, gapMs });
    const caller = clientTrace();
    const stream = await main.client.chat.completions.create(
      { model: 'streamed', messages: hi, stream: true },
      traced(caller),
    );
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(STUB_TEXT);

    const trace = await waitForRequestTrace(main.receiver, caller.traceId);
    const request = only(trace, isServer, 'server span');
    expect(request.attributes).toMatchObject({
      'routeiq.stream': true,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 5,
      'routeiq.deployment.id': 'stream-1',
    });
    const firstToken = eventOf(request, 'routeiq.first_token');
    const ttft = firstToken.attributes['gen_ai.server.time_to_first_token'] as number;
    expect(ttft).toBeGreaterThan(0);
    // Seconds from the request's arrival, which is when the server span started.
    const sinceArrival = Number(firstToken.timeUnixNano - request.startTimeUnixNano) / 1e9;
    expect(Math.abs(ttft - sinceArrival)).toBeLessThan(0.01);

    const upstream = only(trace, isClient, 'upstream span');
    expect(upstream).toMatchObject({ name: 'chat stream-1', parentSpanId: request.spanId });
    const upstreamFirst = eventOf(upstream, 'routeiq.first_token');
    expect(upstream.endTimeUnixNano).toBeGreaterThanOrEqual(upstreamFirst.timeUnixNano);
    // Across spans, within a millisecond: the SDK anchors each span's clock on Date.now().
    expect(upstream.endTimeUnixNano + MS).toBeGreaterThanOrEqual(firstToken.timeUnixNano);
    expect(upstream.endTimeUnixNano).toBeLessThanOrEqual(request.endTimeUnixNano + MS);
    // The stub pauses after every chunk: a span ending at the stream's head would be far shorter.
    const afterFirst = upstream.endTimeUnixNano - upstreamFirst.timeUnixNano;
    expect(afterFirst).toBeGreaterThanOrEqual(BigInt((chunks.length - 2) * gapMs) * MS);
  });

  it('puts retries under the request span and a fallback group under its own span', async () => {
    const caller = clientTrace();
    const { response } = await main.client.chat.completions
      .create({ model: 'flaky', messages: hi }, traced(caller))
      .withResponse();
    expect(response.headers.get('x-routeiq-deployment')).toBe('steady-1');
    const trace = await waitForRequestTrace(main.receiver, caller.traceId);
    const request = only(trace, isServer, 'server span');
    expect(request.status.code).toBe('UNSET');
    expect(request.attributes).toMatchObject({
      'routeiq.deployment.id': 'steady-1',
      'http.response.status_code': 200,
    });

    const calls = childrenOf(trace, request).filter(isClient);
    expect(calls.map((span) => span.attributes['routeiq.attempt'])).toEqual([1, 2]);
    expect(calls.map((span) => span.attributes['routeiq.attempt.type'])).toEqual([
      'initial',
      'retry',
    ]);
    expect(calls.map((span) => span.attributes['routeiq.deployment.id']).sort()).toEqual([
      'flaky-1',
      'flaky-2',
    ]);
    for (const call of calls) {
      expect(call.status.code).toBe('ERROR');
      expect(call.attributes).toMatchObject({
        'http.response.status_code': 503,
        'error.type': expect.stringMatching(/\w/),
        'routeiq.model_group': 'flaky',
      });
    }

    const decision = decisionEventOf(only(trace, named('route flaky'), 'routing span'));
    expect(decision.attempts.map((a) => [a.model_group, a.outcome])).toEqual([
      ['flaky', 'error'],
      ['flaky', 'error'],
      ['steady', 'success'],
    ]);
    expect(decision.fallback).toMatchObject({ from: 'flaky', to: 'steady' });
    const fallback = only(trace, named('fallback steady'), 'fallback span');
    expect(fallback).toMatchObject({ kind: 'INTERNAL', parentSpanId: request.spanId });
    expect(fallback.attributes).toEqual({
      'routeiq.fallback.from': 'flaky',
      'routeiq.fallback.to': 'steady',
      'routeiq.fallback.reason': decision.fallback!.reason,
    });
    const rescues = childrenOf(trace, fallback);
    expect(rescues).toHaveLength(1);
    expect(rescues[0]).toMatchObject({ name: 'chat steady-1', kind: 'CLIENT' });
    expect(rescues[0]!.status.code).toBe('UNSET');
    expect(rescues[0]!.attributes).toMatchObject({
      'routeiq.attempt': 3,
      'routeiq.attempt.type': 'fallback',
      'routeiq.deployment.id': 'steady-1',
      'routeiq.model_group': 'steady',
    });
    // Each upstream call carried its own span as the parent.
    for (const span of [...calls, rescues[0]!]) {
      const id = span.attributes['routeiq.deployment.id'] as string;
      expect(upstreamTraceparents(id, caller.traceId)).toEqual([
        `00-${caller.traceId}-${span.spanId}-01`,
      ]);
    }
  });

  it('marks the request span an error when every deployment failed', async () => {
    const caller = clientTrace();
    const error = await main.client.chat.completions
      .create({ model: 'broken', messages: hi }, traced(caller))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: 503, code: 'upstream_error' });

    const trace = await waitForRequestTrace(main.receiver, caller.traceId);
    const failure = { 'http.response.status_code': 503, 'error.type': 'upstream_error' };
    const request = only(trace, isServer, 'server span');
    expect(request).toMatchObject({ name: 'POST /v1/chat/completions', status: { code: 'ERROR' } });
    expect(request.attributes).toMatchObject({ ...failure, 'gen_ai.request.model': 'broken' });
    const calls = childrenOf(trace, request).filter(isClient);
    expect(calls.map((span) => span.status.code)).toEqual(['ERROR', 'ERROR']);
    const route = only(trace, named('route broken'), 'routing span');
    expect(route.attributes['router.outcome']).toBe('error');
    expect(decisionEventOf(route).outcome).toBe('error');
  });

  it('traces a response-cache hit as one request span, with no upstream call', async () => {
    const ask = (caller: ClientTrace) =>
      main.client.chat.completions
        .create(
          { model: 'plain', messages: [{ role: 'user', content: 'cache me' }], temperature: 0 },
          traced(caller),
        )
        .withResponse();
    const miss = clientTrace();
    expect((await ask(miss)).response.headers.get('x-routeiq-cache')).toBe('MISS');
    await waitForRequestTrace(main.receiver, miss.traceId);
    const hit = clientTrace();
    const { data, response } = await ask(hit);
    expect(response.headers.get('x-routeiq-cache')).toBe('HIT');
    expect(data.choices[0]!.message.content).toEqual(expect.any(String));

    const trace = await waitForRequestTrace(main.receiver, hit.traceId);
    expect(trace).toHaveLength(1);
    expect(trace[0]).toMatchObject({ name: 'POST /v1/chat/completions', kind: 'SERVER' });
    expect(trace[0]!.attributes).toMatchObject({
      'routeiq.cache.hit': true,
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'plain',
      'http.response.status_code': 200,
    });
  });

  it('traces no health probe and no metrics scrape', async () => {
    const probe = clientTrace();
    const scrape = clientTrace();
    const control = clientTrace();
    const live = await fetch(`${main.url}/_health/live`, traced(probe));
    expect(live.status).toBe(200);
    const metrics = await fetch(`${main.url}/metrics`, {
      headers: { traceparent: scrape.traceparent, authorization: `Bearer ${TEST_MASTER_KEY}` },
    });
    expect(metrics.status).toBe(200);
    await metrics.text();
    // Any other GET is traced: once its span is in, spans of the earlier calls would be too.
    const models = await fetch(`${main.url}/v1/models`, {
      headers: { traceparent: control.traceparent, authorization: `Bearer ${TEST_MASTER_KEY}` },
    });
    expect(models.status).toBe(200);
    const spans = await main.receiver.waitForSpans((received) =>
      inTrace(received, control.traceId).some(named('GET /v1/models')),
    );
    expect(inTrace(spans, probe.traceId)).toEqual([]);
    expect(inTrace(spans, scrape.traceId)).toEqual([]);
    const paths = spans.map((span) => span.attributes['url.path']);
    expect(paths.filter((path) => /^\/(_health|metrics)/.test(`${path as string}`))).toEqual([]);
  });

  it('puts prompt and completion text on the request span only with LOG_QUERIES=true', async () => {
    const caller = clientTrace();
    await content.client.chat.completions.create(
      { model: 'plain', messages: [{ role: 'user', content: CANARY }] },
      traced(caller),
    );
    const trace = await waitForRequestTrace(content.receiver, caller.traceId);
    const request = only(trace, isServer, 'server span');
    const input = request.attributes['gen_ai.input.messages'] as string;
    expect(JSON.parse(input)).toEqual([{ role: 'user', content: CANARY }]);
    expect(request.attributes['gen_ai.output.messages']).toContain(STUB_TEXT);

    const streamed = clientTrace();
    const stream = await content.client.chat.completions.create(
      { model: 'streamed', messages: hi, stream: true },
      traced(streamed),
    );
    let relayed = '';
    for await (const chunk of stream) relayed += chunk.choices[0]?.delta.content ?? '';
    expect(relayed).toBe(STUB_TEXT);
    const streamTrace = await waitForRequestTrace(content.receiver, streamed.traceId);
    const streamSpan = only(streamTrace, isServer, 'server span');
    const output = streamSpan.attributes['gen_ai.output.messages'] as string;
    expect(JSON.parse(output)).toEqual([{ role: 'assistant', content: STUB_TEXT }]);
  });

  it('samples nothing under ROUTEIQ_OTEL_TRACES_SAMPLER=always_off, yet answers', async () => {
    const caller = clientTrace();
    const data = await unsampled.client.chat.completions.create(
      { model: 'plain', messages: hi },
      traced(caller),
    );
    expect(data.choices[0]!.message.content).toBe(`${STUB_TEXT} #0`);
    // The caller's trace still goes upstream, marked not sampled.
    expect(upstreamTraceparents('plain-1', caller.traceId)).toEqual([
      expect.stringMatching(new RegExp(`^00-${caller.traceId}-[0-9a-f]{16}-00$`)),
    ]);
    await sleep(1500); // ≫ OTEL_BSP_SCHEDULE_DELAY: anything sampled would have been sent
    expect(unsampled.receiver.requests().filter((r) => r.path === '/v1/traces')).toEqual([]);
    expect(unsampled.receiver.spans()).toEqual([]);
  });

  it('lets OTEL_TRACES_SAMPLER win over ROUTEIQ_OTEL_TRACES_SAMPLER', async () => {
    // `main` runs with OTEL_TRACES_SAMPLER=always_on and ROUTEIQ_OTEL_TRACES_SAMPLER=always_off.
    const caller = clientTrace();
    await main.client.chat.completions.create({ model: 'plain', messages: hi }, traced(caller));
    const trace = await waitForRequestTrace(main.receiver, caller.traceId);
    expect(shapeOf(trace, only(trace, isServer, 'server span'))).toEqual(PLAIN_SHAPE);
  });

  it('exports the same span tree over OTLP protobuf (the default) and http/json', async () => {
    for (const gateway of [main, content]) {
      const caller = clientTrace();
      await gateway.client.chat.completions.create(
        { model: 'plain', messages: hi },
        traced(caller),
      );
      const trace = await waitForRequestTrace(gateway.receiver, caller.traceId);
      expect(shapeOf(trace, only(trace, isServer, 'server span'))).toEqual(PLAIN_SHAPE);
      expect(gateway.receiver.errors()).toEqual([]);
    }
    expect(contentTypesOf(main.receiver, '/v1/traces')).toEqual(['application/x-protobuf']);
    expect(contentTypesOf(content.receiver, '/v1/traces')).toEqual(['application/json']);
    expect(content.receiver.spans()[0]?.resource['service.name']).toBe('routeiq-gateway');
  });

  it("gives the request a span of its own under the http instrumentation's server span, the undici span under the upstream call's", async () => {
    const caller = clientTrace();
    const data = await instrumented.client.chat.completions.create(
      { model: 'plain', messages: hi },
      traced(caller),
    );
    expect(data.choices[0]!.message.content).toBe(`${STUB_TEXT} #0`);
    const trace = await waitForRequestTrace(instrumented.receiver, caller.traceId);
    const server = only(trace, isServer, 'server span');
    expect(server.scope).toBe('@opentelemetry/instrumentation-http');
    // The undici instrumentation's span is the child of the gateway's upstream call span: the
    // call's context is active while its request is created.
    expect(shapeOf(trace, server)).toEqual({
      ...PLAIN_SHAPE,
      children: [
        {
          name: 'chat plain',
          kind: 'INTERNAL',
          children: [
            {
              name: 'chat plain-1',
              kind: 'CLIENT',
              children: [{ name: 'POST', kind: 'CLIENT', children: [] }],
            },
            { name: 'route plain', kind: 'INTERNAL', children: [] },
          ],
        },
      ],
    });
    const request = only(trace, named('chat plain'), 'request span');
    expect(request.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'plain',
      'routeiq.deployment.id': 'plain-1',
      'http.response.status_code': 200,
    });
    expect(server.attributes).not.toHaveProperty('gen_ai.operation.name');
    const undici = only(
      trace,
      (span) => span.scope === '@opentelemetry/instrumentation-undici',
      'undici span',
    );
    // One traceparent upstream, the instrumentation's (the gateway adds none of its own).
    expect(upstreamTraceparents('plain-1', caller.traceId)).toEqual([
      `00-${caller.traceId}-${undici.spanId}-01`,
    ]);
  });

  it('exports the metrics /metrics shows over OTLP, in the configured protocol', async () => {
    await main.client.chat.completions.create({ model: 'plain', messages: hi });
    await content.client.chat.completions.create({ model: 'plain', messages: hi });
    for (const gateway of [main, content]) {
      await eventually(() =>
        expect(gateway.receiver.metricNames()).toEqual(
          expect.arrayContaining(['gen_ai.client.operation.duration', 'routeiq.requests']),
        ),
      );
    }
    expect(contentTypesOf(main.receiver, '/v1/metrics')).toEqual(['application/x-protobuf']);
    expect(contentTypesOf(content.receiver, '/v1/metrics')).toEqual(['application/json']);
  });
});

describe('Telemetry settings at start-up', () => {
  let dir: string;
  let config: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-otel-start-'));
    config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      'model_list:\n  - model_name: demo\n    litellm_params:\n      model: mock/x\n',
    );
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // The embedded stack whatever the project: these processes only start (or fail to).
  const start = async (env: Record<string, string>) =>
    spawnGateway(['--config', config, '--port', String(await freePort()), '--host', '127.0.0.1'], {
      ...baseProcessEnv(join(dir, 'data')),
      DATABASE_URL: undefined,
      REDIS_URL: undefined,
      REDIS_HOST: undefined,
      OTEL_ENABLED: 'true',
      ...env,
    });

  it.each([
    ['ROUTEIQ_OTEL_TRACES_SAMPLER', 'sometimes', /ROUTEIQ_OTEL_TRACES_SAMPLER: must be one of/],
    ['OTEL_TRACES_SAMPLER_ARG', '2', /OTEL_TRACES_SAMPLER_ARG: must be a number between 0 and 1/],
  ])('exits 1 on %s=%s, naming the variable', async (name, value, message) => {
    const proc = await start({ [name]: value });
    try {
      expect(await exitWithin(proc, 20_000)).toBe(1);
      expect(proc.errors()).toMatch(message);
      expect(proc.errors()).not.toMatch(/\n\s+at /);
      expect(proc.output()).not.toContain('listening on');
    } finally {
      await proc.stop();
    }
  });

  it('starts with a metric export interval shorter than the default export timeout', async () => {
    // As the OpenTelemetry SDK reads these variables: the timeout is clamped to the interval.
    const proc = await start({
      OTEL_METRIC_EXPORT_INTERVAL: '500',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
    });
    try {
      await proc.waitFor(/listening on/, 20_000);
    } finally {
      await proc.stop();
    }
  });
});
