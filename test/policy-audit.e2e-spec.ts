import { writeFileSync } from 'node:fs';
import { startTestGateway, TEST_ADMIN_KEY, TEST_MASTER_KEY } from './support/gateway-harness';
import type { TestGateway } from './support/gateway-harness';
import {
  AUDIT_POLICY,
  BASE_POLICY,
  clientFor,
  DEMO_ONLY_POLICY,
  dropAuditTable,
  expectDenied,
  INVALID_POLICY,
  MOCK_MODELS_YAML,
  policyEnv,
  pollAudit,
  RELOADED_POLICY,
  writePolicyFile,
  type AuditPage,
  type AuditRow,
  type Reply,
} from './fixtures/policy-audit.fixtures';

describe('Policy engine through the HTTP pipeline', () => {
  let gw: TestGateway;
  let policyPath: string;
  let client: ReturnType<typeof clientFor>;
  const keys: Record<'red' | 'ops' | 'ci' | 'plain', string> = {
    red: '',
    ops: '',
    ci: '',
    plain: '',
  };

  beforeAll(async () => {
    policyPath = writePolicyFile(BASE_POLICY);
    gw = await startTestGateway({ yaml: MOCK_MODELS_YAML, env: policyEnv(policyPath) });
    client = clientFor(gw);
    for (const team of ['team-red', 'team-ops']) {
      expect((await client.admin('/team/new', { team_id: team })).status).toBe(200);
    }
    keys.red = (await client.generate({ team_id: 'team-red', user_id: 'rita' })).key;
    keys.ops = (await client.generate({ team_id: 'team-ops', user_id: 'oscar' })).key;
    keys.ci = (await client.generate({ key_alias: 'ci-bot' })).key;
    keys.plain = (await client.generate({ key_alias: 'plain' })).key;
  });
  afterAll(() => gw?.close());

  it('denies a team on a model (decided once the model is known) and allows its other models', async () => {
    expectDenied(await client.chat(keys.red, 'other'), 'red-team-no-other');
    expect((await client.chat(keys.red, 'demo')).status).toBe(200);
    expect((await client.chat(keys.ops, 'other')).status).toBe(200);
    expect((await client.chat(TEST_MASTER_KEY, 'other')).status).toBe(200);
  });

  it('denies a key alias on a route, and lets other keys and routes through', async () => {
    const embed = (key: string) =>
      client.user(key, '/v1/embeddings', { model: 'demo', input: 'x' });
    expectDenied(await embed(keys.ci), 'ci-keys-no-embeddings');
    expect((await embed(keys.plain)).status).toBe(200);
    expect((await client.chat(keys.ci, 'demo')).status).toBe(200);
  });

  it('denies a source IP on a route unless a higher-priority allow rule matches', async () => {
    for (const key of [keys.red, keys.plain, TEST_MASTER_KEY]) {
      expectDenied(await client.user(key, '/router/info'), 'loopback-no-router-info');
    }
    const ops = await client.user(keys.ops, '/router/info');
    expect(ops.status).toBe(200);
    expect(ops.body).toHaveProperty('model_groups');
  });

  it('takes the identity from the verified key, never from x-team-id / x-user-id headers', async () => {
    const asOps = { 'x-team-id': 'team-ops', 'x-user-id': 'oscar' };
    expectDenied(
      await client.user(keys.red, '/router/info', undefined, asOps),
      'loopback-no-router-info',
    );
    expectDenied(await client.chat(keys.red, 'other', asOps), 'red-team-no-other');
    const asRed = { 'x-team-id': 'team-red', 'x-user-id': 'rita', 'x-key-alias': 'ci-bot' };
    expect((await client.chat(keys.ops, 'other', asRed)).status).toBe(200);
    expect((await client.user(keys.ops, '/router/info', undefined, asRed)).status).toBe(200);
  });

  it('hot-reloads on POST /config/reload; an invalid file is a 400 and the old rules stay live', async () => {
    writeFileSync(policyPath, RELOADED_POLICY);
    expect((await client.admin('/config/reload', {})).status).toBe(200);
    expect((await client.user(TEST_MASTER_KEY, '/router/info')).status).toBe(200);
    expectDenied(await client.user(keys.red, '/v1/models'), 'red-team-no-models-listing');
    expect((await client.user(keys.ops, '/v1/models')).status).toBe(200);

    writeFileSync(policyPath, INVALID_POLICY);
    const rejected = await client.admin('/config/reload', {});
    expect(rejected.status).toBe(400);
    expect(JSON.stringify(rejected.body)).toContain('source_ips[0]');
    expectDenied(await client.user(keys.red, '/v1/models'), 'red-team-no-models-listing');
    expect((await client.user(TEST_MASTER_KEY, '/router/info')).status).toBe(200);
  });
});

