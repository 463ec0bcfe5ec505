import { call, userHeaders, type ErrorEnvelope } from './support/http';
import {
  startTestGateway,
  TEST_ADMIN_KEY,
  TEST_MASTER_KEY,
  type TestGateway,
} from './support/gateway-harness';

const YAML = 'model_list:\n  - model_name: demo\n    litellm_params:\n      model: mock/demo\n';
const chatBody = JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] });

describe('Authentication rules', () => {
  describe('with admin keys configured', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startTestGateway({
        yaml: YAML,
        env: { ADMIN_API_KEYS: `other-admin-key-1, ${TEST_ADMIN_KEY}` },
      });
    });
    afterAll(() => gw?.close());

    it.each([
      ['no Authorization header', {}, 'missing_api_key'],
      ['a wrong key', { authorization: 'Bearer sk-wrong-key-123' }, 'invalid_api_key'],
      ['a non-Bearer scheme', { authorization: `Basic ${TEST_MASTER_KEY}` }, 'missing_api_key'],
      [
        'the admin key on the user plane',
        { authorization: `Bearer ${TEST_ADMIN_KEY}` },
        'invalid_api_key',
      ],
    ])('rejects %s on the user plane with 401', async (_name, headers, code) => {
      const res = await call<ErrorEnvelope>(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: chatBody,
      });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code, type: 'authentication_error' });
      expect(res.body.request_id).toBe(res.headers.get('x-request-id'));
    });

    it('accepts the master key, case-insensitive scheme included', async () => {
      const res = await call(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
        body: chatBody,
      });
      expect(res.status).toBe(200);
    });

    it('protects /v1/models and /router/info with the user key', async () => {
      expect((await call(`${gw.url}/v1/models`)).status).toBe(401);
      expect((await call(`${gw.url}/router/info`)).status).toBe(401);
      const info = await call<{ routing_strategy: string; model_groups: unknown[] }>(
        `${gw.url}/router/info`,
        { headers: userHeaders() },
      );
      expect(info.status).toBe(200);
      expect(info.body.routing_strategy).toBe('simple-shuffle');
      expect(info.body.model_groups).toHaveLength(1);
    });

    it('needs an admin key on the control plane: missing or wrong is 401, the master key lacks the permission', async () => {
      const reload = (headers: Record<string, string>) =>
        call<ErrorEnvelope>(`${gw.url}/config/reload`, { method: 'POST', headers });
      expect((await reload({})).body.error.code).toBe('missing_admin_key');
      expect((await reload({})).status).toBe(401);
      expect((await reload({ 'x-admin-api-key': 'wrong-admin-key' })).status).toBe(401);
      const master = await reload({ authorization: `Bearer ${TEST_MASTER_KEY}` });
      expect(master.status).toBe(403);
      expect(master.body.error.code).toBe('permission_denied');
      expect(master.body.error.message).toContain('system.config.reload');
      expect((await reload({ 'x-admin-api-key': TEST_ADMIN_KEY })).status).toBe(200);
      expect((await reload({ authorization: `Bearer ${TEST_ADMIN_KEY}` })).status).toBe(200);
      expect((await reload({ 'x-admin-api-key': 'other-admin-key-1' })).status).toBe(200);
    });

    it('leaves health probes open', async () => {
      expect((await call(`${gw.url}/_health/live`)).status).toBe(200);
      expect((await call(`${gw.url}/_health/ready`)).status).toBe(200);
    });
  });

  it('answers 403 control_plane_not_configured when no admin key is configured', async () => {
    const gw = await startTestGateway({
      yaml: YAML,
      env: { ADMIN_API_KEYS: undefined, ADMIN_API_KEY: undefined },
    });
    try {
      const res = await call<ErrorEnvelope>(`${gw.url}/config/reload`, {
        method: 'POST',
        headers: { 'x-admin-api-key': 'anything-at-all' },
      });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('control_plane_not_configured');
    } finally {
      await gw.close();
    }
  });

  it('honours the legacy ADMIN_API_KEY and ADMIN_AUTH_ENABLED=false', async () => {
    const legacy = await startTestGateway({
      yaml: YAML,
      env: { ADMIN_API_KEYS: undefined, ADMIN_API_KEY: 'legacy-admin-key-1' },
    });
    try {
      const res = await call(`${legacy.url}/config/reload`, {
        method: 'POST',
        headers: { 'x-admin-api-key': 'legacy-admin-key-1' },
      });
      expect(res.status).toBe(200);
    } finally {
      await legacy.close();
    }
    const open = await startTestGateway({
      yaml: YAML,
      env: { ADMIN_API_KEYS: undefined, ADMIN_AUTH_ENABLED: 'false' },
    });
    try {
      expect((await call(`${open.url}/config/reload`, { method: 'POST' })).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('uses general_settings.master_key when LITELLM_MASTER_KEY is unset', async () => {
    const gw = await startTestGateway({
      yaml: `${YAML}general_settings:\n  master_key: sk-from-config-file-1\n`,
      env: { LITELLM_MASTER_KEY: undefined },
    });
    try {
      const ok = await call(`${gw.url}/v1/models`, {
        headers: userHeaders('sk-from-config-file-1'),
      });
      expect(ok.status).toBe(200);
      expect((await call(`${gw.url}/v1/models`, { headers: userHeaders() })).status).toBe(401);
    } finally {
      await gw.close();
    }
  });
});
