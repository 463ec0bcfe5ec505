import Redis from 'ioredis';
import OpenAI from 'openai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinationKeys, epochMinute } from '@routeiq/coordination';
import { bucketOf, WEIGHTS_BUCKET_SEED } from '@routeiq/routing';
import { call, userHeaders } from './support/http';
import { freePort, TEST_ADMIN_KEY, TEST_MASTER_KEY } from './support/gateway-harness';
import { spawnGateway, type GatewayProcess } from './support/gateway-process';
import { OpenAiStubServer } from './support/openai-stub.server';
import {
  createTestDatabase,
  TEST_REDIS_URL,
  uniqueRedisPrefix,
  type TestDatabase,
} from './support/services';

// Routing state shared by two real gateway processes (one Postgres, one Redis, one config file):
// cooldowns, breakers, rpm counters, the strategy registry and reloads. Clients use the official
// openai SDK; every deployment is its own stub upstream. cost-based-routing is the baseline so
// the cheaper deployment of a group always wins while it is eligible: where a request goes shows
// eligibility, with no randomness.
const CHAT = '/v1/chat/completions';
const STUB_IDS = ['d1', 'd2', 'b1', 'b2', 'u1', 'u2', 'v1', 'v2'] as const;
type StubId = (typeof STUB_IDS)[number];
const CHEAP = 0.000001;
const DEAR = 0.00001;
const UNAVAILABLE = {
  kind: 'json' as const,
  status: 503,
  body: { error: { message: 'overloaded', type: 'server_error', code: null } },
};

type Body = Record<string, unknown>;
interface Health {
  circuit: string;
  cooldown_until: string | null;
}
interface Info {
  num_retries: number;
  model_groups: Array<{ model_name: string; deployments: Array<{ id: string; health: Health }> }>;
}
interface Decision {
  selected: string | null;
  candidates: Array<{ deployment: string; state: string }>;
}
interface Status {
  active: string;
  rollback_target: string | null;
  strategies: Array<{ name: string; state: string; weight: number; share: number }>;
}

function configYaml(bases: Record<StubId, string>, numRetries = 0, extraGroup = false): string {
  const deployment = (group: string, id: StubId, cost: number, params: string[]): string[] => [
    `  - model_name: ${group}`,
    '    litellm_params:',
    '      model: openai/gpt-4o-mini',
    `      api_base: ${bases[id]}`,
    '      api_key: sk-upstream-secret-key',
    ...params.map((line) => `      ${line}`),
    '    model_info:',
    `      id: ${id}`,
    `      input_cost_per_token: ${cost}`,
    `      output_cost_per_token: ${cost}`,
  ];
  const mock = (group: string): string[] => [
    `  - model_name: ${group}`,
    '    litellm_params:',
    '      model: mock/demo',
    '    model_info:',
    `      id: ${group}-mock`,
  ];
  return [
    'model_list:',
    // Cooldowns: the first failure cools d1 for 6 s (time for the calls a test makes meanwhile).
    ...deployment('g', 'd1', CHEAP, ['allowed_fails: 0', 'cooldown_time: 6']),
    ...deployment('g', 'd2', DEAR, []),
    // Breakers alone (cooldown_time 0: no cooldown for these two).
    ...deployment('b', 'b1', CHEAP, ['cooldown_time: 0']),
    ...deployment('b', 'b2', DEAR, ['cooldown_time: 0']),
    ...deployment('u', 'u1', CHEAP, ['rpm: 4']),
    ...deployment('u', 'u2', DEAR, []),
    ...deployment('v', 'v1', CHEAP, ['rpm: 2']),
    ...deployment('v', 'v2', DEAR, []),
    ...mock('ab'),
    ...(extraGroup ? mock('late') : []),
    'router_settings:',
    '  routing_strategy: cost-based-routing',
    `  num_retries: ${numRetries}`,
    '  circuit_breaker:',
    '    failure_threshold: 3',
    '    window_seconds: 60',
    // Long enough for the calls a test makes while b1 is open, on a busy machine.
    '    recovery_timeout_seconds: 5',
    '    success_threshold: 2',
    '',
  ].join('\n');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until `done` holds; fails naming `what` and the last value after `timeoutMs`. */
async function until<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 3000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what} not seen within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    }
    await sleep(25);
  }
}

