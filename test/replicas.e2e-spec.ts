import Redis from 'ioredis';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, userHeaders, type ErrorEnvelope } from './support/http';
import { freePort, TEST_ADMIN_KEY, TEST_MASTER_KEY } from './support/gateway-harness';
import { spawnGateway, type GatewayProcess } from './support/gateway-process';
import {
  createTestDatabase,
  TEST_REDIS_URL,
  uniqueRedisPrefix,
  type TestDatabase,
} from './support/services';

// Two real gateway processes sharing one Postgres and one Redis: what one replica changes or
// counts, the other sees. Runs on the Postgres + Redis stack only (the embedded default is a
// single node by definition).
const YAML = [
  'model_list:',
  '  - model_name: demo',
  '    litellm_params:',
  '      model: mock/demo',
  '    model_info:',
  '      input_cost_per_token: 0.000001',
  '      output_cost_per_token: 0.000001',
  '',
].join('\n');
const QUOTA_RULES = JSON.stringify([
  { metric: 'requests', window: 'hour', limit: 20, subject: 'user', id: 'u-burst' },
  { metric: 'total_tokens', window: 'hour', limit: 1_000_000, subject: 'user', id: 'u-reconcile' },
]);

type Body = Record<string, unknown>;

describe('Two replicas sharing Postgres and Redis', () => {
  let dir: string;
  let database: TestDatabase;
  let prefix: string;
  let redis: Redis;
  const replicas: Array<{ proc: GatewayProcess; url: string }> = [];

  const admin = (url: string, path: string, body?: Body) =>
    call<Body & ErrorEnvelope>(`${url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-admin-api-key': TEST_ADMIN_KEY, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const chat = (url: string, key: string, extra: Body = {}) =>
    call<Body & ErrorEnvelope>(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: userHeaders(key),
      body: JSON.stringify({
        model: 'demo',
        messages: [{ role: 'user', content: 'hi' }],
        ...extra,
      }),
    });
  const url = (i: number): string => replicas[i]!.url;

  beforeAll(async () => {
    // Counters are per UTC hour: do not start within seconds of the hour turning.
    const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
    if (toNextHour < 20_000) await new Promise((resolve) => setTimeout(resolve, toNextHour + 500));
    dir = mkdtempSync(join(tmpdir(), 'routeiq-replicas-'));
    database = await createTestDatabase();
    prefix = uniqueRedisPrefix();
    redis = new Redis(TEST_REDIS_URL);
    writeFileSync(join(dir, 'config.yaml'), YAML);
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const proc = spawnGateway(
        ['--config', join(dir, 'config.yaml'), '--port', String(port), '--host', '127.0.0.1'],
        {
          DATABASE_URL: database.url,
          REDIS_URL: TEST_REDIS_URL,
          REDIS_KEY_PREFIX: prefix,
          ROUTEIQ_DATA_DIR: join(dir, `data-${i}`),
          LITELLM_MASTER_KEY: TEST_MASTER_KEY,
          ADMIN_API_KEYS: TEST_ADMIN_KEY,
          ROUTEIQ_QUOTA_LIMITS_JSON: QUOTA_RULES,
          LITELLM_LOG: 'info',
          LITELLM_CONFIG_PATH: undefined,
          CONFIG_FILE_PATH: undefined,
        },
      );
      replicas.push({ proc, url: `http://127.0.0.1:${port}` });
      // One at a time: the second must find the migrations applied.
      await proc.waitFor(/listening on/);
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.proc.stop()));
    await redis?.quit();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a key revoked on one replica stops working on the other at once, not after the cache TTL', async () => {
    const created = await admin(url(0), '/key/generate', { key_alias: 'revoke-me' });
    const key = created.body.key as string;
    expect((await chat(url(1), key)).status).toBe(200); // now cached on replica 1

    const revokedAt = Date.now();
    expect((await admin(url(0), '/key/delete', { keys: [key] })).status).toBe(200);
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 10_000) {
      status = (await chat(url(1), key)).status;
    }
    expect(status).toBe(401);
    // Told over the bus: without it replica 1 would trust its cached key for 60 s. The bound is
    // that, not a latency target (a busy machine can take a second or more).
    expect(Date.now() - revokedAt).toBeLessThan(10_000);

    const blocked = await admin(url(1), '/key/generate', {});
    const second = blocked.body.key as string;
    expect((await chat(url(0), second)).status).toBe(200);
    await admin(url(1), '/key/block', { key: second });
    const seen = await chat(url(0), second);
    expect(seen.status).toBe(401);
    expect(seen.body.error.code).toBe('key_blocked');
  });

  it('never admits more than the limit when many requests race across both replicas', async () => {
    const { body } = await admin(url(0), '/key/generate', { user_id: 'u-burst' });
    const key = body.key as string;
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => chat(url(i % 2), key)));
    // Every request is either served or refused by the quota (anything else would name itself).
    const other = results.filter((r) => r.status !== 200 && r.status !== 429);
    expect(other.map((r) => [r.status, r.body.error?.code])).toEqual([]);
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    expect(ok).toHaveLength(20);
    expect(refused).toHaveLength(40);
    for (const res of refused) {
      expect(res.body.error.code).toBe('quota_exceeded');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(ok[0]!.headers.get('x-ratelimit-limit-requests')).toBe('20');
  });

  it('reconciles reserved tokens to the actual usage', async () => {
    const { body } = await admin(url(1), '/key/generate', { user_id: 'u-reconcile' });
    const key = body.key as string;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => chat(url(i % 2), key, { max_tokens: 500 })),
    );
    const actual = results.reduce(
      (sum, r) => sum + ((r.body.usage as { total_tokens: number }).total_tokens ?? 0),
      0,
    );
    expect(actual).toBeGreaterThan(0);
    const [counter] = await redis.keys(`${prefix}quota:user:u-reconcile:total_tokens:hour:*`);
    expect(counter).toBeDefined();
    // Settling happens after the answer: poll briefly.
    let value = -1;
    for (let i = 0; i < 40 && value !== actual; i++) {
      value = Number(await redis.get(counter!));
      if (value !== actual) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(value).toBe(actual);
  });

  it('enforces a key budget across replicas, persists spend, and resets it with the period', async () => {
    const { body } = await admin(url(0), '/key/generate', {
      max_budget: 0.0001,
      budget_duration: '4s',
    });
    const key = body.key as string;
    const resetAt = Date.parse(body.budget_reset_at as string);
    expect(resetAt).toBeGreaterThan(Date.now());
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      statuses.push((await chat(url(i % 2), key, { max_tokens: 5 })).status);
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
    // Spend reaches the database in batches (about a second).
    let spend = 0;
    for (let i = 0; i < 30 && spend === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const info = (await admin(url(1), `/key/info?key=${key}`)).body.info as Body;
      spend = info.spend as number;
    }
    expect(spend).toBeGreaterThan(0);
    expect(spend).toBeLessThanOrEqual(0.0001);
    // Refused until the period ends, served again from then on.
    let status = 429;
    while (status === 429 && Date.now() < resetAt + 5000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await chat(url(1), key, { max_tokens: 5 })).status;
    }
    expect(status).toBe(200);
    expect(Date.now()).toBeGreaterThanOrEqual(resetAt);
  });
});
