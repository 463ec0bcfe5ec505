import OpenAI from 'openai';
import {
  awayFromMinuteEdge,
  createTeam,
  exact,
  generateKey,
  histogram,
  overheadMs,
  PROMETHEUS_CONTENT_TYPE,
  samples,
  scrape,
  tokenLabels,
  upstreamCallLabels,
  type Families,
  type Series,
} from './fixtures/metrics.fixtures';
import {
  CHAT,
  deployment,
  hi,
  openAiError,
  OVERLOADED,
  sdk,
  startStubs,
  stopStubs,
  untilHealth,
  withRouting,
  type Body,
  type Stubs,
} from './fixtures/routing.fixtures';
import { startTestGateway, type TestGateway } from './support/gateway-harness';
import { call, userHeaders, type ErrorEnvelope } from './support/http';
import { parsePrometheusText } from './support/prometheus-parser';
import { chatChunks, chatCompletion } from './support/openai-chat.stub';
import { STUB_TEXT, type StubBehaviour } from './support/openai-stub.server';

// GET /metrics through real gateways (one registry each, so every count starts at zero), after
// known traffic from the openai SDK to one stub upstream per deployment. The strict parser fails
// the test on any exposition text a Prometheus scraper could reject.

const ROUTE = '/v1/chat/completions';
const DECISION = 'routeiq_router_decision_duration_seconds';
const UPSTREAM = 'gen_ai_client_operation_duration_seconds';
const SERVER = 'gen_ai_server_request_duration_seconds';
const TTFT = 'gen_ai_server_time_to_first_token_seconds';
// The stub's usage per non-streamed chat call, and per streamed one (include_usage).
const USAGE = { input: 11, output: 7 };
const STREAM_USAGE = { input: 11, output: 5 };
const PRICE = { input: 0.000001, output: 0.000002 };
const BOOM = openAiError(500, null, 'boom', 'server_error');
// Failures here are on purpose: no cooldowns or breakers unless a test is about them.
const NO_HEALTH_EFFECTS = {
  num_retries: 0,
  disable_cooldowns: true,
  circuit_breaker: { failure_threshold: 1000 },
};

const gatewayOf = (models: Body[], routerSettings: Body) =>
  startTestGateway({
    yaml: JSON.stringify({ model_list: models, router_settings: routerSettings }),
  });

const requests = (families: Families, model: string) =>
  samples(families, 'routeiq_requests_total', { model, route: ROUTE });

const serverLabels = (group: string, errorType = '') => ({
  gen_ai_operation_name: 'chat',
  gen_ai_request_model: group,
  error_type: errorType,
});

