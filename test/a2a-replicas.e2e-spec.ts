import { TaskState, type Task } from '@a2a-js/sdk';
import { TaskNotFoundError } from '@a2a-js/sdk/errors';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  a2aRest,
  register,
  sdkClient,
  userMessage,
  type A2aRest,
  type Reply,
} from './fixtures/a2a.fixtures';
import { expectError } from './fixtures/mcp-rest.fixtures';
import { A2aAgentServer } from './support/a2a-agent.server';
import {
  freePort,
  TEST_ADMIN_KEY,
  TEST_MASTER_KEY,
  type TestGateway,
} from './support/gateway-harness';
import { spawnGateway, type GatewayProcess } from './support/gateway-process';
import {
  createTestDatabase,
  TEST_REDIS_URL,
  uniqueRedisPrefix,
  type TestDatabase,
} from './support/services';

// Two real gateway processes sharing one Postgres and one Redis: an A2A agent registered or
// removed on one is seen by the other, and a task created through one is served (to its owner
// only) by the other, since task ownership lives in Redis; a ListTasks page token made by one
// goes on on the other (both seal tokens under LITELLM_MASTER_KEY). Postgres + Redis stack only.
const YAML = 'model_list:\n  - model_name: demo\n    litellm_params:\n      model: mock/demo\n';
/** How long a change on one replica may take to show on the other. */
const PROPAGATION_MS = 2000;
const AGENT_ID = 'echo-agent';
const CARD_PATH = `/a2a/${AGENT_ID}/.well-known/agent-card.json`;
const LIST_PAGE = {
  tenant: '',
  contextId: '',
  status: TaskState.TASK_STATE_UNSPECIFIED,
  pageToken: '',
  historyLength: undefined,
  statusTimestampAfter: undefined,
  includeArtifacts: false,
};

/** Polls `probe` until `done` holds or `limitMs` passed; returns the last value seen. */
async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  limitMs = PROPAGATION_MS,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const agentIds = (res: Reply): string[] =>
  ((res.body.agents as Array<{ agent_id: string }> | undefined) ?? []).map((a) => a.agent_id);

