import OpenAI from 'openai';
import {
  answeredBy,
  adminHeaders,
  callsSince,
  CHAT,
  countsOf,
  decisionOf,
  deployment,
  hi,
  openAiError,
  OVERLOADED,
  requestIdOf,
  sdk,
  startStubs,
  stopStubs,
  waitFor,
  withRouting,
  type Body,
  type Decision,
  type Stubs,
} from './fixtures/routing.fixtures';
import { policyEnv, writePolicyFile } from './fixtures/policy-audit.fixtures';
import { startTestGateway, type TestGateway } from './support/gateway-harness';
import { call, userHeaders, type ErrorEnvelope } from './support/http';
import { STUB_TEXT, type StubBehaviour } from './support/openai-stub.server';

// Retries within a model group, deadlines, fallbacks to other groups and the decision records,
// through a real gateway with the openai SDK as the client and one stub upstream per deployment.

const BAD_VALUE = openAiError(400, 'invalid_value', "Invalid value for 'temperature'");
const TOO_LONG = openAiError(
  400,
  'context_length_exceeded',
  "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens.",
);
const REFUSED = openAiError(
  400,
  'content_policy_violation',
  'Your request was rejected as a result of our safety system.',
);
const FILTERED = openAiError(400, 'content_filter', 'The response was filtered.');

