import { TaskState, type Message, type Task } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { TaskNotFoundError } from '@a2a-js/sdk/errors';
import {
  a2aRest,
  a2aRestAt,
  collectEvents,
  jsonRpc,
  lastBody,
  legacyTransport,
  register,
  sdkClient,
  sseResults,
  startA2aGatewayFor,
  textOf,
  userMessage,
  v03Message,
  v1Message,
  wireResponse,
  type A2aRest,
  type Reply,
  type WireExchange,
} from './fixtures/a2a.fixtures';
import { expectError } from './fixtures/mcp-rest.fixtures';
import {
  clientTrace,
  inTrace,
  named,
  only,
  startTracedGateway,
  TRACED_ENV,
  type TracedGateway,
} from './fixtures/observability.fixtures';
import { pollAudit } from './fixtures/policy-audit.fixtures';
import { deployment, startStubs, stopStubs, type Stubs } from './fixtures/routing.fixtures';
import { A2aAgentServer } from './support/a2a-agent.server';
import { TEST_ADMIN_KEY, TEST_MASTER_KEY, type TestGateway } from './support/gateway-harness';
import { STUB_TEXT } from './support/openai-chat.stub';
import type { ReceivedSpan } from './support/otlp-receiver';

// What the A2A gateway does beyond a 1.0 client's send/stream/get/cancel (test/a2a.e2e-spec.ts):
// a 0.3 client (the official SDK's 0.3 transport, or raw JSON-RPC) against a 1.0 agent,
// push-notification configs and their callback URL guard, ListTasks scoped to the caller's key
// (paged over the agent's pages, with the gateway's own page tokens),
// the capability filter, the seed's delete alias, and (with the gateway as a traced process) one
// trace from the A2A caller through the agent to the LLM call the agent makes through the gateway.

const PUSH = 'push-agent';
const LEGACY = 'legacy-push-agent';
const PAGER = 'pager-agent';
const BLOCKED_CALLBACKS = [
  'http://169.254.169.254/latest/meta-data/',
  'http://10.1.2.3/hook',
  'http://127.0.0.1:1/hook',
];
const LIST_ALL = {
  tenant: '',
  contextId: '',
  status: TaskState.TASK_STATE_UNSPECIFIED,
  pageSize: 100,
  pageToken: '',
  historyLength: undefined,
  statusTimestampAfter: undefined,
  includeArtifacts: false,
};

const pushRef = (taskId: string, id = '') => ({ tenant: '', taskId, id });
const pushList = (taskId: string) => ({ tenant: '', taskId, pageSize: 0, pageToken: '' });