describe('Policy with default_action deny', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    const env = policyEnv(writePolicyFile(DEMO_ONLY_POLICY));
    gw = await startTestGateway({ yaml: MOCK_MODELS_YAML, env });
  });
  afterAll(() => gw?.close());

  it('lets a model allowed by a rule through and denies the rest (precheck defers, final decides)', async () => {
    const client = clientFor(gw);
    expect((await client.chat(TEST_MASTER_KEY, 'demo')).status).toBe(200);
    const denied = await client.chat(TEST_MASTER_KEY, 'other');
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('policy_denied');
    expect(denied.body.error.message).toContain('default_action is deny');
    // No model on this route, so no rule can allow it.
    expect((await client.user(TEST_MASTER_KEY, '/router/info')).status).toBe(403);
  });
});

interface DoneAction {
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string | null;
  readonly requestId: string;
  readonly reply: Reply;
}

describe('Audit log of control-plane actions and policy denies', () => {
  let gw: TestGateway;
  let client: ReturnType<typeof clientFor>;
  let readerKey: string;
  let all: AuditRow[];
  const secrets = [TEST_ADMIN_KEY, TEST_MASTER_KEY];
  const done: DoneAction[] = [];
  const auditRows = async (query = 'limit=500'): Promise<AuditPage> =>
    (await client.admin(`/audit/logs?${query}`)).body as unknown as AuditPage;

  async function act(
    action: string,
    resourceType: string,
    path: string,
    body: Record<string, unknown>,
    resourceId: (reply: Reply) => string | null,
  ): Promise<Reply> {
    const reply = await client.admin(path, body);
    const requestId = reply.headers.get('x-request-id') ?? '';
    done.push({ action, resourceType, resourceId: resourceId(reply), requestId, reply });
    return reply;
  }

  beforeAll(async () => {
    gw = await startTestGateway({
      yaml: MOCK_MODELS_YAML,
      env: policyEnv(writePolicyFile(AUDIT_POLICY)),
    });
    client = clientFor(gw);
    await act('team.new', 'team', '/team/new', { team_id: 'team-audit' }, () => 'team-audit');
    const generated = await act(
      'key.generate',
      'key',
      '/key/generate',
      { team_id: 'team-audit', key_alias: 'audited' },
      (reply) => reply.body.token as string,
    );
    const key = generated.body.key as string;
    const token = generated.body.token as string;
    readerKey = (await client.generate()).key;
    secrets.push(key, readerKey);
    await act('key.update', 'key', '/key/update', { key, rpm_limit: 7 }, () => token);
    await act('key.block', 'key', '/key/block', { key }, () => token);
    await act('key.delete', 'key', '/key/delete', { keys: [key] }, () => token);
    await act('config.reload', 'config', '/config/reload', {}, () => null);
    // Writes are batched: wait until every action's row is stored.
    all = await pollAudit(gw, 'limit=500', (rows) =>
      done.every((d) => rows.some((row) => row.request_id === d.requestId)),
    );
  });
  afterAll(() => gw?.close());

  it('records each action with its outcome, the admin actor (masked), resource and request id', () => {
    expect(done.map((d) => d.reply.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const actorIds = new Set<string | null>();
    for (const d of done) {
      const rows = all.filter((row) => row.request_id === d.requestId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        action: d.action,
        outcome: 'success',
        actor_type: 'admin',
        resource_type: d.resourceType,
        resource_id: d.resourceId,
      });
      actorIds.add(rows[0]?.actor_id ?? null);
    }
    // One admin key, one masked id: a stable prefix and suffix, never the key itself.
    expect(actorIds.size).toBe(1);
    const [actorId] = [...actorIds];
    expect(actorId).toMatch(/^key-[0-9a-f]{2}…[0-9a-f]{4}$/);
  });

  it('records a failed action with outcome failure and the error code as reason', async () => {
    const failed = await act(
      'key.update',
      'key',
      '/key/update',
      {
        key: 'sk-unknown-key-000000000000',
      },
      () => null,
    );
    expect(failed.status).toBe(404);
    const requestId = failed.headers.get('x-request-id');
    const rows = await pollAudit(gw, 'action=key.update&outcome=failure', (found) =>
      found.some((row) => row.request_id === requestId),
    );
    expect(rows.find((row) => row.request_id === requestId)).toMatchObject({
      action: 'key.update',
      outcome: 'failure',
      actor_type: 'admin',
      reason: failed.body.error.code,
    });
  });

  it('records a policy deny as policy.deny with the rule, route and caller', async () => {
    const denied = await client.user(TEST_MASTER_KEY, '/router/info');
    expectDenied(denied, 'no-router-info');
    const requestId = denied.headers.get('x-request-id');
    const rows = await pollAudit(gw, 'action=policy.deny', (found) =>
      found.some((row) => row.request_id === requestId),
    );
    expect(rows.find((row) => row.request_id === requestId)).toMatchObject({
      action: 'policy.deny',
      outcome: 'denied',
      actor_type: 'master',
      resource_type: 'route',
      resource_id: 'GET /router/info',
      reason: 'no-router-info',
    });
  });

  it('never stores a key plaintext or the admin key', async () => {
    const text = JSON.stringify(await auditRows());
    expect(text).toContain('key.generate');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('filters by action, outcome and resource_type', async () => {
    const cases: Array<[string, Partial<AuditRow>, number]> = [
      ['action=key.generate', { action: 'key.generate' }, 2],
      ['outcome=failure', { outcome: 'failure' }, 1],
      ['resource_type=team', { resource_type: 'team' }, 1],
      ['action=key.update&outcome=success', { action: 'key.update', outcome: 'success' }, 1],
    ];
    for (const [query, expected, count] of cases) {
      const { data } = await auditRows(query);
      expect({ query, count: data.length }).toEqual({ query, count });
      for (const row of data) expect(row).toMatchObject(expected);
    }
  });

  it('pages with limit and next_cursor, newest first, without duplicates', async () => {
    const everything = (await auditRows()).data.map((row) => row.id);
    expect(everything.length).toBeGreaterThanOrEqual(5);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await auditRows(query);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((row) => row.id));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 50);
    expect(cursor).toBeNull();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(everything);
  });

  it('is admin-only: the master key and virtual keys get 401', async () => {
    for (const key of [TEST_MASTER_KEY, readerKey]) {
      const res = await client.user(key, '/audit/logs');
      expect({ key: key.slice(0, 6), status: res.status }).toEqual({
        key: key.slice(0, 6),
        status: 401,
      });
      expect(res.body).not.toHaveProperty('data');
    }
  });

  it('rejects a bad query with 400 naming the parameter', async () => {
    const cases: Array<[string, string]> = [
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['since=garbage', 'since'],
      ['cursor=not-a-cursor', 'cursor'],
      ['outcome=maybe', 'outcome'],
      ['nope=1', 'nope'],
    ];
    for (const [query, param] of cases) {
      const res = await client.admin(`/audit/logs?${query}`);
      expect({ query, status: res.status, param: res.body.error?.param }).toEqual({
        query,
        status: 400,
        param,
      });
    }
  });
});

describe('Audit fail mode with a broken audit table', () => {
  const keyCount = async (gw: TestGateway): Promise<number> =>
    (await clientFor(gw).admin('/key/list')).body.total_count as number;

  it('closed: an action whose audit row cannot be written answers 503 and changes nothing', async () => {
    const gw = await startTestGateway({
      yaml: MOCK_MODELS_YAML,
      env: { AUDIT_LOG_FAIL_MODE: 'closed' },
    });
    try {
      const client = clientFor(gw);
      await client.generate({ key_alias: 'before' });
      // Closed mode writes before acting: the row is there at once, no batching.
      const written = (await client.admin('/audit/logs?action=key.generate')).body;
      expect((written as unknown as AuditPage).data).toHaveLength(1);
      expect(await keyCount(gw)).toBe(1);

      await dropAuditTable(gw);
      const res = await client.admin('/key/generate', { key_alias: 'unaudited' });
      expect({ status: res.status, code: res.body.error?.code }).toEqual({
        status: 503,
        code: 'audit_log_unavailable',
      });
      expect(await keyCount(gw)).toBe(1);
      expect((await client.admin('/key/list?key_alias=unaudited')).body.total_count).toBe(0);
    } finally {
      await gw.close();
    }
  });

  it('open (default): the same broken table does not fail the action', async () => {
    const gw = await startTestGateway({
      yaml: MOCK_MODELS_YAML,
      env: { AUDIT_LOG_FAIL_MODE: undefined },
    });
    try {
      const client = clientFor(gw);
      await client.generate({ key_alias: 'before' });
      await dropAuditTable(gw);
      const res = await client.admin('/key/generate', { key_alias: 'unaudited' });
      expect(res.status).toBe(200);
      expect(await keyCount(gw)).toBe(2);
      expect((await client.chat(res.body.key as string, 'demo')).status).toBe(200);
    } finally {
      await gw.close();
    }
  });
});
