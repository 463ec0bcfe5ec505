import { TaskState, type StreamResponse, type Task } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { TaskNotFoundError } from '@a2a-js/sdk/errors';
import {
  a2aRest,
  register,
  sdkClient,
  startA2aGateway,
  startAgents,
  textOf,
  userMessage,
  type A2aAgents,
  type A2aRest,
  type Reply,
} from './fixtures/a2a.fixtures';
import { expectError } from './fixtures/mcp-rest.fixtures';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from './support/gateway-harness';

// The A2A gateway against two real agents built with the official SDK (one on A2A 1.0, one on
// 0.3 through the SDK's compat layer), driven by the official SDK client through the gateway:
// registration (and its SSRF guard), card discovery and rewriting, send, incremental streaming,
// caller-scoped get/cancel, translation between versions, disconnects, and the off switch.

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const taskOf = (event: StreamResponse | undefined): Task | undefined =>
  event?.payload?.$case === 'task' ? event.payload.value : undefined;

async function collect(stream: AsyncGenerator<StreamResponse>): Promise<StreamResponse[]> {
  const events: StreamResponse[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const finalState = (events: StreamResponse[]): TaskState | undefined => {
  const last = events.at(-1)?.payload;
  return last?.$case === 'statusUpdate' ? last.value.status?.state : undefined;
};

describe('A2A gateway', () => {
  let agents: A2aAgents;
  let gw: TestGateway;
  let rest: A2aRest;
  const base = (agentId: string): string => `${gw.url}/a2a/${agentId}`;
  const client = (agentId: string, key?: string): Promise<Client> =>
    sdkClient(base(agentId), key, { headers: { traceparent: TRACEPARENT } });

  beforeAll(async () => {
    agents = await startAgents();
    gw = await startA2aGateway(agents);
    rest = a2aRest(gw);
  });
  afterAll(async () => {
    await gw?.close();
    await agents?.close();
  });

  it('has test agents that answer the SDK client directly (1.0, and 0.3 via the compat layer)', async () => {
    const modern = await sdkClient(agents.modern.origin);
    const legacy = await sdkClient(agents.legacy.origin, undefined, { legacyCompat: true });
    expect(textOf((await modern.sendMessage(userMessage('hi'))) as Task)).toBe('echo: hi');
    expect(textOf((await legacy.sendMessage(userMessage('yo'))) as Task)).toBe('echo: yo');
    expect(agents.modern.methods).toContain('SendMessage');
    expect(agents.legacy.methods).toContain('message/send');
  });

  it('refuses to register a card URL the outbound guard blocks, before fetching it', async () => {
    const before = agents.modern.requests.length;
    for (const url of [
      'http://169.254.169.254/.well-known/agent-card.json',
      // Loopback on a port outside the allowlist.
      `http://127.0.0.1:1/.well-known/agent-card.json`,
    ]) {
      const res = await rest.admin('POST', '/a2a/agents', { agent_card_url: url });
      expectError(res, res.status, 'ssrf_blocked');
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    const viaName = await rest.admin('POST', '/a2a/agents', {
      name: 'metadata',
      url: 'http://169.254.169.254/latest',
    });
    expect({ status: viaName.status, code: viaName.body.error?.code }).toMatchObject({
      code: 'ssrf_blocked',
    });
    expect(agents.modern.requests.length).toBe(before);
    expect((await rest.as()('GET', '/a2a/agents')).body.agents).toEqual([]);
  });

  it('registers agents from their card URLs (admin only) and lists them to users', async () => {
    const denied = await rest.as()('POST', '/a2a/agents', {
      agent_card_url: agents.modern.cardUrl,
    });
    expect([401, 403]).toContain(denied.status);

    const modern = await register(rest, agents.modern);
    expect(modern).toMatchObject({
      agent_id: 'echo-agent',
      name: 'Echo Agent',
      url: agents.modern.url,
      card_url: agents.modern.cardUrl,
      protocol_version: '1.0',
      gateway_url: '/a2a/echo-agent',
      enabled: true,
    });
    const legacy = await register(rest, agents.legacy);
    expect(legacy).toMatchObject({ agent_id: 'legacy-agent', protocol_version: '0.3' });

    const list = await rest.as()('GET', '/a2a/agents');
    expect(list.status).toBe(200);
    const ids = (list.body.agents as Array<{ agent_id: string }>).map((a) => a.agent_id);
    expect(ids.sort()).toEqual(['echo-agent', 'legacy-agent']);
    const one = await rest.as()('GET', '/a2a/agents/legacy-agent');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ agent_id: 'legacy-agent', url: agents.legacy.url });
    expectError(await rest.as()('GET', '/a2a/agents/ghost'), 404, 'a2a_agent_not_found');
  });

  it('serves each card and its own card with every URL pointing at the gateway', async () => {
    const modern = await rest.as()('GET', '/a2a/echo-agent/.well-known/agent-card.json');
    expect(modern.status).toBe(200);
    expect(modern.body).toMatchObject({ name: 'Echo Agent' });
    const urls = (modern.body.supportedInterfaces as Array<{ url: string }>).map((i) => i.url);
    expect(new Set(urls)).toEqual(new Set([base('echo-agent')]));

    const legacy = await rest.as()('GET', '/a2a/legacy-agent/.well-known/agent-card.json');
    expect(legacy.status).toBe(200);
    expect(legacy.body.url ?? base('legacy-agent')).toBe(base('legacy-agent'));
    for (const card of [modern.body, legacy.body]) {
      const text = JSON.stringify(card);
      expect(text).not.toContain(agents.modern.origin);
      expect(text).not.toContain(agents.legacy.origin);
    }

    const own = await rest.as()('GET', '/.well-known/agent-card.json');
    expect(own.status).toBe(200);
    const skills = JSON.stringify(own.body.skills);
    expect(skills).toContain('echo-agent');
    expect(skills).toContain('legacy-agent');
    // The SDK client discovers the agent through the gateway and keeps talking to the gateway.
    const discovered = await (await client('echo-agent')).getAgentCard();
    expect(discovered.supportedInterfaces.map((i) => i.url)).toContain(base('echo-agent'));
  });

  // Trace propagation (`traceparent` to the agent) needs the OpenTelemetry SDK, which starts only
  // in a gateway process: it is tested in test/a2a-protocol.e2e-spec.ts.
  it('sends a message with the protocol version reaching the agent, never the caller key', async () => {
    const reply = await (await client('echo-agent')).sendMessage(userMessage('hello'));
    expect(textOf(reply as Task)).toBe('echo: hello');
    const headers = agents.modern.lastHeaders('SendMessage');
    expect(headers?.['a2a-version']).toBe('1.0');
    expect(headers?.authorization).toBeUndefined();
    expect(JSON.stringify(headers)).not.toContain(TEST_MASTER_KEY);
  });

  it('streams task events as the agent produces them', async () => {
    const stream = (await client('echo-agent')).sendMessageStream(userMessage('stream 4'));
    const first = await stream.next();
    const task = taskOf(first.done ? undefined : first.value);
    expect(task?.id).toEqual(expect.any(String));
    // The agent is still producing chunks: nothing was held back until it finished.
    expect(agents.modern.tasks.finished.has(task!.id)).toBe(false);
    const rest = await collect(stream);
    const chunks = rest.filter((e) => e.payload?.$case === 'artifactUpdate').map(textOf);
    expect(chunks).toEqual(['chunk-1', 'chunk-2', 'chunk-3', 'chunk-4']);
    expect(finalState(rest)).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(agents.modern.tasks.finished.has(task!.id)).toBe(true);
  });

  it('answers GetTask and CancelTask only for the key that created the task', async () => {
    const otherKey = await rest.generate();
    const owner = await client('echo-agent');
    const other = await client('echo-agent', otherKey);
    const task = (await owner.sendMessage(
      userMessage('slow', { returnImmediately: true }),
    )) as Task;
    expect(task.id).toEqual(expect.any(String));
    expect((await owner.getTask({ tenant: '', id: task.id })).id).toBe(task.id);

    await expect(other.getTask({ tenant: '', id: task.id })).rejects.toBeInstanceOf(
      TaskNotFoundError,
    );
    const cancelByOther = other.cancelTask({ tenant: '', id: task.id, metadata: undefined });
    await expect(cancelByOther).rejects.toBeInstanceOf(TaskNotFoundError);
    // On the wire: A2A's task-not-found code, as if the task did not exist.
    const raw = await rest.as(otherKey)('POST', '/a2a/echo-agent', {
      jsonrpc: '2.0',
      id: 7,
      method: 'GetTask',
      params: { id: task.id },
    });
    expect(raw.body).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32001 } });
    expect(agents.modern.tasks.cancelled.has(task.id)).toBe(false);

    const cancelled = await owner.cancelTask({ tenant: '', id: task.id, metadata: undefined });
    expect(cancelled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect(agents.modern.tasks.cancelled.has(task.id)).toBe(true);
  });

  it('translates a 1.0 client to a 0.3 agent: methods, enums and parts, both ways', async () => {
    const legacy = await client('legacy-agent');
    expect(textOf((await legacy.sendMessage(userMessage('bonjour'))) as Task)).toBe(
      'echo: bonjour',
    );
    expect(agents.legacy.methods).toContain('message/send');
    expect(agents.legacy.lastHeaders('message/send')?.['a2a-version'] ?? '0.3').toBe('0.3');

    const events = await collect(legacy.sendMessageStream(userMessage('stream 2')));
    const taskId = taskOf(events[0])?.id;
    expect(events.filter((e) => e.payload?.$case === 'artifactUpdate').map(textOf)).toEqual([
      'chunk-1',
      'chunk-2',
    ]);
    expect(finalState(events)).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(agents.legacy.methods).toContain('message/stream');

    const task = await legacy.getTask({ tenant: '', id: taskId! });
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(textOf(task)).toBe('chunk-1chunk-2');
    expect(agents.legacy.methods).toContain('tasks/get');
  });

  it('stops reading from the agent when the client disconnects mid-stream', async () => {
    const owner = await client('echo-agent');
    const abort = new AbortController();
    const stream = owner.sendMessageStream(userMessage('slow'), { signal: abort.signal });
    const first = await stream.next();
    const taskId = taskOf(first.done ? undefined : first.value)!.id;
    const aborted = agents.modern.abortedResponses.length;
    abort.abort();
    // Events already received may still come out; then the aborted read surfaces.
    await expect(collect(stream)).rejects.toThrow();
    await agents.modern.waitFor(() => agents.modern.abortedResponses.length > aborted);
    expect(agents.modern.abortedResponses.at(-1)).toBe('/a2a/jsonrpc');
    // The task itself lives on at the agent until cancelled (A2A semantics).
    await owner.cancelTask({ tenant: '', id: taskId, metadata: undefined });
  });

  it('disables an agent with PUT: card 404, calls 503 a2a_agent_disabled; re-enabling restores it', async () => {
    const off = await rest.admin('PUT', '/a2a/agents/echo-agent', { enabled: false });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ agent_id: 'echo-agent', enabled: false });
    const card = await rest.as()('GET', '/a2a/echo-agent/.well-known/agent-card.json');
    expectError(card, 404, 'a2a_agent_not_found');
    const call = await rest.as()('POST', '/a2a/echo-agent', {
      jsonrpc: '2.0',
      id: 1,
      method: 'SendMessage',
      params: { message: userMessage('hello') },
    });
    expectError(call, 503, 'a2a_agent_disabled');

    const on = await rest.admin('PUT', '/a2a/agents/echo-agent', { enabled: true });
    expect(on.body).toMatchObject({ enabled: true });
    const reply = await (await client('echo-agent')).sendMessage(userMessage('again'));
    expect(textOf(reply as Task)).toBe('echo: again');
  });

  it('deletes an agent: its card and endpoint are gone', async () => {
    const res = await rest.admin('DELETE', '/a2a/agents/legacy-agent');
    expect([200, 204]).toContain(res.status);
    const card = await rest.as()('GET', '/a2a/legacy-agent/.well-known/agent-card.json');
    expectError(card, 404, 'a2a_agent_not_found');
  });
});

describe('A2A gateway switched off', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      yaml: 'model_list:\n  - model_name: demo\n    litellm_params:\n      model: mock/demo\n',
      env: { A2A_GATEWAY_ENABLED: undefined },
    });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('answers 404 a2a_gateway_disabled on every A2A route while A2A_GATEWAY_ENABLED is unset', async () => {
    const rest = a2aRest(gw);
    const replies: Reply[] = [
      await rest.as()('GET', '/a2a/agents'),
      await rest.admin('POST', '/a2a/agents', { agent_card_url: 'http://127.0.0.1:1/card' }),
      await rest.as()('GET', '/a2a/echo/.well-known/agent-card.json'),
      await rest.as()('POST', '/a2a/echo', { jsonrpc: '2.0', id: 1, method: 'GetTask' }),
    ];
    for (const res of replies) expectError(res, 404, 'a2a_gateway_disabled');
  });
});
