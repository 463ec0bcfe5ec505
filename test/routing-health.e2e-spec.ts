import OpenAI from 'openai';
import {
  adminHeaders,
  answeredBy,
  callsSince,
  CHAT,
  countsOf,
  decisionOf,
  deployment,
  healthOf,
  hi,
  OVERLOADED,
  requestIdOf,
  sdk,
  startStubs,
  stopStubs,
  untilHealth,
  type Body,
  type Decision,
  type Stubs,
} from './fixtures/routing.fixtures';
import { startTestGateway, type TestGateway } from './support/gateway-harness';
import { call, userHeaders, type ErrorEnvelope } from './support/http';

// Cooldowns and circuit breakers through a real gateway (openai SDK client, one stub upstream per
// deployment), as the client, GET /router/info, POST /router/route and readiness see them.
// In each two-deployment group the first has weight 1 and the second weight 0: the second is only
// chosen while the first is not eligible, so where a request goes shows eligibility.

interface Readiness {
  status: string;
  info: { router: { status: string; state: string; open_breakers?: string[] } };
}

async function start(stubs: Stubs, groups: string[], routerSettings: Body): Promise<TestGateway> {
  const config = {
    model_list: groups.flatMap((group) => [
      deployment(group, `${group}-1`, stubs, { weight: 1 }),
      deployment(group, `${group}-2`, stubs, { weight: 0 }),
    ]),
    router_settings: { num_retries: 1, ...routerSettings },
  };
  return startTestGateway({ yaml: JSON.stringify(config) });
}

const idsOf = (groups: string[]) => groups.flatMap((group) => [`${group}-1`, `${group}-2`]);

describe('Routing: cooldowns', () => {
  const groups = ['cool', 'both', 'calm'];
  let stubs: Stubs;
  let gw: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    stubs = await startStubs(idsOf(groups));
    gw = await start(stubs, groups, {
      allowed_fails: 0, // the first failure cools the deployment
      cooldown_time: 2,
      circuit_breaker: { failure_threshold: 1000 },
    });
    client = sdk(gw);
  });

  afterAll(async () => {
    await gw?.close();
    await stopStubs(stubs);
  });

  afterEach(() => Object.values(stubs).forEach((stub) => stub.clearFailures()));

  it('takes a failed deployment out of rotation for cooldown_time, then uses it again', async () => {
    stubs['cool-1']!.script(CHAT, OVERLOADED);
    const before = countsOf(stubs);
    expect((await answeredBy(client, 'cool')).deployment).toBe('cool-2');

    const cooling = await untilHealth(gw, 'cool-1', (h) => h.cooldown_until !== null);
    const until = Date.parse(cooling.cooldown_until!);
    expect(until).toBeGreaterThan(Date.now());
    expect(until).toBeLessThanOrEqual(Date.now() + 2000);
    expect(cooling.circuit).toBe('closed');
    expect((await healthOf(gw))['cool-2']!.cooldown_until).toBeNull();

    for (let i = 0; i < 3; i++) {
      const { deployment: served, requestId } = await answeredBy(client, 'cool');
      expect(served).toBe('cool-2');
      expect((await decisionOf(gw, requestId)).candidates).toEqual([
        { deployment: 'cool-1', state: 'cooldown' },
        { deployment: 'cool-2', state: 'eligible' },
      ]);
    }
    expect(callsSince(stubs, before)).toEqual({ 'cool-1': 1, 'cool-2': 4 });

    await untilHealth(gw, 'cool-1', (h) => h.cooldown_until === null, 4000);
    expect((await answeredBy(client, 'cool')).deployment).toBe('cool-1');
    expect(callsSince(stubs, before)).toEqual({ 'cool-1': 2, 'cool-2': 4 });
  });

  it('answers 503 no_deployment_available with Retry-After while every deployment cools down', async () => {
    stubs['both-1']!.failAll(CHAT, OVERLOADED);
    stubs['both-2']!.failAll(CHAT, OVERLOADED);
    const before = countsOf(stubs);
    await expect(
      client.chat.completions.create({ model: 'both', messages: hi }),
    ).rejects.toMatchObject({ status: 503, code: 'upstream_error' });
    expect(callsSince(stubs, before)).toEqual({ 'both-1': 1, 'both-2': 1 });
    await untilHealth(gw, 'both-1', (h) => h.cooldown_until !== null);
    await untilHealth(gw, 'both-2', (h) => h.cooldown_until !== null);

    const error = await client.chat.completions
      .create({ model: 'both', messages: hi })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error).toMatchObject({ status: 503, code: 'no_deployment_available' });
    const retryAfter = Number(
      (error as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'),
    );
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    // Refused without calling anyone.
    expect(callsSince(stubs, before)).toEqual({ 'both-1': 1, 'both-2': 1 });
    const decision = await decisionOf(gw, requestIdOf(error));
    expect(decision).toMatchObject({
      selected: null,
      outcome: 'error',
      attempts: [],
      candidates: [
        { deployment: 'both-1', state: 'cooldown' },
        { deployment: 'both-2', state: 'cooldown' },
      ],
    });
    expect(decision.reason).toContain('2 cooling down');
  });

  it('explains a routing decision without calling anything (POST /router/route)', async () => {
    const route = (body: unknown, headers: Record<string, string> = adminHeaders) =>
      call<Decision & ErrorEnvelope>(`${gw.url}/router/route`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
    const before = countsOf(stubs);
    const healthy = await route({ model: 'calm', messages: hi, stream: true });
    expect(healthy.status).toBe(200);
    expect(healthy.body).toMatchObject({
      event: 'routeiq.router_decision.v1',
      request_id: healthy.headers.get('x-request-id'),
      model_group: 'calm',
      strategy: 'simple-shuffle',
      candidates: [
        { deployment: 'calm-1', state: 'eligible' },
        { deployment: 'calm-2', state: 'eligible' },
      ],
      selected: 'calm-1', // the first choice: weight 1 of 1
      outcome: 'dry_run',
      timings: { decision_us: expect.any(Number), total_ms: 0 },
      attempts: [],
    });
    expect(healthy.body.reason).toContain('weighted shuffle');
    expect(callsSince(stubs, before)).toEqual({});

    stubs['calm-1']!.script(CHAT, OVERLOADED);
    expect((await answeredBy(client, 'calm')).deployment).toBe('calm-2');
    await untilHealth(gw, 'calm-1', (h) => h.cooldown_until !== null);
    const cooling = await route({ model: 'calm', messages: hi });
    expect(cooling.body).toMatchObject({
      candidates: [
        { deployment: 'calm-1', state: 'cooldown' },
        { deployment: 'calm-2', state: 'eligible' },
      ],
      selected: 'calm-2',
      reason: 'only candidate',
      outcome: 'dry_run',
    });

    const generated = await call<{ key: string }>(`${gw.url}/key/generate`, {
      method: 'POST',
      headers: adminHeaders,
      body: '{}',
    });
    expect((await route({ model: 'calm' }, userHeaders(generated.body.key))).status).toBe(401);
    expect((await route({ model: 'calm' }, userHeaders())).status).toBe(401);
    const unknown = await route({ model: 'nope', messages: hi });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('model_not_found');
    for (const bad of [[], { messages: hi }, { model: 'calm', capability: 'teleport' }]) {
      const res = await route(bad);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      expect(res.body.error.code).toBe('invalid_request');
    }
  });
});