describe('Routing: retries within a model group, and deadlines', () => {
  let stubs: Stubs;
  let gw: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    stubs = await startStubs(['pair-1', 'pair-2', 'trio-1', 'trio-2', 'trio-3', 'slow-1']);
    const config = {
      model_list: [
        // Weight 0: pair-2 is only chosen when pair-1 is not eligible (tried, cooling...).
        deployment('pair', 'pair-1', stubs, { weight: 1 }),
        deployment('pair', 'pair-2', stubs, { weight: 0 }),
        deployment('trio', 'trio-1', stubs),
        deployment('trio', 'trio-2', stubs),
        deployment('trio', 'trio-3', stubs),
        deployment('slow', 'slow-1', stubs, { timeout: 10 }),
      ],
      router_settings: {
        num_retries: 2,
        // Every test fails the same deployments on purpose: no cooldowns or breakers here.
        disable_cooldowns: true,
        circuit_breaker: { failure_threshold: 1000 },
      },
    };
    gw = await startTestGateway({ yaml: JSON.stringify(config) });
    client = sdk(gw);
  });

  afterAll(async () => {
    await gw?.close();
    await stopStubs(stubs);
  });

  afterEach(() => Object.values(stubs).forEach((stub) => stub.clearFailures()));

  it('answers from another deployment of the group after a 503, naming it in the headers', async () => {
    stubs['pair-1']!.script(CHAT, OVERLOADED);
    const before = countsOf(stubs);
    const { data, response } = await client.chat.completions
      .create({ model: 'pair', messages: hi })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe(`${STUB_TEXT} #0`);
    expect(data.model).toBe('pair-2-2024-08-06');
    expect(response.headers.get('x-routeiq-deployment')).toBe('pair-2');
    expect(response.headers.get('x-routeiq-deployment-id')).toBe('pair-2');
    expect(response.headers.get('x-routeiq-strategy')).toBe('simple-shuffle');
    expect(callsSince(stubs, before)).toEqual({ 'pair-1': 1, 'pair-2': 1 });

    const decision = await decisionOf(gw, response.headers.get('x-request-id'));
    expect(decision).toMatchObject({ selected: 'pair-2', outcome: 'success' });
    expect(decision.fallback).toBeUndefined();
    expect(decision.attempts).toEqual([
      expect.objectContaining({
        deployment: 'pair-1',
        outcome: 'error',
        status: 503,
        error_kind: 'unavailable',
      }),
      expect.objectContaining({ deployment: 'pair-2', outcome: 'success' }),
    ]);
  });

  it('makes num_retries + 1 calls, then answers with the last upstream error', async () => {
    const statuses: Record<string, number> = { 'trio-1': 500, 'trio-2': 502, 'trio-3': 503 };
    for (const [id, status] of Object.entries(statuses)) {
      stubs[id]!.failAll(CHAT, openAiError(status, null, `down ${status}`, 'server_error'));
    }
    const before = countsOf(stubs);
    const error = await client.chat.completions
      .create({ model: 'trio', messages: hi })
      .catch((e: unknown) => e);
    expect(callsSince(stubs, before)).toEqual({ 'trio-1': 1, 'trio-2': 1, 'trio-3': 1 });

    const decision = await decisionOf(gw, requestIdOf(error));
    expect(decision.outcome).toBe('error');
    expect(decision.selected).toBeNull();
    expect(decision.attempts.map((attempt) => attempt.deployment).sort()).toEqual([
      'trio-1',
      'trio-2',
      'trio-3',
    ]);
    const last = decision.attempts[2]!;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: statuses[last.deployment], code: 'upstream_error' });
    expect((error as Error).message).toContain(`down ${statuses[last.deployment]}`);
  });

  it('waits and tries the group again once every deployment has been tried', async () => {
    stubs['pair-1']!.failAll(CHAT, OVERLOADED);
    stubs['pair-2']!.failAll(CHAT, OVERLOADED);
    const before = countsOf(stubs);
    await expect(
      client.chat.completions.create({ model: 'pair', messages: hi }),
    ).rejects.toMatchObject({ status: 503, code: 'upstream_error' });
    // pair-1, pair-2, then (after a backoff) pair-1 again, preferred by its weight.
    expect(callsSince(stubs, before)).toEqual({ 'pair-1': 2, 'pair-2': 1 });
  });

  it('never retries a request the upstream found wrong', async () => {
    stubs['pair-1']!.script(CHAT, BAD_VALUE);
    const before = countsOf(stubs);
    const error = await client.chat.completions
      .create({ model: 'pair', messages: hi, temperature: 9 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_value' });
    expect(callsSince(stubs, before)).toEqual({ 'pair-1': 1 });
  });

  it('takes num_retries and timeout from the body, and never sends them upstream', async () => {
    for (const id of ['trio-1', 'trio-2', 'trio-3']) stubs[id]!.failAll(CHAT, OVERLOADED);
    let before = countsOf(stubs);
    await expect(
      client.chat.completions.create(withRouting({ model: 'trio', messages: hi, num_retries: 0 })),
    ).rejects.toMatchObject({ status: 503 });
    expect(Object.values(callsSince(stubs, before))).toEqual([1]);

    before = countsOf(stubs);
    await expect(
      client.chat.completions.create(
        withRouting({ model: 'trio', messages: hi, num_retries: 1, timeout: 20 }),
      ),
    ).rejects.toMatchObject({ status: 503 });
    const calls = callsSince(stubs, before);
    expect(Object.values(calls)).toEqual([1, 1]);
    for (const id of Object.keys(calls)) {
      const sent = stubs[id]!.last().body;
      expect(sent).toMatchObject({ model: id, messages: hi });
      expect(sent).not.toHaveProperty('num_retries');
      expect(sent).not.toHaveProperty('timeout');
    }

    before = countsOf(stubs);
    for (const [field, value] of [
      ['num_retries', -1],
      ['num_retries', 1.5],
      ['timeout', 0],
      ['timeout', '5'],
    ] as const) {
      const bad = await call<ErrorEnvelope>(`${gw.url}${CHAT}`, {
        method: 'POST',
        headers: userHeaders(),
        body: JSON.stringify({ model: 'trio', messages: hi, [field]: value }),
      });
      expect({ field, value, status: bad.status }).toEqual({ field, value, status: 400 });
      expect(bad.body.error).toMatchObject({ code: 'invalid_request', param: field });
    }
    expect(callsSince(stubs, before)).toEqual({});
  });

  it('ends the whole request at its deadline with 504 request_timeout', async () => {
    stubs['slow-1']!.failAll(CHAT, { kind: 'hang' });
    const before = countsOf(stubs);
    const startedAt = Date.now();
    const error = await client.chat.completions
      .create(withRouting({ model: 'slow', messages: hi, timeout: 0.3 }))
      .catch((e: unknown) => e);
    // Well before the deployment's own 10 s timeout (and the retries it would allow).
    expect(Date.now() - startedAt).toBeLessThan(5000);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: 504, code: 'request_timeout', type: 'timeout_error' });
    expect(callsSince(stubs, before)).toEqual({ 'slow-1': 1 });
    expect(stubs['slow-1']!.last().body).not.toHaveProperty('timeout');
    // The upstream call was abandoned, not left hanging.
    await waitFor(() => stubs['slow-1']!.abortedRequests === 1);
  });
});