describe('A2A protocol through the gateway', () => {
  const modes = ['text/plain', 'application/pdf', 'image/png'];
  const push = new A2aAgentServer({
    name: 'Push Agent',
    pushNotifications: true,
    inputModes: modes,
    chunkDelayMs: 20,
    skills: [
      { id: 'echo', name: 'Echo', tags: ['echo'] },
      { id: 'plan-trip', name: 'Plan a trip', tags: ['planning', 'travel'] },
    ],
  });
  const legacy = new A2aAgentServer({
    name: 'Legacy Push Agent',
    protocol: '0.3',
    pushNotifications: true,
    chunkDelayMs: 20,
    skills: [{ id: 'summarize', name: 'Summarize', tags: ['text'] }],
  });
  // Holds only the tasks of the ListTasks paging test: its listing is known exactly.
  const pager = new A2aAgentServer({ name: 'Pager Agent', chunkDelayMs: 2 });
  let gw: TestGateway;
  let rest: A2aRest;
  const endpoint = (agentId: string): string => `${gw.url}/a2a/${agentId}`;
  const client = (agentId: string, key?: string): Promise<Client> =>
    sdkClient(endpoint(agentId), key);
  /** A finished task created through the gateway with `key` (its owner). */
  const ownedTask = async (agentId = PUSH, key?: string): Promise<Task> =>
    (await (await client(agentId, key)).sendMessage(userMessage('stream 1'))) as Task;

  beforeAll(async () => {
    // The SDK's push sender logs every delivery with console.info.
    jest.spyOn(console, 'info').mockImplementation(() => undefined);
    await Promise.all([push.start(), legacy.start(), pager.start()]);
    gw = await startA2aGatewayFor([push, legacy, pager]);
    rest = a2aRest(gw);
    await register(rest, push);
    await register(rest, legacy);
    await register(rest, pager);
  });
  afterAll(async () => {
    await gw?.close();
    await Promise.all([push.stop(), legacy.stop(), pager.stop()]);
    jest.restoreAllMocks();
  });

  it('translates a 0.3 client to a 1.0 agent: method names, roles, task states, both ways', async () => {
    const wire: WireExchange[] = [];
    const old = legacyTransport(endpoint(PUSH), wire);
    const reply = (await old.sendMessage(userMessage('bonjour'))) as Message;
    expect(textOf(reply)).toBe('echo: bonjour');
    expect(wire[0]!.request).toMatchObject({
      method: 'message/send',
      params: { message: { kind: 'message', role: 'user', parts: [{ kind: 'text' }] } },
    });
    expect(wire[0]!.headers.get('a2a-version')).toBeNull();
    expect((await wireResponse(wire[0])).result).toMatchObject({
      kind: 'message',
      role: 'agent',
      parts: [{ kind: 'text', text: 'echo: bonjour' }],
    });
    // The agent was spoken to in 1.0: its method, its header, its enums, untagged parts.
    expect(push.lastHeaders('SendMessage')?.['a2a-version']).toBe('1.0');
    const upstream = lastBody(push, 'SendMessage');
    expect(upstream?.params).toMatchObject({
      message: { role: 'ROLE_USER', parts: [{ text: 'bonjour' }] },
    });
    expect(JSON.stringify(upstream)).not.toContain('"kind"');

    const task = (await old.sendMessage(userMessage('stream 2'))) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect((await wireResponse(wire.at(-1))).result).toMatchObject({
      kind: 'task',
      id: task.id,
      status: { state: 'completed' },
      artifacts: [
        {
          parts: [
            { kind: 'text', text: 'chunk-1' },
            { kind: 'text', text: 'chunk-2' },
          ],
        },
      ],
    });

    const got = await old.getTask({ tenant: '', id: task.id, historyLength: undefined });
    expect(got.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(wire.at(-1)!.request).toMatchObject({ method: 'tasks/get', params: { id: task.id } });
    expect((await wireResponse(wire.at(-1))).result).toMatchObject({
      kind: 'task',
      status: { state: 'completed' },
    });
    expect(lastBody(push, 'GetTask')?.params).toMatchObject({ id: task.id });
  });

  it('translates 0.3 `blocking: false` and `tasks/cancel` for a 1.0 agent', async () => {
    const wire: WireExchange[] = [];
    const old = legacyTransport(endpoint(PUSH), wire);
    const running = (await old.sendMessage(
      userMessage('slow', { returnImmediately: true }),
    )) as Task;
    expect(wire[0]!.request).toMatchObject({ params: { configuration: { blocking: false } } });
    expect(lastBody(push, 'SendMessage')?.params).toMatchObject({
      configuration: { returnImmediately: true },
    });
    expect((await wireResponse(wire[0])).result).toMatchObject({
      kind: 'task',
      status: { state: expect.stringMatching(/^(submitted|working)$/) },
    });

    const cancelled = await old.cancelTask({ tenant: '', id: running.id, metadata: undefined });
    expect(cancelled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect(wire.at(-1)!.request).toMatchObject({ method: 'tasks/cancel' });
    expect((await wireResponse(wire.at(-1))).result).toMatchObject({
      kind: 'task',
      status: { state: 'canceled' },
    });
    expect(push.tasks.cancelled.has(running.id)).toBe(true);
  });

  it('streams a 1.0 agent to a 0.3 client, every event translated', async () => {
    const wire: WireExchange[] = [];
    const old = legacyTransport(endpoint(PUSH), wire);
    const events = await collectEvents(old.sendMessageStream(userMessage('stream 3')));
    expect(events.filter((e) => e.payload?.$case === 'artifactUpdate').map(textOf)).toEqual([
      'chunk-1',
      'chunk-2',
      'chunk-3',
    ]);
    expect(wire[0]!.request).toMatchObject({ method: 'message/stream' });
    expect(push.lastHeaders('SendStreamingMessage')?.['a2a-version']).toBe('1.0');

    const results = sseResults(await wire[0]!.response);
    expect(results.map((r) => r.kind)).toEqual([
      'task',
      'status-update',
      'artifact-update',
      'artifact-update',
      'artifact-update',
      'status-update',
    ]);
    expect(results[0]).toMatchObject({ kind: 'task', status: { state: 'submitted' } });
    const statuses = results.filter((r) => r.kind === 'status-update');
    expect(statuses).toMatchObject([
      { status: { state: 'working' }, final: false },
      { status: { state: 'completed' }, final: true },
    ]);
    const artifacts = results.filter((r) => r.kind === 'artifact-update');
    expect(artifacts.map((r) => r.artifact)).toMatchObject(
      [1, 2, 3].map((n) => ({ parts: [{ kind: 'text', text: `chunk-${n}` }] })),
    );
  });

  it('translates file and data parts from a 0.3 client to a 1.0 agent and back', async () => {
    const parts = [
      { kind: 'text', text: 'mirror' },
      { kind: 'file', file: { uri: 'https://example.com/a.pdf', mimeType: 'application/pdf' } },
      { kind: 'file', file: { bytes: 'aGVsbG8=', mimeType: 'image/png', name: 'hello.png' } },
      { kind: 'data', data: { city: 'Paris', nights: 2 } },
      // A non-object 1.0 value as 0.3 carries it: wrapped and flagged, as the SDK does.
      { kind: 'data', data: { value: 42 }, metadata: { data_part_compat: true } },
    ];
    const res = await jsonRpc(gw, PUSH, {
      method: 'message/send',
      params: { message: v03Message('mirror', parts) },
    });
    expect(res.status).toBe(200);
    expect(lastBody(push, 'SendMessage')?.params).toMatchObject({
      message: {
        parts: [
          { text: 'mirror' },
          { url: 'https://example.com/a.pdf', mediaType: 'application/pdf' },
          { raw: 'aGVsbG8=', mediaType: 'image/png', filename: 'hello.png' },
          { data: { city: 'Paris', nights: 2 } },
          { data: 42 },
        ],
      },
    });
    // The agent sends every part back as it got it: 1.0 shapes, translated again for the caller.
    expect(res.body.result).toMatchObject({ kind: 'message', role: 'agent', parts });
  });

  it('sets, gets, lists and deletes push configs with 1.0 names on the caller’s own task only', async () => {
    const owner = await client(PUSH);
    const task = await ownedTask();
    const config = {
      tenant: '',
      id: 'cfg-1',
      taskId: task.id,
      url: push.pushCallbackUrl,
      token: 'tok-1',
      authentication: undefined,
    };
    expect(await owner.createTaskPushNotificationConfig(config)).toMatchObject({
      id: 'cfg-1',
      taskId: task.id,
      url: push.pushCallbackUrl,
    });
    expect(await owner.getTaskPushNotificationConfig(pushRef(task.id, 'cfg-1'))).toMatchObject({
      url: push.pushCallbackUrl,
      token: 'tok-1',
    });
    const listed = await owner.listTaskPushNotificationConfig(pushList(task.id));
    expect(listed.configs.map((c) => c.id)).toEqual(['cfg-1']);

    const other = await client(PUSH, await rest.generate());
    const before = push.requests.length;
    const attempts = [
      () => other.createTaskPushNotificationConfig({ ...config, id: 'cfg-other' }),
      () => other.getTaskPushNotificationConfig(pushRef(task.id, 'cfg-1')),
      () => other.listTaskPushNotificationConfig(pushList(task.id)),
      () => other.deleteTaskPushNotificationConfig(pushRef(task.id, 'cfg-1')),
    ];
    for (const attempt of attempts) {
      await expect(attempt()).rejects.toBeInstanceOf(TaskNotFoundError);
    }
    expect(push.requests.length).toBe(before);

    await owner.deleteTaskPushNotificationConfig(pushRef(task.id, 'cfg-1'));
    expect((await owner.listTaskPushNotificationConfig(pushList(task.id))).configs).toEqual([]);
    expect(push.methods).toEqual(
      expect.arrayContaining([
        'CreateTaskPushNotificationConfig',
        'GetTaskPushNotificationConfig',
        'ListTaskPushNotificationConfigs',
        'DeleteTaskPushNotificationConfig',
      ]),
    );
  });

  it('hands an allowed callback URL of a send to the agent, which delivers task events to it', async () => {
    const send = userMessage('stream 1');
    const reply = (await (
      await client(PUSH)
    ).sendMessage({
      ...send,
      configuration: {
        acceptedOutputModes: [],
        returnImmediately: false,
        taskPushNotificationConfig: {
          ...pushRef(''),
          url: push.pushCallbackUrl,
          token: 'tok-send',
          authentication: undefined,
        },
      },
    })) as Task;
    await push.waitFor(() =>
      push.pushes.some((p) => JSON.stringify(p.body).includes('TASK_STATE_COMPLETED')),
    );
    const delivered = push.pushes.filter((p) => JSON.stringify(p.body).includes(reply.id));
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered[0]!.headers['x-a2a-notification-token']).toBe('tok-send');
  });

  it('sets, gets, lists and deletes push configs with 0.3 names, translated for a 1.0 agent', async () => {
    const task = await ownedTask();
    const wire: WireExchange[] = [];
    const old = legacyTransport(endpoint(PUSH), wire);
    const config = { ...pushRef(task.id, 'cfg-03'), url: push.pushCallbackUrl, token: 'tok-03' };
    await old.createTaskPushNotificationConfig({ ...config, authentication: undefined });
    expect(wire.at(-1)!.request).toMatchObject({
      method: 'tasks/pushNotificationConfig/set',
      params: { taskId: task.id, pushNotificationConfig: { id: 'cfg-03', url: config.url } },
    });
    const set = await wireResponse(wire.at(-1));
    expect(set.result).toMatchObject({
      taskId: task.id,
      pushNotificationConfig: { id: 'cfg-03', url: config.url, token: 'tok-03' },
    });
    expect(lastBody(push, 'CreateTaskPushNotificationConfig')?.params).toMatchObject({
      taskId: task.id,
      id: 'cfg-03',
      url: config.url,
    });

    const got = await old.getTaskPushNotificationConfig(pushRef(task.id, 'cfg-03'));
    expect(got).toMatchObject({ id: 'cfg-03', url: config.url });
    expect(wire.at(-1)!.request).toMatchObject({
      method: 'tasks/pushNotificationConfig/get',
      params: { id: task.id, pushNotificationConfigId: 'cfg-03' },
    });
    expect(lastBody(push, 'GetTaskPushNotificationConfig')?.params).toMatchObject({
      taskId: task.id,
      id: 'cfg-03',
    });
    await old.listTaskPushNotificationConfig(pushList(task.id));
    const listed = (await wireResponse(wire.at(-1))).result;
    expect(listed).toEqual([expect.objectContaining({ taskId: task.id })]);

    const stranger = legacyTransport(endpoint(PUSH), [], await rest.generate());
    const before = push.requests.length;
    for (const attempt of [
      () => stranger.createTaskPushNotificationConfig({ ...config, authentication: undefined }),
      () => stranger.getTaskPushNotificationConfig(pushRef(task.id, 'cfg-03')),
      () => stranger.listTaskPushNotificationConfig(pushList(task.id)),
      () => stranger.deleteTaskPushNotificationConfig(pushRef(task.id, 'cfg-03')),
    ]) {
      await expect(attempt()).rejects.toBeInstanceOf(TaskNotFoundError);
    }
    expect(push.requests.length).toBe(before);

    await old.deleteTaskPushNotificationConfig(pushRef(task.id, 'cfg-03'));
    expect(wire.at(-1)!.request).toMatchObject({ method: 'tasks/pushNotificationConfig/delete' });
    await old.listTaskPushNotificationConfig(pushList(task.id));
    expect((await wireResponse(wire.at(-1))).result).toEqual([]);
  });

  it('sets push configs with 1.0 names on a 0.3 agent, translated to tasks/pushNotificationConfig/*', async () => {
    const owner = await client(LEGACY);
    const task = await ownedTask(LEGACY);
    const config = { ...pushRef(task.id, 'cfg-old'), url: legacy.pushCallbackUrl, token: 't' };
    const created = await owner.createTaskPushNotificationConfig({
      ...config,
      authentication: undefined,
    });
    expect(created).toMatchObject({ id: 'cfg-old', taskId: task.id, url: config.url });
    expect(lastBody(legacy, 'tasks/pushNotificationConfig/set')?.params).toMatchObject({
      taskId: task.id,
      pushNotificationConfig: { id: 'cfg-old', url: config.url },
    });
    const listed = await owner.listTaskPushNotificationConfig(pushList(task.id));
    expect(listed.configs.map((c) => c.id)).toEqual(['cfg-old']);
    expect(legacy.methods).toContain('tasks/pushNotificationConfig/list');
  });

  it('refuses callback URLs the outbound guard blocks with -32602, before the agent', async () => {
    const [mine, mineOld] = [await ownedTask(), await ownedTask(LEGACY)];
    const calls = (url: string) => [
      { agent: PUSH, method: 'CreateTaskPushNotificationConfig', params: { taskId: mine.id, url } },
      {
        agent: PUSH,
        method: 'tasks/pushNotificationConfig/set',
        params: { taskId: mine.id, pushNotificationConfig: { url } },
      },
      {
        agent: PUSH,
        method: 'SendMessage',
        params: {
          message: v1Message('hi'),
          configuration: { taskPushNotificationConfig: { url } },
        },
      },
      {
        agent: LEGACY,
        method: 'message/send',
        params: { message: v03Message('hi'), configuration: { pushNotificationConfig: { url } } },
      },
      {
        agent: LEGACY,
        method: 'tasks/pushNotificationConfig/set',
        params: { taskId: mineOld.id, pushNotificationConfig: { url } },
      },
    ];
    const before = [push.requests.length, legacy.requests.length];
    for (const url of BLOCKED_CALLBACKS) {
      for (const { agent, method, params } of calls(url)) {
        const res = await jsonRpc(gw, agent, { method, params, id: 'cb' });
        expect({ url, method, status: res.status, body: res.body }).toMatchObject({
          status: 200,
          body: {
            jsonrpc: '2.0',
            id: 'cb',
            error: { code: -32602, message: expect.stringContaining('Push notification URL') },
          },
        });
      }
    }
    expect([push.requests.length, legacy.requests.length]).toEqual(before);
  });

  it('lists through ListTasks only the calling key’s tasks, with totalSize to match', async () => {
    const [keyA, keyB, keyC] = [
      await rest.generate(),
      await rest.generate(),
      await rest.generate(),
    ];
    const a = await client(PUSH, keyA);
    const b = await client(PUSH, keyB);
    const tasksA = [(await ownedTask(PUSH, keyA)).id, (await ownedTask(PUSH, keyA)).id];
    const tasksB = [(await ownedTask(PUSH, keyB)).id];

    const listA = await a.listTasks(LIST_ALL);
    expect(listA.tasks.map((t) => t.id).sort()).toEqual([...tasksA].sort());
    expect(listA.totalSize).toBe(2);
    const listB = await b.listTasks(LIST_ALL);
    expect(listB.tasks.map((t) => t.id)).toEqual(tasksB);
    expect(listB.totalSize).toBe(1);
    const listC = await (await client(PUSH, keyC)).listTasks(LIST_ALL);
    expect({ tasks: listC.tasks, totalSize: listC.totalSize }).toEqual({ tasks: [], totalSize: 0 });
    // The agent itself holds every key's tasks (and those of the tests before): the gateway filtered.
    const direct = await (await sdkClient(push.origin)).listTasks(LIST_ALL);
    expect(direct.tasks.map((t) => t.id)).toEqual(expect.arrayContaining([...tasksA, ...tasksB]));
    expect(direct.totalSize).toBeGreaterThan(3);

    // 0.3 has no ListTasks: not from a 0.3 caller, not to a 0.3 agent.
    const fromOld = await jsonRpc(gw, PUSH, { method: 'tasks/list', params: {} }, { key: keyA });
    expect(fromOld.body).toMatchObject({ error: { code: -32601 } });
    const toOld = await jsonRpc(gw, LEGACY, { method: 'ListTasks', params: {} }, { key: keyA });
    expect(toOld.body).toMatchObject({ error: { code: -32601 } });
  });

  it('pages ListTasks over the calling key’s tasks across the agent’s pages; a token is its key’s', async () => {
    const keys = { A: await rest.generate(), B: await rest.generate() };
    const clients = { A: await client(PAGER, keys.A), B: await client(PAGER, keys.B) };
    // The agent lists newest first: this is its listing, read in pages of 2 by the gateway.
    const listing = ['A', 'B', 'A', 'A', 'B', 'B', 'A', 'B', 'B', 'A'] as const;
    const owner = new Map<string, 'A' | 'B'>();
    for (const key of [...listing].reverse()) {
      const task = (await clients[key].sendMessage(userMessage('stream 1'))) as Task;
      owner.set(task.id, key);
    }
    const direct = await (await sdkClient(pager.origin)).listTasks(LIST_ALL);
    expect(direct.tasks.map((task) => owner.get(task.id))).toEqual(listing);
    const tasksOf = (key: 'A' | 'B') =>
      direct.tasks.map((task) => task.id).filter((id) => owner.get(id) === key);

    const before = pager.requests.length;
    const seen: string[] = [];
    const tokens: string[] = [];
    let pageToken = '';
    do {
      const page = await clients.A.listTasks({ ...LIST_ALL, pageSize: 2, pageToken });
      expect(page.pageSize).toBe(2);
      seen.push(...page.tasks.map((task) => task.id));
      pageToken = page.nextPageToken;
      if (pageToken) tokens.push(pageToken);
    } while (pageToken && tokens.length < 10);
    // Each of key A's tasks once, in the agent's order: A1 A2 | A3 A4 | A5.
    expect(seen).toEqual(tasksOf('A'));
    expect(tokens).toHaveLength(2);
    // The agent was read with its own tokens: its second page, where key A's first page filled
    // up, was read again for the second, which went on right after the last task returned.
    const upstream = pager.requests
      .slice(before)
      .filter((request) => request.method === 'ListTasks')
      .map((request) => (request.body as { params: Record<string, unknown> }).params);
    expect(upstream.every((params) => params.pageSize === 2)).toBe(true);
    const agentTokens = upstream.map((params) => params.pageToken ?? '');
    expect(agentTokens).toHaveLength(6);
    expect(agentTokens[2]).toBe(agentTokens[1]);
    expect(tokens.some((token) => agentTokens.includes(token))).toBe(false);

    // A page of a listing not read whole has no totalSize; a whole one has the key's exact count.
    const partial = await jsonRpc(
      gw,
      PAGER,
      { method: 'ListTasks', params: { pageSize: 2 } },
      { key: keys.A },
    );
    expect(partial.body.result).toMatchObject({ pageSize: 2, nextPageToken: expect.any(String) });
    expect(partial.body.result).not.toHaveProperty('totalSize');
    const wholeB = await clients.B.listTasks(LIST_ALL);
    expect(wholeB.tasks.map((task) => task.id)).toEqual(tasksOf('B'));
    expect(wholeB.totalSize).toBe(5);

    // Key A's token is no good to key B, nor is the agent's own token: nothing reaches the agent.
    const sent = pager.requests.length;
    for (const [key, token] of [
      [keys.B, tokens[0]!],
      [keys.A, agentTokens[1]!],
    ] as const) {
      const refused = await jsonRpc(
        gw,
        PAGER,
        { method: 'ListTasks', params: { pageSize: 2, pageToken: token }, id: 'p' },
        { key },
      );
      expect(refused.body).toEqual({
        jsonrpc: '2.0',
        id: 'p',
        error: { code: -32602, message: expect.stringContaining('Invalid pageToken') },
      });
    }
    expect(pager.requests.length).toBe(sent);
  });

  it('filters GET /a2a/agents by capability: skill ids, skill tags and card capabilities', async () => {
    const ids = async (capability: string): Promise<string[]> => {
      const res = await rest.as()(
        'GET',
        `/a2a/agents?capability=${encodeURIComponent(capability)}`,
      );
      expect(res.status).toBe(200);
      const agents = res.body.agents as Array<{ agent_id: string }>;
      expect(res.body.total_count).toBe(agents.length);
      return agents.map((agent) => agent.agent_id);
    };
    expect(await ids('plan-trip')).toEqual([PUSH]);
    expect(await ids('travel')).toEqual([PUSH]);
    expect(await ids('summarize')).toEqual([LEGACY]);
    expect(await ids('text')).toEqual([LEGACY]);
    expect(await ids('pushNotifications')).toEqual([LEGACY, PUSH]);
    expect(await ids('streaming')).toEqual([LEGACY, PAGER, PUSH]);
    expect(await ids('Travel')).toEqual([]);
    const unknown = await rest.as()('GET', '/a2a/agents?capability=teleportation');
    expect(unknown.body).toEqual({ agents: [], total_count: 0 });
  });

  it('deletes an agent through the seed’s DELETE /agents/{id} (admin only), audited as a2a.agent.delete', async () => {
    for (const agentId of ['doomed-alias', 'doomed-rest']) {
      const res = await rest.admin('POST', '/a2a/agents', {
        agent_card_url: push.cardUrl,
        agent_id: agentId,
      });
      expect(res.status).toBe(201);
    }
    const denied: Reply[] = [
      await rest.as()('DELETE', '/agents/doomed-alias'),
      await rest.as(await rest.generate())('DELETE', '/agents/doomed-alias'),
    ];
    for (const res of denied) expect([401, 403]).toContain(res.status);
    expect((await rest.as()('GET', '/a2a/agents/doomed-alias')).status).toBe(200);

    const viaAlias = await rest.admin('DELETE', '/agents/doomed-alias');
    expect({ status: viaAlias.status, body: viaAlias.body }).toEqual({
      status: 200,
      body: { deleted: true, agent_id: 'doomed-alias' },
    });
    expectError(await rest.as()('GET', '/a2a/agents/doomed-alias'), 404, 'a2a_agent_not_found');
    const call = await jsonRpc(gw, 'doomed-alias', { method: 'SendMessage', params: {} });
    expectError(call, 404, 'a2a_agent_not_found');
    expectError(await rest.admin('DELETE', '/agents/doomed-alias'), 404, 'a2a_agent_not_found');
    expect((await rest.admin('DELETE', '/a2a/agents/doomed-rest')).status).toBe(200);

    const rows = await pollAudit(
      gw,
      'action=a2a.agent.delete',
      (found) => found.filter((row) => row.resource_id?.startsWith('doomed')).length >= 3,
    );
    const shape = (resourceId: string) =>
      rows
        .filter((row) => row.resource_id === resourceId)
        .map(({ actor_type, resource_type, outcome, reason }) => ({
          actor_type,
          resource_type,
          outcome,
          reason,
        }))
        .sort((x, y) => x.outcome.localeCompare(y.outcome));
    const success = { actor_type: 'admin', resource_type: 'a2a_agent', outcome: 'success' };
    expect(shape('doomed-rest')).toEqual([{ ...success, reason: null }]);
    expect(shape('doomed-alias')).toEqual([
      { ...success, outcome: 'failure', reason: 'a2a_agent_not_found' },
      { ...success, reason: null },
    ]);
  });
});

describe('A2A trace propagation (gateway process, OTLP export)', () => {
  const agentId = 'tracer-agent';
  const agent = new A2aAgentServer({ name: 'Tracer Agent' });
  let stubs: Stubs;
  let gateway: TracedGateway;

  beforeAll(async () => {
    stubs = await startStubs(['llm-1']);
    await agent.start();
    gateway = await startTracedGateway(
      { model_list: [deployment('traced', 'llm-1', stubs)] },
      {
        ...TRACED_ENV,
        ADMIN_API_KEYS: TEST_ADMIN_KEY,
        A2A_GATEWAY_ENABLED: 'true',
        LLMROUTER_OUTBOUND_URL_ALLOWLIST: `${agent.origin}/`,
      },
    );
    // The agent calls the gateway's LLM route like any agent would: with a user key.
    agent.useLlm({ url: gateway.url, key: TEST_MASTER_KEY, model: 'traced' });
    await register(a2aRestAt(gateway.url), agent);
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await agent.stop();
    await stopStubs(stubs);
  });

  it('carries the caller’s trace to the agent and joins the agent’s LLM call to it', async () => {
    const caller = clientTrace();
    const traced = await sdkClient(`${gateway.url}/a2a/${agentId}`, TEST_MASTER_KEY, {
      headers: { traceparent: caller.traceparent },
    });
    const reply = (await traced.sendMessage(userMessage('llm where to?'))) as Message;
    expect(textOf(reply)).toContain(STUB_TEXT);

    const sent = String(agent.lastHeaders('SendMessage')?.traceparent ?? '');
    const [, traceId, parentId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(sent) ?? [];
    expect(traceId).toBe(caller.traceId);

    const isServerFor = (path: string) => (span: ReceivedSpan) =>
      span.kind === 'SERVER' && span.attributes['url.path'] === path;
    const spans = await gateway.receiver.waitForSpans((received) => {
      const trace = inTrace(received, caller.traceId);
      return (
        trace.some(isServerFor(`/a2a/${agentId}`)) &&
        trace.some(named('a2a SendMessage')) &&
        trace.some(isServerFor('/v1/chat/completions')) &&
        trace.some(named('chat llm-1'))
      );
    });
    const trace = inTrace(spans, caller.traceId);
    const a2aServer = only(trace, isServerFor(`/a2a/${agentId}`), 'A2A server span');
    expect(a2aServer.parentSpanId).toBe(caller.spanId);
    const a2aCall = only(trace, named('a2a SendMessage'), 'A2A client span');
    expect(a2aCall).toMatchObject({ kind: 'CLIENT', parentSpanId: a2aServer.spanId });
    expect(a2aCall.attributes).toMatchObject({
      'rpc.system': 'jsonrpc',
      'rpc.method': 'SendMessage',
      'routeiq.a2a.agent.id': agentId,
    });
    // The agent was called under the gateway's A2A span...
    expect(parentId).toBe(a2aCall.spanId);
    // ...and its own call to the gateway's LLM route continues that span.
    const llmServer = only(trace, isServerFor('/v1/chat/completions'), 'LLM server span');
    expect(llmServer.parentSpanId).toBe(a2aCall.spanId);
    const upstream = only(trace, named('chat llm-1'), 'LLM upstream span');
    const upstreamTraceparent = String(stubs['llm-1']!.last().headers.traceparent ?? '');
    expect(upstreamTraceparent).toBe(`00-${caller.traceId}-${upstream.spanId}-01`);
  });
});