describe('Routing: circuit breakers', () => {
  let stubs: Stubs;
  let gw: TestGateway;
  let client: OpenAI;
  const ready = async () => (await call<Readiness>(`${gw.url}/_health/ready`)).body;

  beforeAll(async () => {
    stubs = await startStubs(idsOf(['brk']));
    gw = await start(stubs, ['brk'], {
      disable_cooldowns: true,
      circuit_breaker: {
        failure_threshold: 2,
        window_seconds: 60,
        // Room for the calls the test makes while the breaker is open, on a busy machine.
        recovery_timeout_seconds: 3,
        success_threshold: 2,
      },
    });
    client = sdk(gw);
  });

  afterAll(async () => {
    await gw?.close();
    await stopStubs(stubs);
  });

  it('opens after failure_threshold failures, half-opens, and closes after success_threshold successes', async () => {
    stubs['brk-1']!.failAll(CHAT, OVERLOADED);
    const before = countsOf(stubs);
    for (let i = 0; i < 2; i++) expect((await answeredBy(client, 'brk')).deployment).toBe('brk-2');
    expect(callsSince(stubs, before)).toEqual({ 'brk-1': 2, 'brk-2': 2 });

    // Open: out of rotation, readiness still 200 but degraded.
    await untilHealth(gw, 'brk-1', (h) => h.circuit === 'open');
    const res = await call<Readiness>(`${gw.url}/_health/ready`);
    expect(res.status).toBe(200);
    expect(res.body.info.router).toEqual({
      status: 'up',
      state: 'degraded',
      open_breakers: ['brk-1'],
    });
    const { deployment: served, requestId } = await answeredBy(client, 'brk');
    expect(served).toBe('brk-2');
    expect((await decisionOf(gw, requestId)).candidates[0]).toEqual({
      deployment: 'brk-1',
      state: 'breaker_open',
    });
    expect(callsSince(stubs, before)).toEqual({ 'brk-1': 2, 'brk-2': 3 });

    // Half-open after recovery_timeout_seconds: one failed trial opens it again.
    await untilHealth(gw, 'brk-1', (h) => h.circuit === 'half_open', 10_000);
    expect((await ready()).info.router).toEqual({ status: 'up', state: 'ok' });
    expect((await answeredBy(client, 'brk')).deployment).toBe('brk-2');
    expect(callsSince(stubs, before)).toEqual({ 'brk-1': 3, 'brk-2': 4 });
    await untilHealth(gw, 'brk-1', (h) => h.circuit === 'open');

    // Half-open again, and the upstream has recovered: two successful trials close it.
    stubs['brk-1']!.clearFailures();
    await untilHealth(gw, 'brk-1', (h) => h.circuit === 'half_open', 10_000);
    expect((await answeredBy(client, 'brk')).deployment).toBe('brk-1');
    expect((await healthOf(gw))['brk-1']!.circuit).toBe('half_open');
    expect((await answeredBy(client, 'brk')).deployment).toBe('brk-1');
    await untilHealth(gw, 'brk-1', (h) => h.circuit === 'closed');
    expect((await ready()).info.router).toEqual({ status: 'up', state: 'ok' });
    expect(callsSince(stubs, before)).toEqual({ 'brk-1': 5, 'brk-2': 4 });
  });
});