describe('A2A across two replicas sharing Postgres and Redis', () => {
  const agent = new A2aAgentServer({ name: 'Echo Agent' });
  let dir: string;
  let database: TestDatabase;
  const replicas: Array<{ proc: GatewayProcess; url: string; rest: A2aRest }> = [];
  const url = (i: number): string => replicas[i]!.url;
  const rest = (i: number): A2aRest => replicas[i]!.rest;
  const base = (i: number): string => `${url(i)}/a2a/${AGENT_ID}`;

  beforeAll(async () => {
    await agent.start();
    dir = mkdtempSync(join(tmpdir(), 'routeiq-a2a-replicas-'));
    database = await createTestDatabase();
    const prefix = uniqueRedisPrefix();
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
          A2A_GATEWAY_ENABLED: 'true',
          LLMROUTER_OUTBOUND_URL_ALLOWLIST: `${agent.origin}/`,
          LITELLM_LOG: 'info',
          LITELLM_CONFIG_PATH: undefined,
          CONFIG_FILE_PATH: undefined,
        },
      );
      const replicaUrl = `http://127.0.0.1:${port}`;
      // a2aRest reads only the gateway's URL.
      const replicaRest = a2aRest({ url: replicaUrl } as TestGateway);
      replicas.push({ proc, url: replicaUrl, rest: replicaRest });
      // One at a time: the second must find the migrations applied.
      await proc.waitFor(/listening on/);
    }
    // Every test uses the agent registered on replica A.
    expect(await register(rest(0), agent)).toMatchObject({ agent_id: AGENT_ID });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.proc.stop()));
    await agent.stop();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists on one replica an agent registered on the other, and serves its card', async () => {
    const list = await eventually(
      () => rest(1).as()('GET', '/a2a/agents'),
      (res) => agentIds(res).includes(AGENT_ID),
    );
    expect(list.status).toBe(200);
    expect(agentIds(list)).toEqual([AGENT_ID]);

    const card = await eventually(
      () => rest(1).as()('GET', CARD_PATH),
      (res) => res.status === 200,
    );
    expect(card.status).toBe(200);
    expect(card.body).toMatchObject({ name: 'Echo Agent' });
    const urls = (card.body.supportedInterfaces as Array<{ url: string }>).map((i) => i.url);
    expect(new Set(urls)).toEqual(new Set([base(1)]));
    expect(JSON.stringify(card.body)).not.toContain(agent.origin);
  });

  it('serves through one replica a task created through the other, to its owner only', async () => {
    await eventually(
      () => rest(1).as()('GET', CARD_PATH),
      (res) => res.status === 200,
    );
    const otherKey = await rest(0).generate();
    const onA = await sdkClient(base(0));
    const task = (await onA.sendMessage(userMessage('slow', { returnImmediately: true }))) as Task;
    expect(task.id).toEqual(expect.any(String));
    try {
      const onB = await sdkClient(base(1));
      const got = await onB.getTask({ tenant: '', id: task.id });
      expect(got.id).toBe(task.id);
      expect(got.status?.state).toBe(TaskState.TASK_STATE_WORKING);

      const otherOnB = await sdkClient(base(1), otherKey);
      await expect(otherOnB.getTask({ tenant: '', id: task.id })).rejects.toBeInstanceOf(
        TaskNotFoundError,
      );
      const raw = await rest(1).as(otherKey)('POST', `/a2a/${AGENT_ID}`, {
        jsonrpc: '2.0',
        id: 7,
        method: 'GetTask',
        params: { id: task.id },
      });
      expect(raw.body).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32001 } });
    } finally {
      // The agent would keep the slow task running for a minute.
      await onA.cancelTask({ tenant: '', id: task.id, metadata: undefined });
    }
    expect(agent.tasks.cancelled.has(task.id)).toBe(true);
  });

  it('continues on one replica a ListTasks page token made by the other, for its key only', async () => {
    await eventually(
      () => rest(1).as()('GET', CARD_PATH),
      (res) => res.status === 200,
    );
    const [key, otherKey] = [await rest(0).generate(), await rest(0).generate()];
    const onA = await sdkClient(base(0), key);
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      created.push(((await onA.sendMessage(userMessage('stream 1'))) as Task).id);
    }
    const list = { ...LIST_PAGE, pageSize: 2 };

    const first = await onA.listTasks(list);
    expect(first.tasks).toHaveLength(2);
    expect(first.nextPageToken).not.toBe('');
    const onB = await sdkClient(base(1), key);
    const second = await onB.listTasks({ ...list, pageToken: first.nextPageToken });
    const seen = [...first.tasks, ...second.tasks].map((task) => task.id);
    expect(second.nextPageToken).toBe('');
    expect([...seen].sort()).toEqual([...created].sort());

    const foreign = await rest(1).as(otherKey)('POST', `/a2a/${AGENT_ID}`, {
      jsonrpc: '2.0',
      id: 8,
      method: 'ListTasks',
      params: { pageSize: 2, pageToken: first.nextPageToken },
    });
    expect(foreign.body).toMatchObject({ jsonrpc: '2.0', id: 8, error: { code: -32602 } });
  });

  it('forgets on one replica an agent deleted on the other', async () => {
    expect((await rest(0).as()('GET', CARD_PATH)).status).toBe(200);
    await eventually(
      () => rest(1).as()('GET', CARD_PATH),
      (res) => res.status === 200,
    );
    const deleted = await rest(1).admin('DELETE', `/a2a/agents/${AGENT_ID}`);
    expect([200, 204]).toContain(deleted.status);

    const gone = await eventually(
      () => rest(0).as()('GET', CARD_PATH),
      (res) => res.status === 404,
    );
    expectError(gone, 404, 'a2a_agent_not_found');
    expect(agentIds(await rest(0).as()('GET', '/a2a/agents'))).toEqual([]);
  });
});
