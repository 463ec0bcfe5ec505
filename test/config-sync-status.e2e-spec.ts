import { ConfigValidationError } from '@routeiq/config';
import {
  startTestGateway,
  TEST_ADMIN_KEY,
  testStack,
  type TestGateway,
} from './support/gateway-harness';
import { call, userHeaders, type ErrorEnvelope } from './support/http';

const YAML = [
  'model_list:',
  '  - model_name: demo',
  '    litellm_params:',
  '      model: mock/demo',
  '',
].join('\n');

interface SyncStatus {
  ha_mode: string;
  instance_id: string;
  role: string;
  leader: { instance_id: string; since: string | null; fencing_token: number } | null;
  lease_seconds: number;
  generation: number;
  redis: string;
}

// On the Postgres + Redis stack the gateway runs leader election; on the embedded default it is a
// single node without Redis.
const ha = testStack() === 'postgres';

describe('GET /config/sync/status', () => {
  let gw: TestGateway;
  const status = (headers: Record<string, string>) =>
    call<SyncStatus & ErrorEnvelope>(`${gw.url}/config/sync/status`, { headers });

  beforeAll(async () => {
    gw = await startTestGateway({
      yaml: YAML,
      env: {
        LLMROUTER_HA_MODE: ha ? 'leader_election' : undefined,
        LLMROUTER_CONFIG_SYNC_LEASE_SECONDS: ha ? '5' : undefined,
      },
    });
  });
  afterAll(() => gw?.close());

  it('is admin only', async () => {
    const anonymous = await status({});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('missing_admin_key');
    // The master key is a user key: it is not an admin key.
    expect((await status(userHeaders())).status).toBe(401);
    expect((await status({ 'x-admin-api-key': 'wrong-admin-key' })).status).toBe(401);
  });

  it("reports this replica's role, the leader and the config generation", async () => {
    const { status: code, body } = await status({ 'x-admin-api-key': TEST_ADMIN_KEY });
    expect(code).toBe(200);
    expect(body).toMatchObject({
      ha_mode: ha ? 'leader_election' : 'single',
      role: ha ? 'leader' : 'standalone',
      lease_seconds: ha ? 5 : 10,
      generation: 1,
      redis: ha ? 'on' : 'off',
      leader: { instance_id: body.instance_id, fencing_token: expect.any(Number) },
    });
    expect(Date.parse(body.leader!.since!)).not.toBeNaN();
    if (!ha) expect(body.leader!.fencing_token).toBe(1);
  });
});

describe('LLMROUTER_HA_MODE=leader_election without Redis', () => {
  it('refuses to start, naming the variables', async () => {
    const started = startTestGateway({
      yaml: YAML,
      env: { LLMROUTER_HA_MODE: 'leader_election', REDIS_URL: undefined, REDIS_HOST: undefined },
    });
    await expect(started).rejects.toBeInstanceOf(ConfigValidationError);
    await expect(started).rejects.toThrow(/LLMROUTER_HA_MODE: leader_election needs Redis/);
  });
});
