import { createHash } from 'node:crypto';
import { call, userHeaders, type ErrorEnvelope } from './support/http';
import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from './support/gateway-harness';

const YAML = [
  'model_list:',
  '  - model_name: demo',
  '    litellm_params:',
  '      model: mock/demo',
  '  - model_name: other',
  '    litellm_params:',
  '      model: mock/other',
  '',
].join('\n');

type Body = Record<string, unknown>;

describe('Virtual keys, teams and RBAC', () => {
  let gw: TestGateway;
  const admin = (path: string, body?: Body) =>
    call<Body & ErrorEnvelope>(`${gw.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-admin-api-key': TEST_ADMIN_KEY, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const chat = (key: string, model = 'demo') =>
    call<Body & ErrorEnvelope>(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: userHeaders(key),
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });
  const generate = async (body: Body = {}): Promise<{ key: string; token: string }> => {
    const res = await admin('/key/generate', body);
    expect(res.status).toBe(200);
    return { key: res.body.key as string, token: res.body.token as string };
  };

  beforeAll(async () => {
    gw = await startTestGateway({ yaml: YAML, env: { ADMIN_API_KEYS: TEST_ADMIN_KEY } });
  });
  afterAll(() => gw?.close());

  it('generates a key shown once, stored as its hash, that calls models', async () => {
    const res = await admin('/key/generate', { key_alias: 'ci key', metadata: { owner: 'ci' } });
    expect(res.status).toBe(200);
    const key = res.body.key as string;
    expect(key).toMatch(/^sk-[A-Za-z0-9_-]{32}$/);
    expect(res.body.token).toBe(createHash('sha256').update(key).digest('hex'));
    expect(res.body.key_name).toBe(`sk-...${key.slice(-4)}`);
    expect((await chat(key)).status).toBe(200);

    const info = await admin(`/key/info?key=${encodeURIComponent(key)}`);
    expect(info.status).toBe(200);
    expect(JSON.stringify(info.body)).not.toContain(key);
    expect(info.body.info).toMatchObject({ key_alias: 'ci key', metadata: { owner: 'ci' } });
    const byHash = await admin(`/key/info?key=${res.body.token as string}`);
    expect(byHash.body.key).toBe(res.body.token);
    const list = await admin('/key/list?return_full_object=true&key_alias=ci%20key');
    expect(list.body.total_count).toBe(1);
    expect(JSON.stringify(list.body)).not.toContain(key);
  });

  it('blocks, unblocks, expires and deletes keys', async () => {
    const { key, token } = await generate();
    expect((await admin('/key/block', { key })).body.blocked).toBe(true);
    const blocked = await chat(key);
    expect(blocked.status).toBe(401);
    expect(blocked.body.error.code).toBe('key_blocked');
    expect((await admin('/key/unblock', { key: token })).status).toBe(200);
    expect((await chat(key)).status).toBe(200);

    const deleted = await admin('/key/delete', { keys: [key] });
    expect(deleted.body.deleted_keys).toEqual([token]);
    const gone = await chat(key);
    expect(gone.status).toBe(401);
    expect(gone.body.error.code).toBe('invalid_api_key');
    expect((await admin('/key/delete', { keys: [key] })).status).toBe(404);

    // Seconds of lifetime for the first call (a busy machine can be slow between two calls),
    // then past the expiry the key itself reports.
    const shortLived = await admin('/key/generate', { duration: '3s' });
    const expiresAt = Date.parse(shortLived.body.expires as string);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3000);
    expect((await chat(shortLived.body.key as string)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, expiresAt - Date.now() + 100));
    const expired = await chat(shortLived.body.key as string);
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('key_expired');
  });

  it('updates keys and rejects bad fields with a 4xx naming the field', async () => {
    const { key } = await generate({ key_alias: 'to-update' });
    const updated = await admin('/key/update', { key, rpm_limit: 10, budget_duration: 'daily' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ rpm_limit: 10, budget_duration: 'daily' });
    expect(typeof updated.body.budget_reset_at).toBe('string');

    const cases: Array<[Body, number, string | null]> = [
      [{ budget_duration: 'fortnightly' }, 400, 'budget_duration'],
      [{ max_budget: -1 }, 400, 'max_budget'],
      [{ rpm_limit: 1.5 }, 400, 'rpm_limit'],
      [{ models: 'demo' }, 400, 'models'],
      [{ permissions: ['root'] }, 400, 'permissions'],
      [{ team_id: 'no-such-team' }, 404, 'team_id'],
      [{ key_alias: 'to-update' }, 409, 'key_alias'],
      [{ key: 'not-an-sk-key' }, 400, 'key'],
      [{ user_id: 'bad\nuser' }, 400, 'user_id'],
    ];
    for (const [body, status, param] of cases) {
      const res = await admin('/key/generate', body);
      expect({ body, status: res.status, param: res.body.error?.param }).toEqual({
        body,
        status,
        param,
      });
    }
    expect((await admin('/key/update', { key: 'sk-unknown-key-000000000000' })).status).toBe(404);
    expect((await admin('/key/info')).status).toBe(400);
  });

  it('restricts a key to its models, and a team restricts its keys', async () => {
    const { key } = await generate({ models: ['demo'] });
    expect((await chat(key, 'demo')).status).toBe(200);
    const denied = await chat(key, 'other');
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: 'model_not_allowed', param: 'model' });
    const listed = await call<{ data: Array<{ id: string }> }>(`${gw.url}/v1/models`, {
      headers: userHeaders(key),
    });
    expect(listed.body.data.map((m) => m.id)).toEqual(['demo']);
    expect((await call(`${gw.url}/v1/models/other`, { headers: userHeaders(key) })).status).toBe(
      404,
    );

    const team = await admin('/team/new', { team_alias: 'Data Science', models: ['other'] });
    expect(team.status).toBe(200);
    const teamId = team.body.team_id as string;
    const member = await generate({ team_id: teamId });
    expect((await chat(member.key, 'other')).status).toBe(200);
    expect((await chat(member.key, 'demo')).status).toBe(403);
  });

  it('manages teams: info lists keys, blocking a team blocks its keys, delete removes them', async () => {
    const created = await admin('/team/new', {
      team_id: 'team-ops',
      max_budget: 5,
      budget_duration: '30d',
    });
    expect(created.body).toMatchObject({ team_id: 'team-ops', max_budget: 5, spend: 0 });
    expect((await admin('/team/new', { team_id: 'team-ops' })).status).toBe(409);
    const member = await generate({ team_id: 'team-ops', user_id: 'alice' });

    const info = await admin('/team/info?team_id=team-ops');
    expect(info.status).toBe(200);
    expect((info.body.keys as Body[]).map((k) => k.token)).toEqual([member.token]);
    expect((await admin('/team/list')).body).toEqual(
      expect.arrayContaining([expect.objectContaining({ team_id: 'team-ops' })]),
    );

    expect((await admin('/team/update', { team_id: 'team-ops', blocked: true })).status).toBe(200);
    const blocked = await chat(member.key);
    expect(blocked.status).toBe(401);
    expect(blocked.body.error.code).toBe('key_blocked');
    await admin('/team/update', { team_id: 'team-ops', blocked: false });
    expect((await chat(member.key)).status).toBe(200);

    const deleted = await admin('/team/delete', { team_ids: ['team-ops'] });
    expect(deleted.body).toEqual({ deleted_teams: ['team-ops'], deleted_keys: [member.token] });
    expect((await chat(member.key)).status).toBe(401);
    expect((await admin('/team/info?team_id=team-ops')).status).toBe(404);
  });

  it('keeps MCP and A2A permissions (object_permission) on keys and teams across updates', async () => {
    const unrestricted = {
      mcp_servers: [],
      mcp_access_groups: [],
      mcp_tool_permissions: {},
      agents: [],
      agent_access_groups: [],
    };
    // Defaulted JSON columns once came back as raw text ("[]") in the create answers on Postgres.
    const empty = { models: [], metadata: {}, object_permission: unrestricted };
    expect((await admin('/key/generate', {})).body).toMatchObject({ ...empty, permissions: [] });
    expect((await admin('/team/new', {})).body).toMatchObject(empty);
    const granted = {
      mcp_servers: ['wiki'],
      mcp_access_groups: ['support'],
      mcp_tool_permissions: { wiki: ['search'] },
      agents: ['travel'],
      agent_access_groups: ['ops'],
    };
    const created = await admin('/key/generate', { object_permission: granted });
    expect(created.body.object_permission).toEqual(granted);
    const key = created.body.key as string;

    await admin('/key/update', { key, rpm_limit: 5 });
    const info = await admin(`/key/info?key=${encodeURIComponent(key)}`);
    expect((info.body.info as Body).object_permission).toEqual(granted);
    const merged = await admin('/key/update', { key, object_permission: { mcp_servers: [] } });
    expect(merged.body.object_permission).toEqual({ ...granted, mcp_servers: [] });
    const bad = await admin('/key/update', { key, object_permission: { mcp_servers: 'wiki' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('object_permission.mcp_servers');

    const team = await admin('/team/new', { team_id: 'team-mcp', object_permission: granted });
    expect(team.body.object_permission).toEqual(granted);
    await admin('/team/update', { team_id: 'team-mcp', team_alias: 'MCP' });
    const teamInfo = await admin('/team/info?team_id=team-mcp');
    expect((teamInfo.body.team_info as Body).object_permission).toEqual(granted);
    const badTeam = await admin('/team/update', {
      team_id: 'team-mcp',
      object_permission: { mcp_tool_permissions: { wiki: [7] } },
    });
    expect(badTeam.status).toBe(400);
    expect(badTeam.body.error.param).toBe('object_permission.mcp_tool_permissions.wiki');
  });

  it('refuses a client-supplied upstream URL (SSRF) before any call', async () => {
    for (const field of ['api_base', 'base_url']) {
      const res = await call<ErrorEnvelope>(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: userHeaders(),
        body: JSON.stringify({
          model: 'demo',
          messages: [{ role: 'user', content: 'hi' }],
          [field]: 'http://169.254.169.254/latest/meta-data',
        }),
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('ssrf_blocked');
      expect(res.body.error.message).toContain(field);
    }
  });

  it('enforces RBAC on a permission route: 401 without credential, 403 without permission', async () => {
    const reload = (headers: Record<string, string>) =>
      call<ErrorEnvelope>(`${gw.url}/config/reload`, { method: 'POST', headers });
    const plain = await generate();
    const exact = await generate({ permissions: ['system.config.reload'] });
    const namespace = await generate({ permissions: ['system.*'] });
    const star = await generate({ permissions: ['*'] });
    const other = await generate({ permissions: ['mcp.*'] });

    expect((await reload({})).status).toBe(401);
    expect((await reload({ authorization: 'Bearer sk-not-a-real-key-000000' })).status).toBe(401);
    for (const key of [plain.key, other.key]) {
      const res = await reload({ authorization: `Bearer ${key}` });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('permission_denied');
      expect(res.body.error.message).toContain('system.config.reload');
    }
    for (const key of [exact.key, namespace.key, star.key]) {
      expect((await reload({ authorization: `Bearer ${key}` })).status).toBe(200);
    }
    expect((await reload({ 'x-admin-api-key': TEST_ADMIN_KEY })).status).toBe(200);
    // Key management stays admin-only, whatever the key's permissions.
    const res = await call<ErrorEnvelope>(`${gw.url}/key/generate`, {
      method: 'POST',
      headers: userHeaders(star.key),
      body: '{}',
    });
    expect(res.status).toBe(401);
  });
});