describe('Routing state across two gateway processes', () => {
  let dir: string;
  let database: TestDatabase;
  let prefix: string;
  let bases: Record<StubId, string>;
  const stubs = Object.fromEntries(STUB_IDS.map((id) => [id, new OpenAiStubServer()])) as Record<
    StubId,
    OpenAiStubServer
  >;
  const replicas: Array<{ proc: GatewayProcess; url: string; client: OpenAI }> = [];
  const A = 0;
  const B = 1;

  const admin = (i: number, path: string, body: Body = {}) =>
    call<Body>(`${replicas[i]!.url}${path}`, {
      method: 'POST',
      headers: { 'x-admin-api-key': TEST_ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const adminGet = <T>(i: number, path: string) =>
    call<T>(`${replicas[i]!.url}${path}`, { headers: { 'x-admin-api-key': TEST_ADMIN_KEY } });
  const get = async <T>(i: number, path: string): Promise<T> => {
    const res = await call<T>(`${replicas[i]!.url}${path}`, { headers: userHeaders() });
    expect(res.status).toBe(200);
    return res.body;
  };
  const healthOf = async (i: number, id: string): Promise<Health> => {
    const info = await get<Info>(i, '/router/info');
    const row = info.model_groups.flatMap((g) => g.deployments).find((d) => d.id === id);
    if (!row) throw new Error(`deployment ${id} missing from /router/info`);
    return row.health;
  };
  const circuitOn = (i: number, id: string) => async () => (await healthOf(i, id)).circuit;
  /** Where replica `i` would send a request now (an admin dry run: nothing is called or counted). */
  const dryRunOn = (i: number, model: string) => async () => {
    const res = await call<Decision>(`${replicas[i]!.url}/router/route`, {
      method: 'POST',
      headers: { 'x-admin-api-key': TEST_ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    return res.body.selected;
  };
  /** Resolves once the replicas' counts of `id` this minute, `requests` in all, are in Redis. */
  const pushed = async (id: StubId, requests: number): Promise<void> => {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const key = new CoordinationKeys(prefix).deploymentUsage(epochMinute(Date.now()));
      // The field RedisDeploymentUsageStore increments for a deployment's requests.
      const count = async () => Number(await redis.hget(key, `requests:${id}`));
      await until(`${requests} requests of ${id} in Redis`, count, (n) => n >= requests);
    } finally {
      redis.disconnect();
    }
  };
  const ready = (i: number) => get<{ info: { router: Body } }>(i, '/_health/ready');

  /** One chat completion through replica `i`: which deployment answered, which strategy chose. */
  const ask = async (i: number, model: string, user?: string) => {
    const { data, response } = await replicas[i]!.client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'hi' }],
      ...(user !== undefined && { user }),
    }).withResponse();
    expect(data.choices[0]?.message.content).toEqual(expect.any(String));
    return {
      deployment: response.headers.get('x-routeiq-deployment'),
      strategy: response.headers.get('x-routeiq-strategy'),
    };
  };
  const deploymentOf = async (i: number, model: string) => (await ask(i, model)).deployment;
  const askFails = async (i: number, model: string) => {
    const error = await replicas[i]!.client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'hi' }],
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    return error as InstanceType<typeof OpenAI.APIError>;
  };

  /** Starts one more gateway process on the shared config, database and Redis prefix. */
  const startReplica = async (): Promise<number> => {
    const port = await freePort();
    const proc = spawnGateway(
      ['--config', join(dir, 'config.yaml'), '--port', String(port), '--host', '127.0.0.1'],
      {
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        ROUTEIQ_DATA_DIR: join(dir, `data-${replicas.length}`),
        LITELLM_MASTER_KEY: TEST_MASTER_KEY,
        ADMIN_API_KEYS: TEST_ADMIN_KEY,
        LITELLM_LOG: 'info',
        LITELLM_CONFIG_PATH: undefined,
        CONFIG_FILE_PATH: undefined,
        LLMROUTER_STRATEGY_WEIGHTS: undefined,
        LLMROUTER_EXPERIMENT_CONFIG: undefined,
      },
    );
    const url = `http://127.0.0.1:${port}`;
    const client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${url}/v1`, maxRetries: 0 });
    replicas.push({ proc, url, client });
    await proc.waitFor(/listening on/);
    return replicas.length - 1;
  };

  beforeAll(async () => {
    const started = await Promise.all(STUB_IDS.map((id) => stubs[id].start()));
    bases = Object.fromEntries(STUB_IDS.map((id, i) => [id, started[i]!])) as Record<
      StubId,
      string
    >;
    dir = mkdtempSync(join(tmpdir(), 'routeiq-routing-replicas-'));
    database = await createTestDatabase();
    prefix = uniqueRedisPrefix();
    writeFileSync(join(dir, 'config.yaml'), configYaml(bases));
    // One at a time: the second must find the migrations applied.
    await startReplica();
    await startReplica();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.proc.stop()));
    await Promise.all(STUB_IDS.map((id) => stubs[id].stop()));
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a cooldown caused through A takes the deployment out of rotation on B, then returns it', async () => {
    expect(await deploymentOf(A, 'g')).toBe('d1');
    expect(await deploymentOf(B, 'g')).toBe('d1');

    stubs.d1.failAll(CHAT, UNAVAILABLE);
    const failedAt = Date.now();
    expect((await askFails(A, 'g')).status).toBeGreaterThanOrEqual(500);
    stubs.d1.clearFailures();

    const health = await until(
      'd1 cooling on B',
      () => healthOf(B, 'd1'),
      (h) => !!h.cooldown_until,
    );
    const cooledUntil = Date.parse(health.cooldown_until!);
    expect(cooledUntil).toBeGreaterThan(failedAt + 5500);
    expect(cooledUntil).toBeLessThanOrEqual(Date.now() + 6000);
    expect(health.circuit).toBe('closed'); // one failure of three: the breaker stays closed

    const d1Calls = stubs.d1.count(CHAT);
    for (const i of [B, B, A, B]) expect(await deploymentOf(i, 'g')).toBe('d2');
    expect(stubs.d1.count(CHAT)).toBe(d1Calls);

    // Over about when it says: A computed the time just before its write reached Redis.
    await sleep(cooledUntil - Date.now());
    for (const i of [A, B]) {
      await until(
        `d1 back on ${i}`,
        () => healthOf(i, 'd1'),
        (h) => !h.cooldown_until,
        2000,
      );
    }
    expect(await deploymentOf(B, 'g')).toBe('d1');
    expect(await deploymentOf(A, 'g')).toBe('d1');
    expect(stubs.d1.count(CHAT)).toBe(d1Calls + 2);
  });

  it('opens a breaker on failures split across A and B, half-opens it, and closes it on both', async () => {
    stubs.b1.failAll(CHAT, UNAVAILABLE);
    for (const i of [A, A, B]) expect((await askFails(i, 'b')).status).toBeGreaterThanOrEqual(500);
    stubs.b1.clearFailures();
    expect(stubs.b1.count(CHAT)).toBe(3);

    for (const i of [A, B]) {
      await until(`b1 open on ${i}`, circuitOn(i, 'b1'), (c) => c === 'open', 4000);
      expect((await ready(i)).info.router).toEqual({
        status: 'up',
        state: 'degraded',
        open_breakers: ['b1'],
      });
      expect((await healthOf(i, 'b2')).circuit).toBe('closed');
    }
    for (const i of [A, B, A, B]) expect(await deploymentOf(i, 'b')).toBe('b2');
    expect(stubs.b1.count(CHAT)).toBe(3);

    // recovery_timeout_seconds: 5, then trial requests reach b1 again.
    await until('b1 half-open on A', circuitOn(A, 'b1'), (c) => c === 'half_open', 10_000);
    expect((await healthOf(B, 'b1')).circuit).toBe('half_open');
    expect((await ready(B)).info.router).toEqual({ status: 'up', state: 'ok' });
    expect(await deploymentOf(A, 'b')).toBe('b1');
    expect((await healthOf(A, 'b1')).circuit).toBe('half_open'); // one success of two
    expect(await deploymentOf(B, 'b')).toBe('b1');
    for (const i of [A, B]) {
      await until(`b1 closed on ${i}`, circuitOn(i, 'b1'), (c) => c === 'closed', 4000);
      expect((await ready(i)).info.router).toEqual({ status: 'up', state: 'ok' });
    }
    expect(stubs.b1.count(CHAT)).toBe(5);
  });

  it('counts rpm across replicas: 2 + 2 requests use up rpm 4, then both route elsewhere', async () => {
    // The counters are per epoch minute: do not start just before one ends.
    const toNextMinute = 60_000 - (Date.now() % 60_000);
    if (toNextMinute < 10_000) await sleep(toNextMinute + 200);

    for (const i of [A, A, B, B]) expect(await deploymentOf(i, 'u')).toBe('u1');
    // Each replica pushes its counts and pulls everyone's every 100 ms (2 of its own: neither
    // replica alone is over the limit).
    for (const i of [A, B]) await until(`u1 over rpm on ${i}`, dryRunOn(i, 'u'), (d) => d === 'u2');
    for (const i of [A, B, A, B]) expect(await deploymentOf(i, 'u')).toBe('u2');
    expect(stubs.u1.count(CHAT)).toBe(4);
    expect(stubs.u2.count(CHAT)).toBe(4);
    for (const i of [A, B]) {
      const [last] = (await adminGet<Decision[]>(i, '/router/decisions?model=u&limit=1')).body;
      expect(last).toMatchObject({
        selected: 'u2',
        candidates: [
          { deployment: 'u1', state: 'over_limit' },
          { deployment: 'u2', state: 'eligible' },
        ],
      });
    }
  });

  it('a replica that never routed to a deployment already knows its use by the others', async () => {
    const toNextMinute = 60_000 - (Date.now() % 60_000);
    if (toNextMinute < 10_000) await sleep(toNextMinute + 200);
    for (const i of [A, A]) expect(await deploymentOf(i, 'v')).toBe('v1');
    // A has pushed; B pulls every 100 ms (not polled through B: a look at v1 would register it).
    await pushed('v1', 2);
    await sleep(1000);
    for (const i of [B, B, A]) expect(await deploymentOf(i, 'v')).toBe('v2');
    expect(stubs.v1.count(CHAT)).toBe(2);
  });

  it('shares the strategy registry: a canary staged on A splits users the same way on both', async () => {
    const staged = await admin(A, '/strategy/stage', { strategy: 'least-busy', weight: 100 });
    expect(staged.status).toBe(200);
    const status = await until(
      'least-busy staged on B',
      () => get<Status>(B, '/strategy/status'),
      (s) => s.strategies.some((x) => x.name === 'least-busy' && x.state === 'staged'),
      5000,
    );
    // B learns of it only from the bus (no periodic re-read): the message got through.
    expect(status.active).toBe('cost-based-routing');
    const shares = Object.fromEntries(status.strategies.map((s) => [s.name, s.share]));
    expect(shares).toMatchObject({ 'cost-based-routing': 0.5, 'least-busy': 0.5 });

    // Arms in name order: cost-based-routing takes buckets below 0.5.
    const users = Array.from({ length: 200 }, (_, i) => `ab-user-${i}`);
    const expected = (user: string) =>
      bucketOf(WEIGHTS_BUCKET_SEED, user) < 0.5 ? 'cost-based-routing' : 'least-busy';
    let leastBusy = 0;
    for (let from = 0; from < users.length; from += 25) {
      const batch = users.slice(from, from + 25);
      const seen = await Promise.all(
        batch.flatMap((user) => [A, B, A].map(async (i) => (await ask(i, 'ab', user)).strategy)),
      );
      batch.forEach((user, k) => {
        expect({ user, seen: seen.slice(k * 3, k * 3 + 3) }).toEqual({
          user,
          seen: Array(3).fill(expected(user)),
        });
        if (expected(user) === 'least-busy') leastBusy++;
      });
    }
    expect(leastBusy / users.length).toBeGreaterThan(0.35);
    expect(leastBusy / users.length).toBeLessThan(0.65);

    // A virtual key's user outranks the body's `user`, on both replicas.
    const keyUsers = users.slice(0, 8);
    const bodyUser = 'ab-body-user';
    expect(keyUsers.some((user) => expected(user) !== expected(bodyUser))).toBe(true);
    for (const user of keyUsers) {
      const key = (await admin(A, '/key/generate', { user_id: user })).body.key as string;
      for (const i of [B, A]) {
        const client = new OpenAI({
          apiKey: key,
          baseURL: `${replicas[i]!.url}/v1`,
          maxRetries: 0,
        });
        const { response } = await client.chat.completions
          .create({ model: 'ab', user: bodyUser, messages: [{ role: 'user', content: 'hi' }] })
          .withResponse();
        expect(response.headers.get('x-routeiq-strategy')).toBe(expected(user));
      }
    }

    expect((await admin(B, '/strategy/promote', { strategy: 'least-busy' })).status).toBe(200);
    await until(
      'least-busy active on A',
      () => get<Status>(A, '/strategy/status'),
      (s) => s.active === 'least-busy' && s.rollback_target === 'cost-based-routing',
    );
    for (const user of users.slice(0, 10))
      expect((await ask(A, 'ab', user)).strategy).toBe('least-busy');

    expect((await admin(B, '/strategy/rollback')).status).toBe(200);
    const rolledBack = await until(
      'rollback on A',
      () => get<Status>(A, '/strategy/status'),
      (s) => s.active === 'cost-based-routing',
    );
    expect(rolledBack.rollback_target).toBeNull();
    expect(rolledBack.strategies.find((s) => s.name === 'least-busy')?.weight).toBe(0);
    for (const user of users.slice(0, 10)) {
      expect((await ask(A, 'ab', user)).strategy).toBe('cost-based-routing');
      expect((await ask(B, 'ab', user)).strategy).toBe('cost-based-routing');
    }
    expect((await admin(A, '/strategy/rollback')).status).toBe(409);
  });

  it('a replica started later loads the shared cooldowns, breakers and registry', async () => {
    // Four failures racing from both replicas (each held 200 ms, so all are in flight at once).
    stubs.b1.failAll(CHAT, { ...UNAVAILABLE, delayMs: 200 });
    await Promise.all([A, B, A, B].map((i) => askFails(i, 'b')));
    stubs.b1.clearFailures();
    stubs.d1.failAll(CHAT, { ...UNAVAILABLE, status: 429, headers: { 'retry-after': '10' } });
    const cooledAt = Date.now();
    expect((await askFails(B, 'g')).status).toBe(429);
    stubs.d1.clearFailures();
    expect((await admin(A, '/strategy/stage', { strategy: 'least-busy', weight: 10 })).status).toBe(
      200,
    );
    await until('b1 open on B', circuitOn(B, 'b1'), (c) => c === 'open', 4000);
    await until(
      'd1 cooling on A',
      () => healthOf(A, 'd1'),
      (h) => !!h.cooldown_until,
      4000,
    );

    const C = await startReplica();
    // No polling: a replica reads the shared state before it serves. The breaker may have
    // half-opened while C started (5 s); without the shared state it would be closed.
    expect(['open', 'half_open']).toContain((await healthOf(C, 'b1')).circuit);
    const cooledUntil = Date.parse((await healthOf(C, 'd1')).cooldown_until ?? '');
    expect(cooledUntil).toBeGreaterThan(cooledAt + 9500); // Retry-After over cooldown_time 6
    const canary = (await get<Status>(C, '/strategy/status')).strategies;
    expect(canary.find((s) => s.name === 'least-busy')).toMatchObject({
      state: 'staged',
      weight: 10,
    });
    expect(await deploymentOf(C, 'g')).toBe('d2');

    const weights = { weights: { 'cost-based-routing': 100 } };
    expect((await admin(C, '/strategy/weights', weights)).status).toBe(200);
    for (const i of [A, B]) {
      await until(
        `canary dropped on ${i}`,
        () => get<Status>(i, '/strategy/status'),
        (s) => s.strategies.every((x) => x.name === 'cost-based-routing' || x.weight === 0),
        5000,
      );
    }

    // Half-open everywhere; one failing trial through C opens it again on A and B.
    await until('b1 half-open on C', circuitOn(C, 'b1'), (c) => c === 'half_open', 10_000);
    stubs.b1.failAll(CHAT, UNAVAILABLE);
    expect((await askFails(C, 'b')).status).toBeGreaterThanOrEqual(500);
    stubs.b1.clearFailures();
    for (const i of [A, B])
      await until(`b1 reopened on ${i}`, circuitOn(i, 'b1'), (c) => c === 'open', 4000);
    expect(await deploymentOf(A, 'b')).toBe('b2');

    await until('b1 half-open on B', circuitOn(B, 'b1'), (c) => c === 'half_open', 10_000);
    for (const i of [B, A]) expect(await deploymentOf(i, 'b')).toBe('b1');
    for (const i of [A, B, C])
      await until(`b1 closed on ${i}`, circuitOn(i, 'b1'), (c) => c === 'closed', 4000);

    replicas[C]!.proc.child.kill('SIGTERM');
    expect(await replicas[C]!.proc.exited).toBe(0);
  }, 60_000); // a process start and two breaker recoveries

  it('a reload through A makes B re-read the config file and act on it', async () => {
    expect((await get<Info>(B, '/router/info')).num_retries).toBe(0);
    writeFileSync(join(dir, 'config.yaml'), configYaml(bases, 1, true));
    expect((await admin(A, '/router/reload', {})).status).toBe(200);
    expect((await get<Info>(A, '/router/info')).num_retries).toBe(1);
    await replicas[B]!.proc.waitFor(/router reloaded at the request of another replica/, 3000);
    const info = await get<Info>(B, '/router/info');
    expect(info.num_retries).toBe(1);
    expect(info.model_groups.map((g) => g.model_name)).toContain('late');
    expect(await deploymentOf(B, 'late')).toBe('late-mock');
    expect(replicas[A]!.proc.output()).not.toMatch(/reloaded at the request of another replica/);

    // num_retries 1 on B: a failure of b1 is retried on b2 instead of reaching the client.
    stubs.b1.failAll(CHAT, UNAVAILABLE);
    const b1Calls = stubs.b1.count(CHAT);
    expect(await deploymentOf(B, 'b')).toBe('b2');
    stubs.b1.clearFailures();
    expect(stubs.b1.count(CHAT)).toBe(b1Calls + 1);
  });

  it('both replicas stop cleanly on SIGTERM', async () => {
    for (const i of [A, B])
      expect((await ready(i)).info.router).toEqual({ status: 'up', state: 'ok' });
    for (const i of [A, B]) replicas[i]!.proc.child.kill('SIGTERM');
    expect(await Promise.all([A, B].map((i) => replicas[i]!.proc.exited))).toEqual([0, 0]);
  });
});