describe('Routing: fallbacks to other model groups, and decision records', () => {
  const groups = ['a', 'b', 'c', 'long', 'safe', 'other', 'spare'];
  let stubs: Stubs;
  let gw: TestGateway;
  let client: OpenAI;
  const admin = <T = Body>(
    path: string,
    body?: unknown,
    headers: Record<string, string> = adminHeaders,
  ) =>
    call<T & ErrorEnvelope>(`${gw.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    stubs = await startStubs(groups.map((group) => `${group}-1`));
    const config = {
      model_list: groups.map((group) => deployment(group, `${group}-1`, stubs)),
      router_settings: {
        fallbacks: [{ a: ['b', 'c'] }],
        context_window_fallbacks: [{ a: ['long'] }],
        content_policy_fallbacks: [{ a: ['safe'] }],
        default_fallbacks: ['spare'],
        disable_cooldowns: true,
        circuit_breaker: { failure_threshold: 1000 },
      },
    };
    // The policy keeps one user off group b: a fallback must not take that user there either.
    const policy = writePolicyFile(
      [
        'default_action: allow',
        'rules:',
        '  - name: no-b-for-u-no-b',
        '    action: deny',
        '    match:',
        "      users: ['u-no-b']",
        "      models: ['b']",
        '',
      ].join('\n'),
    );
    gw = await startTestGateway({ yaml: JSON.stringify(config), env: policyEnv(policy) });
    client = sdk(gw);
  });

  afterAll(async () => {
    await gw?.close();
    await stopStubs(stubs);
  });

  afterEach(() => Object.values(stubs).forEach((stub) => stub.clearFailures()));

  const routed = async (model: string, key?: string) => {
    const { deployment: served, requestId } = await answeredBy(sdk(gw, key), model);
    return { served, decision: await decisionOf(gw, requestId) };
  };

  it('falls back through the listed groups in order', async () => {
    stubs['a-1']!.script(CHAT, OVERLOADED);
    stubs['b-1']!.script(CHAT, openAiError(429, 'rate_limit_exceeded', 'Slow down', 'requests'));
    const before = countsOf(stubs);
    const { served, decision } = await routed('a');
    expect(served).toBe('c-1');
    expect(callsSince(stubs, before)).toEqual({ 'a-1': 1, 'b-1': 1, 'c-1': 1 });
    expect(decision.attempts.map((a) => [a.model_group, a.deployment, a.outcome])).toEqual([
      ['a', 'a-1', 'error'],
      ['b', 'b-1', 'error'],
      ['c', 'c-1', 'success'],
    ]);
    expect(decision.fallback).toEqual({ from: 'a', to: 'c', reason: 'rate_limited' });

    // Every fallback failing too: the client gets the last failure.
    for (const id of ['a-1', 'b-1', 'c-1']) stubs[id]!.failAll(CHAT, OVERLOADED);
    const all = countsOf(stubs);
    await expect(
      client.chat.completions.create({ model: 'a', messages: hi }),
    ).rejects.toMatchObject({ status: 503, code: 'upstream_error' });
    expect(callsSince(stubs, all)).toEqual({ 'a-1': 1, 'b-1': 1, 'c-1': 1 });
  });

  it('chooses context-window and content-policy fallbacks by the kind of error', async () => {
    const cases: Array<[StubBehaviour, string, string]> = [
      [TOO_LONG, 'long-1', 'context_window_exceeded'],
      [REFUSED, 'safe-1', 'content_policy'],
      [FILTERED, 'safe-1', 'content_policy'],
    ];
    for (const [failure, target, kind] of cases) {
      stubs['a-1']!.script(CHAT, failure);
      const before = countsOf(stubs);
      const { served, decision } = await routed('a');
      expect({ kind, served }).toEqual({ kind, served: target });
      expect(callsSince(stubs, before)).toEqual({ 'a-1': 1, [target]: 1 });
      expect(decision.fallback).toEqual({ from: 'a', to: target.slice(0, -2), reason: kind });
    }
  });

  it('answers a plain 400 at once: no fallback', async () => {
    stubs['a-1']!.script(CHAT, BAD_VALUE);
    const before = countsOf(stubs);
    await expect(
      client.chat.completions.create({ model: 'a', messages: hi }),
    ).rejects.toMatchObject({ status: 400, code: 'invalid_value' });
    expect(callsSince(stubs, before)).toEqual({ 'a-1': 1 });
  });

  it('uses default_fallbacks for a group without its own entry', async () => {
    stubs['other-1']!.script(CHAT, OVERLOADED);
    const before = countsOf(stubs);
    const { served, decision } = await routed('other');
    expect(served).toBe('spare-1');
    expect(callsSince(stubs, before)).toEqual({ 'other-1': 1, 'spare-1': 1 });
    expect(decision.fallback).toEqual({ from: 'other', to: 'spare', reason: 'unavailable' });
  });

  it('skips a fallback group the caller’s key may not use', async () => {
    const generated = await admin<{ key: string }>('/key/generate', { models: ['a', 'c'] });
    expect(generated.status).toBe(200);
    stubs['a-1']!.script(CHAT, OVERLOADED);
    const before = countsOf(stubs);
    const { served, decision } = await routed('a', generated.body.key);
    expect(served).toBe('c-1');
    expect(callsSince(stubs, before)).toEqual({ 'a-1': 1, 'c-1': 1 });
    expect(decision.fallback).toEqual({ from: 'a', to: 'c', reason: 'unavailable' });
  });

  it('skips a fallback group the policy denies the caller', async () => {
    const generated = await admin<{ key: string }>('/key/generate', { user_id: 'u-no-b' });
    expect(generated.status).toBe(200);
    stubs['a-1']!.script(CHAT, OVERLOADED);
    const before = countsOf(stubs);
    const { served, decision } = await routed('a', generated.body.key);
    expect(served).toBe('c-1');
    expect(callsSince(stubs, before)).toEqual({ 'a-1': 1, 'c-1': 1 });
    expect(decision.fallback).toEqual({ from: 'a', to: 'c', reason: 'unavailable' });
    // The same user asking for b directly is refused by the policy.
    const direct = await sdk(gw, generated.body.key)
      .chat.completions.create({ model: 'b', messages: hi })
      .catch((e: unknown) => e);
    expect(direct).toMatchObject({ status: 403, code: 'policy_denied' });
  });

  it('keeps the latest decisions, newest first, without any prompt text', async () => {
    const marker = `secret-marker-${Date.now()}`;
    const prompt = [{ role: 'user' as const, content: `Tell me about ${marker}` }];
    stubs['a-1']!.script(CHAT, OVERLOADED);
    const fellBack = await client.chat.completions
      .create({ model: 'a', messages: prompt })
      .withResponse();
    const direct = await client.chat.completions
      .create({ model: 'c', messages: prompt })
      .withResponse();

    const res = await admin<Decision[]>('/router/decisions?limit=5');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(5);
    expect(JSON.stringify(res.body)).not.toContain(marker);
    const [newest, previous] = res.body;
    expect(newest).toMatchObject({
      event: 'routeiq.router_decision.v1',
      request_id: direct.response.headers.get('x-request-id'),
      model_group: 'c',
      selected: 'c-1',
      outcome: 'success',
      attempts: [{ model_group: 'c', deployment: 'c-1', outcome: 'success' }],
    });
    expect(newest!.fallback).toBeUndefined();
    expect(previous).toMatchObject({
      request_id: fellBack.response.headers.get('x-request-id'),
      model_group: 'a',
      candidates: [{ deployment: 'a-1', state: 'eligible' }],
      selected: 'b-1',
      outcome: 'success',
      fallback: { from: 'a', to: 'b', reason: 'unavailable' },
      attempts: [
        {
          model_group: 'a',
          deployment: 'a-1',
          outcome: 'error',
          error_code: 'upstream_error',
          error_kind: 'unavailable',
          status: 503,
          duration_ms: expect.any(Number),
        },
        {
          model_group: 'b',
          deployment: 'b-1',
          outcome: 'success',
          duration_ms: expect.any(Number),
        },
      ],
    });

    const onlyC = await admin<Decision[]>('/router/decisions?model=c&limit=500');
    expect(onlyC.body.length).toBeGreaterThan(0);
    expect(onlyC.body.every((decision) => decision.model_group === 'c')).toBe(true);
    for (const limit of ['0', '501', 'x']) {
      const bad = await admin(`/router/decisions?limit=${limit}`);
      expect({ limit, status: bad.status }).toEqual({ limit, status: 400 });
      expect(bad.body.error.param).toBe('limit');
    }
    expect((await admin('/router/decisions', undefined, userHeaders())).status).toBe(401);
  });
});