describe('Metrics: GET /metrics access and the families always present', () => {
  const yaml = 'model_list:\n  - model_name: demo\n    litellm_params:\n      model: mock/demo\n';
  let gw: TestGateway;
  let open: TestGateway;
  const get = (target: TestGateway, headers: Record<string, string> = {}) =>
    call<ErrorEnvelope>(`${target.url}/metrics`, { headers });

  beforeAll(async () => {
    gw = await startTestGateway({ yaml });
    open = await startTestGateway({ yaml, env: { METRICS_PUBLIC: 'true' } });
  });
  afterAll(async () => {
    await gw?.close();
    await open?.close();
  });

  it('refuses a scrape without a user key, in the OpenAI error shape, and counts it', async () => {
    for (const [headers, code] of [
      [{}, 'missing_api_key'],
      [{ authorization: 'Bearer sk-not-a-real-key-0000000000' }, 'invalid_api_key'],
    ] as const) {
      const res = await get(gw, headers);
      expect({ code, status: res.status }).toEqual({ code, status: 401 });
      expect(res.body.error).toEqual({
        message: expect.any(String),
        type: 'authentication_error',
        code,
        param: null,
      });
      expect(res.body.request_id).toBe(res.headers.get('x-request-id'));
    }
    const families = await scrape(gw);
    const labels = { route: '/metrics', model: '', deployment: '', status: '401' };
    expect(exact(families, 'routeiq_requests_total', labels)).toBe(2);
    expect(samples(families, 'routeiq_request_errors_total', { route: '/metrics' })).toEqual([
      { labels: { ...labels, code: 'missing_api_key' }, value: 1 },
      { labels: { ...labels, code: 'invalid_api_key' }, value: 1 },
    ]);
  });

  it('serves text format 0.0.4 to the master key and to a virtual key', async () => {
    const res = await fetch(`${gw.url}/metrics`, { headers: userHeaders() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);
    const byMaster = parsePrometheusText(await res.text());
    const key = await generateKey(gw);
    const byKey = await scrape(gw, key);
    // The scrape itself is the one request in flight, under its own route.
    expect(samples(byKey, 'routeiq_requests_in_flight')).toEqual([
      { labels: { route: '/metrics' }, value: 1 },
    ]);
    // Counted once answered: the master key's scrape shows in the next one, not in itself.
    const ok = { route: '/metrics', model: '', deployment: '', status: '200' };
    expect(exact(byKey, 'routeiq_requests_total', ok)).toBe(
      (exact(byMaster, 'routeiq_requests_total', ok) ?? 0) + 1,
    );
  });

  it('is open without a key when METRICS_PUBLIC=true', async () => {
    const res = await fetch(`${open.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(parsePrometheusText(await res.text()).has('routeiq_requests_total')).toBe(true);
  });

  it('exposes process, runtime, MCP and A2A families with HELP and TYPE', async () => {
    const families = await scrape(gw);
    const shape = (name: string) => {
      const family = families.get(name);
      return { name, type: family?.type, help: family?.help, samples: family?.samples.length };
    };
    // [name, type, whether the value must be above zero (an idle loop may lag 0 s)]
    for (const [name, type, positive] of [
      ['process_resident_memory_bytes', 'gauge', true],
      ['process_cpu_seconds_total', 'counter', true],
      ['process_start_time_seconds', 'gauge', true],
      ['nodejs_heap_used_bytes', 'gauge', true],
      ['nodejs_eventloop_lag_seconds', 'gauge', false],
    ] as const) {
      expect(shape(name)).toEqual({ name, type, help: expect.stringMatching(/\S/), samples: 1 });
      const value = exact(families, name, {})!;
      expect({ name, valid: positive ? value > 0 : value >= 0 }).toEqual({ name, valid: true });
    }
    expect(exact(families, 'process_start_time_seconds', {})).toBeLessThan(Date.now() / 1000);
    // No MCP or A2A traffic yet: the families are declared, with no series.
    for (const [name, type] of [
      ['routeiq_mcp_calls_total', 'counter'],
      ['routeiq_mcp_call_duration_seconds', 'histogram'],
      ['routeiq_a2a_calls_total', 'counter'],
      ['routeiq_a2a_call_duration_seconds', 'histogram'],
    ] as const) {
      expect(shape(name)).toEqual({ name, type, help: expect.stringMatching(/\S/), samples: 0 });
    }
  });
});

describe('Metrics: requests, upstream calls, tokens, spend and quotas after known traffic', () => {
  let stubs: Stubs;
  let gw: TestGateway;
  let client: OpenAI;
  const post = (body: unknown) =>
    call<ErrorEnvelope>(`${gw.url}${CHAT}`, {
      method: 'POST',
      headers: userHeaders(),
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    stubs = await startStubs(['g-1', 'priced-1', 's-1', 'down-1', 'q-1']);
    const prices = { input_cost_per_token: PRICE.input, output_cost_per_token: PRICE.output };
    gw = await gatewayOf(
      [
        deployment('g', 'g-1', stubs),
        deployment('priced', 'priced-1', stubs, {}, prices),
        deployment('s', 's-1', stubs),
        deployment('down', 'down-1', stubs),
        deployment('q', 'q-1', stubs),
      ],
      // Not the default strategy: the decision metric must name the configured one.
      { routing_strategy: 'least-busy', ...NO_HEALTH_EFFECTS },
    );
    client = sdk(gw);
  });
  afterAll(async () => {
    await gw?.close();
    await stopStubs(stubs);
  });

  it('counts successful calls by route, group, deployment and status, with their upstream calls', async () => {
    const n = 3;
    for (let i = 0; i < n; i++) await client.chat.completions.create({ model: 'g', messages: hi });
    const families = await scrape(gw);
    const request = { route: ROUTE, model: 'g', deployment: 'g-1', status: '200' };
    expect(requests(families, 'g')).toEqual([{ labels: request, value: n }]);
    expect(samples(families, 'routeiq_request_errors_total', { model: 'g' })).toEqual([]);
    const duration = { route: ROUTE, model: 'g', status: '200' };
    expect(histogram(families, 'routeiq_request_duration_seconds', duration).count).toBe(n);
    expect(samples(families, `${UPSTREAM}_count`, { routeiq_deployment: 'g-1' })).toEqual([
      { labels: upstreamCallLabels('g-1'), value: n },
    ]);
    const tokens = (type: 'input' | 'output') =>
      histogram(families, 'gen_ai_client_token_usage', tokenLabels('g-1', type));
    expect(tokens('input')).toEqual({ count: n, sum: n * USAGE.input });
    expect(tokens('output')).toEqual({ count: n, sum: n * USAGE.output });
    expect(samples(families, `${SERVER}_count`, { gen_ai_request_model: 'g' })).toEqual([
      { labels: serverLabels('g'), value: n },
    ]);
    expect(samples(families, `${DECISION}_count`, { model_group: 'g' })).toEqual([
      { labels: { strategy: 'least-busy', model_group: 'g' }, value: n },
    ]);
    expect(samples(families, `${TTFT}_count`, { gen_ai_request_model: 'g' })).toEqual([]);
    // g-1 declares no prices: no spend series.
    expect(samples(families, 'routeiq_spend_usd_total', { model: 'g' })).toEqual([]);
  });

  it('adds exactly one time-to-first-token observation per streamed call', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 's', messages: hi, stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(STUB_TEXT);
    expect(overheadMs(response.headers)).toBeGreaterThanOrEqual(0);
    const families = await scrape(gw);
    expect(requests(families, 's')).toEqual([
      { labels: { route: ROUTE, model: 's', deployment: 's-1', status: '200' }, value: 1 },
    ]);
    const ttft = histogram(families, TTFT, {
      gen_ai_operation_name: 'chat',
      gen_ai_request_model: 's',
    });
    expect(ttft.count).toBe(1);
    expect(ttft.sum).toBeGreaterThan(0);
    expect(histogram(families, UPSTREAM, upstreamCallLabels('s-1')).count).toBe(1);
    expect(histogram(families, SERVER, serverLabels('s')).count).toBe(1);
    // The gateway asks for usage upstream (include_usage) even when the client did not.
    const tokens = (type: 'input' | 'output') =>
      histogram(families, 'gen_ai_client_token_usage', tokenLabels('s-1', type));
    expect(tokens('input')).toEqual({ count: 1, sum: STREAM_USAGE.input });
    expect(tokens('output')).toEqual({ count: 1, sum: STREAM_USAGE.output });
  });

  it('labels failed upstream calls with the error code, and counts the client errors', async () => {
    stubs['down-1']!.script(CHAT, BOOM, OVERLOADED);
    for (const status of [500, 503]) {
      await expect(
        client.chat.completions.create({ model: 'down', messages: hi }),
      ).rejects.toMatchObject({ status, code: 'upstream_error' });
    }
    const families = await scrape(gw);
    const labels = (status: string) => ({
      route: ROUTE,
      model: 'down',
      deployment: 'down-1',
      status,
    });
    expect(requests(families, 'down')).toEqual([
      { labels: labels('500'), value: 1 },
      { labels: labels('503'), value: 1 },
    ]);
    expect(samples(families, 'routeiq_request_errors_total', { model: 'down' })).toEqual([
      { labels: { ...labels('500'), code: 'upstream_error' }, value: 1 },
      { labels: { ...labels('503'), code: 'upstream_error' }, value: 1 },
    ]);
    expect(samples(families, `${UPSTREAM}_count`, { routeiq_deployment: 'down-1' })).toEqual([
      { labels: upstreamCallLabels('down-1', 'upstream_error'), value: 2 },
    ]);
    expect(samples(families, `${SERVER}_count`, { gen_ai_request_model: 'down' })).toEqual([
      { labels: serverLabels('down', 'upstream_error'), value: 2 },
    ]);
    expect(
      samples(families, 'gen_ai_client_token_usage_count', { gen_ai_request_model: 'down-1' }),
    ).toEqual([]);
  });

  it('counts refusals before routing with an empty model, and unknown paths as unmatched', async () => {
    const unknown = await post({ model: 'nope', messages: hi });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'model_not_found']);
    const bad = await post({ model: 'g' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_request']);
    const nowhere = await call<ErrorEnvelope>(`${gw.url}/v1/no-such-endpoint/42`, {
      headers: userHeaders(),
    });
    expect([nowhere.status, nowhere.body.error.code]).toEqual([404, 'route_not_found']);
    const families = await scrape(gw);
    const labels = (route: string, status: string) => ({
      route,
      model: '',
      deployment: '',
      status,
    });
    expect(requests(families, '')).toEqual([
      { labels: labels(ROUTE, '404'), value: 1 },
      { labels: labels(ROUTE, '400'), value: 1 },
    ]);
    expect(samples(families, 'routeiq_request_errors_total', { model: '' })).toEqual([
      { labels: { ...labels(ROUTE, '404'), code: 'model_not_found' }, value: 1 },
      { labels: { ...labels(ROUTE, '400'), code: 'invalid_request' }, value: 1 },
      { labels: { ...labels('unmatched', '404'), code: 'route_not_found' }, value: 1 },
    ]);
    expect(samples(families, 'routeiq_requests_total', { route: 'unmatched' })).toEqual([
      { labels: labels('unmatched', '404'), value: 1 },
    ]);
    const duration = { route: ROUTE, model: '', status: '404' };
    expect(histogram(families, 'routeiq_request_duration_seconds', duration).count).toBe(1);
    // Nothing was routed.
    expect(samples(families, `${DECISION}_count`, { model_group: 'nope' })).toEqual([]);
  });

  it('adds spend as tokens × prices, labelled with the key’s team', async () => {
    const team = await createTeam(gw, 'team-metrics');
    const inTeam = await generateKey(gw, { team_id: team });
    const alone = await generateKey(gw);
    for (const key of [undefined, alone, inTeam]) {
      await sdk(gw, key).chat.completions.create({ model: 'priced', messages: hi });
    }
    const perCall = USAGE.input * PRICE.input + USAGE.output * PRICE.output;
    const spend = samples(await scrape(gw), 'routeiq_spend_usd_total', { model: 'priced' });
    expect(spend.map((s) => s.labels)).toEqual([
      { model: 'priced', deployment: 'priced-1', team: '' },
      { model: 'priced', deployment: 'priced-1', team },
    ]);
    expect(spend[0]!.value).toBeCloseTo(2 * perCall, 12);
    expect(spend[1]!.value).toBeCloseTo(perCall, 12);
  });

  it('counts a request refused by a key’s rpm_limit as a key/requests quota rejection', async () => {
    const key = await generateKey(gw, { rpm_limit: 1 });
    await awayFromMinuteEdge();
    await sdk(gw, key).chat.completions.create({ model: 'q', messages: hi });
    await expect(
      sdk(gw, key).chat.completions.create({ model: 'q', messages: hi }),
    ).rejects.toMatchObject({ status: 429, code: 'quota_exceeded' });
    const families = await scrape(gw);
    expect(samples(families, 'routeiq_quota_rejections_total')).toEqual([
      { labels: { subject: 'key', metric: 'requests' }, value: 1 },
    ]);
    // Refused before any upstream call: no deployment served it.
    const refused = { route: ROUTE, model: 'q', deployment: '', status: '429' };
    expect(requests(families, 'q')).toEqual([
      { labels: { ...refused, deployment: 'q-1', status: '200' }, value: 1 },
      { labels: refused, value: 1 },
    ]);
    expect(samples(families, 'routeiq_request_errors_total', { model: 'q' })).toEqual([
      { labels: { ...refused, code: 'quota_exceeded' }, value: 1 },
    ]);
    expect(histogram(families, UPSTREAM, upstreamCallLabels('q-1')).count).toBe(1);
  });
});

describe('Metrics: the x-routeiq-overhead-ms header leaves upstream time out', () => {
  // A functional check with a wide margin (not a performance target): the stub holds each
  // answer for DELAY_MS, and the header must stay far below that while the client waits longer.
  const DELAY_MS = 300;
  const BELOW_MS = 150;
  let stubs: Stubs;
  let gw: TestGateway;
  let client: OpenAI;
  const delayed = (behaviour: StubBehaviour): StubBehaviour => ({
    ...behaviour,
    delayMs: DELAY_MS,
  });
  /** 503 asking for a retry after the delay: the gateway's wait, not an upstream one. */
  const RETRY_LATER: StubBehaviour = {
    kind: 'json',
    status: 503,
    body: { error: { message: 'busy', type: 'server_error', param: null, code: null } },
    headers: { 'retry-after': String(DELAY_MS / 1000) },
  };
  const timed = async <T>(fn: () => Promise<T>): Promise<{ value: T; elapsedMs: number }> => {
    const startedAt = performance.now();
    const value = await fn();
    return { value, elapsedMs: performance.now() - startedAt };
  };
  const headersOf = (error: unknown): Headers => {
    expect(error).toBeInstanceOf(OpenAI.APIError);
    return (error as InstanceType<typeof OpenAI.APIError>).headers!;
  };

  beforeAll(async () => {
    stubs = await startStubs(['slow-1']);
    gw = await gatewayOf([deployment('slow', 'slow-1', stubs)], NO_HEALTH_EFFECTS);
    client = sdk(gw);
  });
  afterAll(async () => {
    await gw?.close();
    await stopStubs(stubs);
  });

  it('on a non-streamed success', async () => {
    stubs['slow-1']!.script(
      CHAT,
      delayed({ kind: 'json', status: 200, body: chatCompletion('slow-1', {}) }),
    );
    const { value, elapsedMs } = await timed(() =>
      client.chat.completions.create({ model: 'slow', messages: hi }).withResponse(),
    );
    expect(elapsedMs).toBeGreaterThanOrEqual(DELAY_MS);
    expect(overheadMs(value.response.headers)).toBeLessThan(BELOW_MS);
  });

  it('on a streamed success, as of the stream’s start', async () => {
    const chunks = chatChunks('slow-1', { stream_options: { include_usage: true } });
    stubs['slow-1']!.script(CHAT, delayed({ kind: 'sse', chunks }));
    const { value, elapsedMs } = await timed(() =>
      client.chat.completions.create({ model: 'slow', messages: hi, stream: true }).withResponse(),
    );
    for await (const chunk of value.data) void chunk;
    expect(elapsedMs).toBeGreaterThanOrEqual(DELAY_MS);
    expect(overheadMs(value.response.headers)).toBeLessThan(BELOW_MS);
  });

  it('on an error answered after the upstream failed', async () => {
    stubs['slow-1']!.script(CHAT, delayed(BOOM));
    const { value: error, elapsedMs } = await timed(() =>
      client.chat.completions.create({ model: 'slow', messages: hi }).catch((e: unknown) => e),
    );
    expect(error).toMatchObject({ status: 500, code: 'upstream_error' });
    expect(elapsedMs).toBeGreaterThanOrEqual(DELAY_MS);
    expect(overheadMs(headersOf(error))).toBeLessThan(BELOW_MS);
  });

  it('on a client error refused before any upstream call', async () => {
    const error = await client.chat.completions
      .create({ model: 'nope', messages: hi })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404, code: 'model_not_found' });
    expect(overheadMs(headersOf(error))).toBeLessThan(BELOW_MS);
  });

  it('without the wait before a retry, on a success', async () => {
    stubs['slow-1']!.script(CHAT, RETRY_LATER);
    const before = stubs['slow-1']!.count(CHAT);
    const { value, elapsedMs } = await timed(() =>
      client.chat.completions
        .create(withRouting({ model: 'slow', messages: hi, num_retries: 1 }))
        .withResponse(),
    );
    expect(stubs['slow-1']!.count(CHAT) - before).toBe(2);
    expect(elapsedMs).toBeGreaterThanOrEqual(DELAY_MS);
    expect(overheadMs(value.response.headers)).toBeLessThan(BELOW_MS);
  });

  it('without the wait before a retry, on an error', async () => {
    stubs['slow-1']!.script(CHAT, RETRY_LATER, RETRY_LATER);
    const before = stubs['slow-1']!.count(CHAT);
    const { value: error, elapsedMs } = await timed(() =>
      client.chat.completions
        .create(withRouting({ model: 'slow', messages: hi, num_retries: 1 }))
        .catch((e: unknown) => e),
    );
    expect(error).toMatchObject({ status: 503, code: 'upstream_error' });
    expect(stubs['slow-1']!.count(CHAT) - before).toBe(2);
    expect(elapsedMs).toBeGreaterThanOrEqual(DELAY_MS);
    expect(overheadMs(headersOf(error))).toBeLessThan(BELOW_MS);
  });
});

describe('Metrics: retries, fallbacks and cooldowns', () => {
  let stubs: Stubs;
  let gw: TestGateway;
  let client: OpenAI;
  const byDeployment = (series: Series[]) =>
    [...series].sort((a, b) => (a.labels.deployment! < b.labels.deployment! ? -1 : 1));

  beforeAll(async () => {
    stubs = await startStubs(['rf-1', 'rf-2', 'rfb-1']);
    gw = await gatewayOf(
      [
        deployment('rf', 'rf-1', stubs, { weight: 1 }),
        deployment('rf', 'rf-2', stubs, { weight: 0 }),
        deployment('rfb', 'rfb-1', stubs),
      ],
      {
        num_retries: 1,
        fallbacks: [{ rf: ['rfb'] }],
        allowed_fails: 0, // the first failure cools a deployment down
        cooldown_time: 60,
        circuit_breaker: { failure_threshold: 1000 },
      },
    );
    client = sdk(gw);
  });
  afterAll(async () => {
    await gw?.close();
    await stopStubs(stubs);
  });

  it('counts the retry within the group, the fallback, the cooldowns and one decision per request', async () => {
    stubs['rf-1']!.failAll(CHAT, OVERLOADED);
    stubs['rf-2']!.failAll(CHAT, OVERLOADED);
    // rf-1 fails, rf-2 (the retry) fails, num_retries is spent: fallback to rfb.
    const { response } = await client.chat.completions
      .create({ model: 'rf', messages: hi })
      .withResponse();
    expect(response.headers.get('x-routeiq-deployment')).toBe('rfb-1');
    await untilHealth(gw, 'rf-1', (h) => h.cooldown_until !== null);
    await untilHealth(gw, 'rf-2', (h) => h.cooldown_until !== null);
    let families = await scrape(gw);
    expect(samples(families, 'routeiq_router_retries_total')).toEqual([
      { labels: { model_group: 'rf', deployment: 'rf-2' }, value: 1 },
    ]);
    expect(samples(families, 'routeiq_router_fallbacks_total')).toEqual([
      { labels: { from: 'rf', to: 'rfb', reason: 'unavailable' }, value: 1 },
    ]);
    expect(byDeployment(samples(families, 'routeiq_deployment_cooldowns_total'))).toEqual([
      { labels: { deployment: 'rf-1' }, value: 1 },
      { labels: { deployment: 'rf-2' }, value: 1 },
    ]);
    expect(samples(families, `${DECISION}_count`)).toEqual([
      { labels: { strategy: 'simple-shuffle', model_group: 'rf' }, value: 1 },
    ]);
    expect(requests(families, 'rf')).toEqual([
      { labels: { route: ROUTE, model: 'rf', deployment: 'rfb-1', status: '200' }, value: 1 },
    ]);
    for (const [id, errorType] of [
      ['rf-1', 'upstream_error'],
      ['rf-2', 'upstream_error'],
      ['rfb-1', ''],
    ] as const) {
      expect({
        id,
        count: histogram(families, UPSTREAM, upstreamCallLabels(id, errorType)).count,
      }).toEqual({ id, count: 1 });
    }
    expect(samples(families, 'routeiq_deployment_breaker_transitions_total')).toEqual([]);

    // Both cooling down now: the next request goes straight to the fallback, with no retry and
    // no new cooldown; a request for rfb itself is one more decision of its own.
    await client.chat.completions.create({ model: 'rf', messages: hi });
    await client.chat.completions.create({ model: 'rfb', messages: hi });
    families = await scrape(gw);
    expect(samples(families, 'routeiq_router_retries_total')).toEqual([
      { labels: { model_group: 'rf', deployment: 'rf-2' }, value: 1 },
    ]);
    expect(samples(families, 'routeiq_router_fallbacks_total')).toEqual([
      // No deployment available in rf: a 503 like the upstream's, the same kind of reason.
      { labels: { from: 'rf', to: 'rfb', reason: 'unavailable' }, value: 2 },
    ]);
    expect(byDeployment(samples(families, 'routeiq_deployment_cooldowns_total'))).toEqual([
      { labels: { deployment: 'rf-1' }, value: 1 },
      { labels: { deployment: 'rf-2' }, value: 1 },
    ]);
    expect(samples(families, `${DECISION}_count`)).toEqual([
      { labels: { strategy: 'simple-shuffle', model_group: 'rf' }, value: 2 },
      { labels: { strategy: 'simple-shuffle', model_group: 'rfb' }, value: 1 },
    ]);
  });
});

describe('Metrics: circuit breakers', () => {
  let stubs: Stubs;
  let gw: TestGateway;
  let client: OpenAI;
  const transitions = (families: Families) =>
    samples(families, 'routeiq_deployment_breaker_transitions_total');

  beforeAll(async () => {
    stubs = await startStubs(['brk-1', 'brk-2']);
    gw = await gatewayOf(
      [
        // brk-2 (weight 0) is only chosen while brk-1 is not eligible.
        deployment('brk', 'brk-1', stubs, { weight: 1 }),
        deployment('brk', 'brk-2', stubs, { weight: 0 }),
      ],
      {
        num_retries: 1,
        disable_cooldowns: true,
        circuit_breaker: {
          failure_threshold: 2,
          window_seconds: 60,
          // Room for the scrape made while the breaker is open, on a busy machine.
          recovery_timeout_seconds: 4,
          success_threshold: 2,
        },
      },
    );
    client = sdk(gw);
  });
  afterAll(async () => {
    await gw?.close();
    await stopStubs(stubs);
  });

  it('counts transitions and shows an open breaker in the gauge only while it is open', async () => {
    stubs['brk-1']!.failAll(CHAT, OVERLOADED);
    for (let i = 0; i < 2; i++)
      await client.chat.completions.create({ model: 'brk', messages: hi });
    await untilHealth(gw, 'brk-1', (h) => h.circuit === 'open');
    let families = await scrape(gw);
    expect(samples(families, 'routeiq_deployment_breakers_open')).toEqual([
      { labels: { deployment: 'brk-1' }, value: 1 },
    ]);
    expect(transitions(families)).toEqual([
      { labels: { deployment: 'brk-1', from: 'closed', to: 'open' }, value: 1 },
    ]);
    expect(samples(families, 'routeiq_router_retries_total')).toEqual([
      { labels: { model_group: 'brk', deployment: 'brk-2' }, value: 2 },
    ]);
    expect(samples(families, 'routeiq_deployment_cooldowns_total')).toEqual([]);

    // Past recovery_timeout_seconds the breaker is half-open: no longer counted as open.
    stubs['brk-1']!.clearFailures();
    await untilHealth(gw, 'brk-1', (h) => h.circuit === 'half_open', 10_000);
    expect(samples(await scrape(gw), 'routeiq_deployment_breakers_open')).toEqual([]);
    // Two trial successes close it.
    for (let i = 0; i < 2; i++)
      await client.chat.completions.create({ model: 'brk', messages: hi });
    await untilHealth(gw, 'brk-1', (h) => h.circuit === 'closed');
    families = await scrape(gw);
    expect(samples(families, 'routeiq_deployment_breakers_open')).toEqual([]);
    expect(transitions(families)).toEqual([
      { labels: { deployment: 'brk-1', from: 'closed', to: 'open' }, value: 1 },
      { labels: { deployment: 'brk-1', from: 'open', to: 'half_open' }, value: 1 },
      { labels: { deployment: 'brk-1', from: 'half_open', to: 'closed' }, value: 1 },
    ]);
  });
});
