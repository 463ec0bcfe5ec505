import { bucketOf, WEIGHTS_BUCKET_SEED } from '@routeiq/routing';
import { pollAudit } from './fixtures/policy-audit.fixtures';
import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from './support/gateway-harness';
import { call, userHeaders, type ErrorEnvelope } from './support/http';

const YAML = [
  'model_list:',
  '  - model_name: demo',
  '    litellm_params:',
  '      model: mock/demo',
  '',
].join('\n');

type Body = Record<string, unknown>;
interface StatusBody {
  active: string;
  active_source: string;
  rollback_target: string | null;
  revision: number;
  strategies: Array<{ name: string; version: string; state: string; weight: number }>;
}

const weightsOf = (status: StatusBody): Record<string, number> =>
  Object.fromEntries(status.strategies.filter((s) => s.weight > 0).map((s) => [s.name, s.weight]));

describe('Strategy registry control plane', () => {
  let gw: TestGateway;
  const admin = (path: string, body?: Body | string) =>
    call<StatusBody & ErrorEnvelope>(`${gw.url}${path}`, {
      method: 'POST',
      headers: { 'x-admin-api-key': TEST_ADMIN_KEY, 'content-type': 'application/json' },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const status = (headers: Record<string, string> = userHeaders()) =>
    call<StatusBody & ErrorEnvelope>(`${gw.url}/strategy/status`, { headers });
  const chat = (user: string) =>
    call<Body>(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: userHeaders(),
      body: JSON.stringify({ model: 'demo', user, messages: [{ role: 'user', content: 'hi' }] }),
    });

  beforeAll(async () => {
    gw = await startTestGateway({
      yaml: YAML,
      env: { LLMROUTER_STRATEGY_WEIGHTS: '{"simple-shuffle": 50, "least-busy": 50}' },
    });
  });
  afterAll(() => gw?.close());

  it('shows the registry to user keys, and nothing without a key', async () => {
    const res = await status();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: 'simple-shuffle', active_source: 'config' });
    expect(weightsOf(res.body)).toEqual({ 'simple-shuffle': 50, 'least-busy': 50 });
    expect(res.body.strategies.find((s) => s.name === 'least-busy')?.state).toBe('staged');
    expect((await status({})).status).toBe(401);
  });

  it('keeps each user on one strategy, split by the weights', async () => {
    const users = Array.from({ length: 200 }, (_, i) => `user-${i}`);
    let leastBusy = 0;
    for (const user of users) {
      const expected = bucketOf(WEIGHTS_BUCKET_SEED, user) < 0.5 ? 'least-busy' : 'simple-shuffle';
      for (let i = 0; i < 2; i++) {
        const res = await chat(user);
        expect(res.status).toBe(200);
        expect(res.headers.get('x-routeiq-strategy')).toBe(expected);
      }
      if (expected === 'least-busy') leastBusy++;
    }
    expect(leastBusy / users.length).toBeGreaterThan(0.4);
    expect(leastBusy / users.length).toBeLessThan(0.6);
  });

  it('answers bad input with 400/404 in the OpenAI error shape', async () => {
    const cases: Array<[string, Body | string, number, string, string | null]> = [
      [
        '/strategy/weights',
        { weights: { 'simple-shuffle': -5 } },
        400,
        'invalid_strategy_weights',
        'weights',
      ],
      [
        '/strategy/weights',
        { weights: { 'simple-shuffle': 0 } },
        400,
        'invalid_strategy_weights',
        'weights',
      ],
      ['/strategy/weights', { weights: { nope: 1 } }, 400, 'invalid_strategy_weights', 'weights'],
      ['/strategy/weights', { weights: 'all' }, 400, 'invalid_strategy_weights', 'weights'],
      ['/strategy/weights', { weigths: {} }, 400, 'invalid_request', 'weigths'],
      ['/strategy/weights', '{"weights":', 400, 'invalid_json', null],
      ['/strategy/stage', { strategy: 'nope' }, 404, 'strategy_not_found', 'strategy'],
      ['/strategy/stage', { strategy: 42 }, 400, 'invalid_request', 'strategy'],
      [
        '/strategy/stage',
        { strategy: 'least-busy', weight: -1 },
        400,
        'invalid_strategy_weights',
        'weight',
      ],
      ['/strategy/promote', { strategy: 'nope' }, 404, 'strategy_not_found', 'strategy'],
      ['/strategy/promote', { strategy: 'simple-shuffle' }, 409, 'strategy_conflict', 'strategy'],
    ];
    for (const [path, body, code, errorCode, param] of cases) {
      const res = await admin(path, body);
      expect({ path, body, status: res.status }).toEqual({ path, body, status: code });
      expect(res.body).toEqual({
        error: { message: expect.any(String), type: expect.any(String), code: errorCode, param },
        request_id: expect.any(String),
      });
    }
    expect(weightsOf((await status()).body)).toEqual({ 'simple-shuffle': 50, 'least-busy': 50 });
  });

  it('needs router.strategy.write to change anything', async () => {
    const generate = async (body: Body) =>
      (
        await call<Body>(`${gw.url}/key/generate`, {
          method: 'POST',
          headers: { 'x-admin-api-key': TEST_ADMIN_KEY, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).body.key as string;
    const plain = await generate({});
    const writer = await generate({ permissions: ['router.strategy.write'] });
    const post = (key: string) =>
      call<ErrorEnvelope>(`${gw.url}/strategy/weights`, {
        method: 'POST',
        headers: userHeaders(key),
        body: JSON.stringify({ weights: { 'simple-shuffle': 60, 'least-busy': 40 } }),
      });
    expect((await call(`${gw.url}/strategy/rollback`, { method: 'POST' })).status).toBe(401);
    const denied = await post(plain);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('permission_denied');
    expect((await post(writer)).status).toBe(200);
    expect(weightsOf((await status()).body)).toEqual({ 'simple-shuffle': 60, 'least-busy': 40 });
  });

  it('stages, promotes and rolls back, audited', async () => {
    let res = await admin('/strategy/stage', { strategy: 'cost-based-routing', weight: 5 });
    expect(res.status).toBe(200);
    expect(res.body.strategies.find((s) => s.name === 'cost-based-routing')).toMatchObject({
      state: 'staged',
      weight: 5,
    });
    // Two strategies are staged: promote must be told which.
    expect((await admin('/strategy/promote')).status).toBe(409);

    res = await admin('/strategy/promote', { strategy: 'cost-based-routing' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      active: 'cost-based-routing',
      active_source: 'operator',
      rollback_target: 'simple-shuffle',
    });
    expect(weightsOf(res.body)).toEqual({ 'cost-based-routing': 100 });
    expect((await chat('anyone')).headers.get('x-routeiq-strategy')).toBe('cost-based-routing');

    res = await admin('/strategy/rollback');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: 'simple-shuffle', rollback_target: null });
    expect((await chat('anyone')).headers.get('x-routeiq-strategy')).toBe('simple-shuffle');
    res = await admin('/strategy/rollback');
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'strategy_conflict', param: null });

    const expected = [
      'strategy.stage:success',
      'strategy.promote:success',
      'strategy.promote:failure',
      'strategy.rollback:success',
      'strategy.rollback:failure',
    ];
    const summary = (rows: Array<{ action: string; outcome: string }>) =>
      rows.map((row) => `${row.action}:${row.outcome}`);
    const rows = await pollAudit(gw, 'resource_type=strategy&limit=500', (found) =>
      expected.every((action) => summary(found).includes(action)),
    );
    expect(summary(rows)).toEqual(expect.arrayContaining(expected));
    const promoted = rows.find((r) => r.action === 'strategy.promote' && r.outcome === 'success');
    expect(promoted).toMatchObject({
      resource_id: 'cost-based-routing',
      metadata: { active: 'cost-based-routing' },
    });
  });
});
