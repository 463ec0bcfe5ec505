import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpStubServer } from '../support/mcp-stub.server';
import { OpenAiStubServer } from '../support/openai-stub.server';
import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '../support/services';
import { HaCluster } from './ha-cluster';
import {
  freePort,
  HA_ADMIN_KEY,
  HA_MASTER_KEY,
  startNginx,
  startRedis,
  waitUntil,
  type GroupProcess,
} from './ha-stack';
import { startLoad, type LoadResult } from './load-loop';

// The HA stack as real processes on loopback: a private Redis, a fresh Postgres database, a stub
// OpenAI upstream, three gateways electing a leader, and nginx (config/nginx.local.conf) in front.
// Needs `npm run build` first. Tests run in order and share the cluster.
const LEASE_SECONDS = 3;
const REPLICAS = 3;
const CONCURRENCY = 8;

const figures: Record<string, number> = {};

describe('HA cluster: 3 gateways, leader election, nginx', () => {
  let dir: string;
  let stub: OpenAiStubServer;
  const mcp = new McpStubServer({ name: 'tools' });
  let database: TestDatabase | undefined;
  let redis: GroupProcess | undefined;
  let nginx: GroupProcess | undefined;
  let cluster: HaCluster;
  let redisPort: number;
  let nginxUrl: string;

  const admin = async (i: number, path: string, body: Record<string, unknown>) => {
    const res = await fetch(`${cluster.url(i)}${path}`, {
      method: 'POST',
      headers: { 'x-admin-api-key': HA_ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const chat = async (base: string, key: string): Promise<number> => {
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.arrayBuffer();
    return res.status;
  };
  const leader = (timeoutMs = 15_000) =>
    waitUntil(
      'one agreed leader',
      async () => (await cluster.agreedLeader()) !== undefined,
      timeoutMs,
    );
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const rate = (r: LoadResult) => (r.total === 0 ? 1 : r.failed / r.total);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-ha-'));
    stub = new OpenAiStubServer();
    const apiBase = await stub.start();
    await mcp.start();
    database = await createTestDatabase();
    redisPort = await freePort();
    redis = await startRedis(redisPort, dir);
    const configPath = join(dir, 'config.yaml');
    writeFileSync(
      configPath,
      `model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/m\n      api_base: ${apiBase}\n      api_key: sk-upstream\n`,
    );
    const ports = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
    cluster = new HaCluster(
      {
        dir,
        configPath,
        databaseUrl: database.url,
        redisUrl: `redis://127.0.0.1:${redisPort}`,
        redisPrefix: uniqueRedisPrefix(),
        leaseSeconds: LEASE_SECONDS,
        env: {
          MCP_GATEWAY_ENABLED: 'true',
          LLMROUTER_ENABLE_MCP_TOOL_INVOCATION: 'true',
          LLMROUTER_OUTBOUND_URL_ALLOWLIST: mcp.origin,
        },
      },
      ports,
    );
    // One at a time: the first applies the migrations.
    for (let i = 0; i < REPLICAS; i++) await cluster.start(i);
    const nginxPort = await freePort();
    nginx = await startNginx(dir, nginxPort, ports);
    nginxUrl = `http://127.0.0.1:${nginxPort}`;
  }, 120_000);

  afterAll(async () => {
    // Every process, whatever failed: gateways, nginx's and Redis's process groups, the stub.
    await cluster?.stopAll();
    await nginx?.stop();
    await redis?.stop();
    await stub?.stop();
    await mcp.stop();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    // One line, outside jest's console decoration, for CI logs and docs/high-availability.md.
    process.stdout.write(`HA_FIGURES ${JSON.stringify(figures)}\n`);
  });

  it('elects exactly one leader that every replica agrees on', async () => {
    await leader();
    const statuses = await Promise.all(cluster.live().map((i) => cluster.status(i)));
    expect(statuses.filter((s) => s.role === 'leader')).toHaveLength(1);
    expect(statuses.filter((s) => s.role === 'follower')).toHaveLength(REPLICAS - 1);
    expect(new Set(statuses.map((s) => s.instance_id)).size).toBe(REPLICAS);
    for (const s of statuses) expect(s).toMatchObject({ ha_mode: 'leader_election', redis: 'on' });
  });

  it('a key blocked through replica A is refused by replica B within 1 s', async () => {
    const created = await admin(0, '/key/generate', { key_alias: 'ha-propagation' });
    const key = created.body.key as string;
    expect(await chat(cluster.url(1), key)).toBe(200); // now cached on B
    const blockedAt = Date.now();
    expect((await admin(0, '/key/block', { key })).status).toBe(200);
    const ms = await waitUntil(
      'the block on B',
      async () => (await chat(cluster.url(1), key)) === 401,
      5000,
    );
    figures.propagation_ms = Date.now() - blockedAt;
    expect(ms).toBeLessThan(1000);
    expect(figures.propagation_ms).toBeLessThan(1000);
  });

  it("counts a key's rpm_limit once across replicas", async () => {
    // The window is the UTC minute: do not straddle its turn.
    const toNextMinute = 60_000 - (Date.now() % 60_000);
    if (toNextMinute < 5000) await sleep(toNextMinute + 200);
    const { body } = await admin(1, '/key/generate', { rpm_limit: 6 });
    const key = body.key as string;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push(await chat(cluster.url(i % REPLICAS), key));
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.slice(6)).toEqual(Array(6).fill(429));
  });

  it('serves one MCP session through nginx, whichever replica each request reaches', async () => {
    const registered = await admin(0, '/llmrouter/mcp/servers', {
      server_id: 'tools',
      url: mcp.url,
      transport: 'streamable_http',
    });
    expect(registered.status).toBe(201);
    const transport = new StreamableHTTPClientTransport(new URL(`${nginxUrl}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${HA_MASTER_KEY}` } },
    });
    const client = new Client({ name: 'ha-suite', version: '1.0.0' });
    try {
      await client.connect(transport);
      const sessionId = transport.sessionId;
      // The registration reaches every replica over the bus; the session may be on any of them.
      await waitUntil('the tools on the session', async () => {
        const { tools } = await client.listTools();
        return tools.some((tool) => tool.name === 'tools.add');
      });
      const before = mcp.received('tools/call').length;
      for (let i = 0; i < 6; i++) {
        const result = await client.callTool({ name: 'tools.add', arguments: { a: i, b: 1 } });
        expect(result.structuredContent).toEqual({ sum: i + 1 });
      }
      expect(mcp.received('tools/call').length - before).toBe(6);
      expect(transport.sessionId).toBe(sessionId);
    } finally {
      await client.close();
    }
    // nginx spread the session's requests over more than one replica (its access log says where).
    const upstreams = new Set(
      readFileSync(join(dir, 'access.log'), 'utf8')
        .split('\n')
        .filter((line) => line.includes('"POST /mcp '))
        .map((line) => /upstream=(\S+)/.exec(line)?.[1]),
    );
    expect(upstreams.size).toBeGreaterThan(1);
  });

  it('loses at most one request in a thousand through nginx while a replica is SIGTERMed and restarted', async () => {
    const load = startLoad(nginxUrl, HA_MASTER_KEY, 'm', CONCURRENCY);
    await sleep(1000);
    expect(await cluster.terminate(1)).toBe(0);
    await sleep(500);
    await cluster.start(1);
    await sleep(1500);
    const result = await load.stop();
    figures.sigterm_requests = result.total;
    figures.sigterm_failed = result.failed;
    expect(result.total).toBeGreaterThan(100);
    // The drain never resets a keep-alive connection nginx may be writing a POST into
    // (libs/health/src/drain.service.ts). What is left: a connection the kernel completed in the
    // microseconds before the listener closed is reset with it, and nginx does not resend a POST
    // it wrote (one request in a few thousand, in some runs). Nothing else may fail.
    for (const failure of result.failures) expect(failure).toMatch(/^503 .*service_unavailable/);
    expect(result.failed).toBeLessThanOrEqual(Math.floor(result.total / 1000));
  }, 60_000);

  it('fails under 1% of requests when a replica is killed -9 under load', async () => {
    const victim = ((await cluster.agreedLeader()) ?? 0) === 2 ? 1 : 2;
    const load = startLoad(nginxUrl, HA_MASTER_KEY, 'm', CONCURRENCY);
    await sleep(1000);
    await cluster.kill(victim);
    await sleep(2000);
    const result = await load.stop();
    figures.kill_requests = result.total;
    figures.kill_failed = result.failed;
    figures.kill_error_rate = Number(rate(result).toFixed(5));
    // Only requests in flight on the killed replica may fail: nginx answers them 503.
    for (const failure of result.failures) expect(failure).toMatch(/^503 .*service_unavailable/);
    expect(result.total).toBeGreaterThan(100);
    expect(rate(result)).toBeLessThan(0.01);
    await cluster.start(victim);
  }, 60_000);

  it('elects a new leader within one lease after the leader is killed -9', async () => {
    await leader();
    const old = (await cluster.agreedLeader())!;
    const oldId = (await cluster.status(old)).instance_id;
    const killedAt = Date.now();
    await cluster.kill(old);
    await waitUntil(
      'a new leader',
      async () => {
        const next = await cluster.agreedLeader();
        return next !== undefined && (await cluster.status(next)).instance_id !== oldId;
      },
      10_000,
    );
    figures.failover_ms = Date.now() - killedAt;
    figures.lease_ms = LEASE_SECONDS * 1000;
    // One lease after the last renewal (itself before the kill), plus the time to poll three
    // status endpoints every 25 ms.
    expect(figures.failover_ms).toBeLessThanOrEqual(LEASE_SECONDS * 1000 + 500);
    await cluster.start(old);
    await leader();
  }, 60_000);

  it('serves while Redis is down (keys with limits refused), then reconnects and re-elects', async () => {
    const limited = (await admin(0, '/key/generate', { rpm_limit: 1000 })).body.key as string;
    for (const i of cluster.live()) expect(await chat(cluster.url(i), limited)).toBe(200);
    await redis!.kill();
    const downAt = Date.now();
    // While Redis is down: requests that need no shared counter are served; a key with limits
    // is refused (its quota cannot be counted across replicas: fail closed), never let through.
    for (const i of cluster.live()) expect(await chat(cluster.url(i), HA_MASTER_KEY)).toBe(200);
    for (const i of cluster.live()) {
      const res = await fetch(`${cluster.url(i)}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${limited}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'quota_storage_unavailable',
      );
    }
    await sleep(1000);
    redis = await startRedis(redisPort, dir);
    await leader(20_000);
    // From Redis going down (1 s outage) to every replica agreeing on a new leader.
    figures.redis_reelect_ms = Date.now() - downAt;
    for (const i of cluster.live()) {
      expect((await cluster.status(i)).redis).toBe('on');
      expect(await chat(cluster.url(i), HA_MASTER_KEY)).toBe(200);
    }
    const load = startLoad(nginxUrl, HA_MASTER_KEY, 'm', CONCURRENCY);
    await sleep(500);
    expect((await load.stop()).failures).toEqual([]);
  }, 60_000);
});
