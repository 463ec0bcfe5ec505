import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from './support/gateway-harness';
import { call, userHeaders, type ErrorEnvelope } from './support/http';

type Body = Record<string, unknown>;

// Mock deployments answer offline: free unless model_info prices them.
const YAML = [
  'model_list:',
  '  - model_name: priced-mock',
  '    litellm_params:',
  '      model: mock/gpt-4o',
  '    model_info:',
  '      id: priced-mock-dep',
  '      input_cost_per_token: 0.000001',
  '      output_cost_per_token: 0.000002',
  '  - model_name: free-mock',
  '    litellm_params:',
  '      model: mock/gpt-4o',
  '    model_info:',
  '      id: free-mock-dep',
  '',
].join('\n');

describe('Spend API: mock deployments, validation and access', () => {
  let gw: TestGateway;
  const admin = (path: string) =>
    call<Body & ErrorEnvelope>(`${gw.url}${path}`, {
      headers: { 'x-admin-api-key': TEST_ADMIN_KEY },
    });
  const chat = (model: string) =>
    call<Body & ErrorEnvelope>(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: userHeaders(),
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'how much is this?' }] }),
    });

  beforeAll(async () => {
    gw = await startTestGateway({ yaml: YAML });
  });
  afterAll(() => gw?.close());

  it('prices a mock deployment from model_info only, and a bare one at zero', async () => {
    const priced = await chat('priced-mock');
    expect(priced.status).toBe(200);
    const usage = priced.body.usage as { prompt_tokens: number; completion_tokens: number };
    const expected = usage.prompt_tokens * 1e-6 + usage.completion_tokens * 2e-6;
    expect(expected).toBeGreaterThan(0);
    expect(Number(priced.headers.get('x-routeiq-response-cost'))).toBeCloseTo(expected, 12);
    const free = await chat('free-mock');
    expect(free.status).toBe(200);
    expect(free.headers.get('x-routeiq-response-cost')).toBe('0');

    const rows = async (model: string) => {
      const res = await admin(`/spend/logs?model=${model}`);
      expect(res.status).toBe(200);
      return res.body.data as Body[];
    };
    const [pricedRow] = await rows('priced-mock');
    expect(pricedRow).toMatchObject({
      request_id: priced.headers.get('x-request-id'),
      deployment_id: 'priced-mock-dep',
      provider: 'mock',
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
    });
    expect(pricedRow!.spend as number).toBeCloseTo(expected, 12);
    const [freeRow] = await rows('free-mock');
    expect(freeRow).toMatchObject({ deployment_id: 'free-mock-dep', spend: 0 });

    const report = await admin('/spend/report?group_by=deployment&limit=1');
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ group_by: 'deployment', start_date: null, end_date: null });
    expect(report.body.data).toEqual([
      expect.objectContaining({ deployment_id: 'priced-mock-dep', requests: 1 }),
    ]);
    expect((report.body.total as Body).requests).toBe(2);
  });

  it('echoes the range it reported on, end exclusive', async () => {
    const res = await admin('/spend/report?group_by=day&start_date=2025-11-01&end_date=2025-11-30');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      group_by: 'day',
      start_date: '2025-11-01T00:00:00.000Z',
      end_date: '2025-12-01T00:00:00.000Z',
      data: [],
    });
  });

  it('refuses bad queries with a 400 in the OpenAI error shape', async () => {
    const cases: Array<[string, string]> = [
      ['/spend/report?group_by=week', 'group_by'],
      ['/spend/report?start_date=2025-11-28&end_date=2025-11-01', 'end_date'],
      ['/spend/report?limit=0', 'limit'],
      ['/spend/logs?start_date=yesterday', 'start_date'],
      ['/spend/logs?end_date=2025-11-28T10:00:00', 'end_date'],
      ['/spend/logs?limit=5000', 'limit'],
      ['/spend/logs?cursor=nope', 'cursor'],
      ['/spend/logs?group_by=key', 'group_by'],
      ['/spend/logs?team_id=a&team_id=b', 'team_id'],
    ];
    for (const [path, param] of cases) {
      const res = await admin(path);
      expect({ path, status: res.status, error: res.body.error }).toEqual({
        path,
        status: 400,
        error: {
          type: 'invalid_request_error',
          code: 'invalid_spend_query',
          param,
          message: expect.stringContaining(`"${param}"`),
        },
      });
      expect(typeof res.body.request_id).toBe('string');
    }
  });

  it('is for admin keys only', async () => {
    for (const path of ['/spend/logs', '/spend/report']) {
      const anonymous = await call<ErrorEnvelope>(`${gw.url}${path}`);
      expect(anonymous.status).toBe(401);
      const user = await call<ErrorEnvelope>(`${gw.url}${path}`, { headers: userHeaders() });
      expect([401, 403]).toContain(user.status);
    }
  });
});
