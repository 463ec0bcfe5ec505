import { propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { GatewayException } from '@routeiq/common';
import {
  NO_AGENT_RESTRICTIONS,
  type AgentPermissions,
  type TeamRecord,
  type VirtualKeyRecord,
} from '@routeiq/persistence';
import type { ResolvedKey } from '@routeiq/security';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { A2aRpcCode } from '../a2a.exception';
import { A2aProxyService } from './a2a-proxy.service';
import { A2aProxyHarness, agentRecord, recordingTracer } from './__fixtures__/a2a-proxy.harness';
import { answer, FakeA2aAgent, gate, openStream, resultEvent } from './__fixtures__/fake-a2a-agent';

// Port 9 (discard) is closed on loopback: connections are refused.
const CLOSED_PORT_URL = 'http://127.0.0.1:9/';

let taskCount = 0;
let task = newTask();

/** Each test gets its own task id: ownership outlives a test (the first key keeps a task). */
function newTask() {
  taskCount += 1;
  return { id: `t-${taskCount}`, contextId: 'c-1', status: { state: 'TASK_STATE_WORKING' } };
}

/** A resolved key with these agent permissions and metadata, and a team when `team` is given. */
function resolvedKey(
  agents: Partial<AgentPermissions>,
  metadata: Record<string, unknown> = {},
  team?: Partial<AgentPermissions>,
): ResolvedKey {
  const key = { metadata, agents: { ...NO_AGENT_RESTRICTIONS, ...agents } } as unknown;
  const teamRecord = team ? ({ agents: { ...NO_AGENT_RESTRICTIONS, ...team } } as unknown) : null;
  return {
    key: key as VirtualKeyRecord,
    team: teamRecord as TeamRecord | null,
    keyId: 'vk',
    loadedAt: 0,
  };
}

function rpc(method: string, params: unknown, id: number | string = 1): Record<string, unknown> {
  return { jsonrpc: '2.0', id, method, params };
}

function sendMessage(taskId?: string): Record<string, unknown> {
  const message = { messageId: 'm-1', role: 'ROLE_USER', parts: [{ text: 'hi' }] };
  return rpc('SendMessage', { message: taskId ? { ...message, taskId } : message });
}

/** Collects a streamed response; `until` waits for what arrived so far to satisfy `predicate`. */
function collect(res: IncomingMessage) {
  let text = '';
  const ended = new Promise<void>((resolve) => res.once('close', resolve));
  res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return {
    async until(predicate: (text: string) => boolean): Promise<string> {
      while (!predicate(text)) {
        const more = once(res, 'data').then(() => true);
        if (!(await Promise.race([more, ended.then(() => false)]))) {
          if (predicate(text)) break;
          throw new Error(`stream ended before the expected data arrived: ${text}`);
        }
      }
      return text;
    },
  };
}

describe(A2aProxyService.name, () => {
  const agent = new FakeA2aAgent();
  let gateway: A2aProxyHarness;

  beforeAll(async () => {
    await agent.start();
    gateway = new A2aProxyHarness(`${agent.url}/,${CLOSED_PORT_URL}`);
    await gateway.start();
  });

  beforeEach(() => {
    task = newTask();
    agent.calls.length = 0;
    agent.handler = (call, res) => answer(res, call.body.id, { task: task });
    gateway.directory.agents.clear();
    gateway.directory.agents.set(
      'echo',
      agentRecord('echo', `${agent.url}/rpc`, {
        authType: 'bearer_token',
        authValue: 'agent-secret',
        staticHeaders: { 'X-Tenant': 'acme' },
      }),
    );
    gateway.admission.refuse = undefined;
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    await gateway.stop();
    await agent.stop();
  });

  it('relays a JSON answer with the agent credentials, A2A-Version and no hop-by-hop headers', async () => {
    agent.handler = (call, res) =>
      answer(
        res,
        call.body.id,
        { task: task },
        {
          'set-cookie': 'sid=1',
          'x-agent-note': 'kept',
          'www-authenticate': 'Bearer',
        },
      );

    const reply = await gateway.post('echo', sendMessage(), { 'a2a-version': '1.0' });

    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ jsonrpc: '2.0', id: 1, result: { task: task } });
    expect(reply.headers['set-cookie']).toBeUndefined();
    expect(reply.headers['www-authenticate']).toBeUndefined();
    expect(reply.headers['x-agent-note']).toBe('kept');
    expect(reply.headers['x-ratelimit-remaining-requests']).toBe('9');
    const [call] = agent.calls;
    expect(call?.path).toBe('/rpc');
    expect(call?.body.method).toBe('SendMessage');
    expect(call?.headers.authorization).toBe('Bearer agent-secret');
    expect(call?.headers['x-tenant']).toBe('acme');
    expect(call?.headers['a2a-version']).toBe('1.0');
    expect(gateway.admission.settled).toBeGreaterThan(0);
    expect(gateway.callCounts()['echo SendMessage ok']).toBeGreaterThan(0);
  });

  it('sends the agent a traceparent of the caller trace under the gateway CLIENT span, none untraced', async () => {
    const { tracer, exporter } = recordingTracer();
    const traced = new A2aProxyHarness(`${agent.url}/`, tracer);
    traced.directory.agents.set('echo', agentRecord('echo', `${agent.url}/rpc`));
    const caller = trace.getTracer('caller').startSpan('POST /a2a/:agentId');
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    await traced.start();
    try {
      traced.traceContext = gateway.traceContext = trace.setSpan(ROOT_CONTEXT, caller);
      await traced.post('echo', sendMessage());
      await gateway.post('echo', sendMessage());
    } finally {
      gateway.traceContext = undefined;
      propagation.disable();
      caller.end();
      await traced.stop();
    }

    const span = exporter.getFinishedSpans().find((s) => s.name === 'a2a SendMessage');
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(span?.spanContext().traceId).toBe(caller.spanContext().traceId);
    const { traceId, spanId } = span!.spanContext();
    const sent = agent.calls.map((call) => call.headers.traceparent);
    expect(sent).toEqual([`00-${traceId}-${spanId}-01`, undefined]);
  });

  it('serves a task only to the key that created it (-32001 otherwise, agent not called)', async () => {
    await gateway.post('echo', sendMessage(), { 'x-test-key': 'owner' });
    agent.calls.length = 0;

    const stranger = await gateway.post('echo', rpc('GetTask', { id: task.id }), {
      'x-test-key': 'stranger',
    });
    const unknown = await gateway.post('echo', rpc('GetTask', { id: 'never-seen' }), {
      'x-test-key': 'owner',
    });
    const follow = await gateway.post('echo', sendMessage(task.id), { 'x-test-key': 'stranger' });
    expect(agent.calls).toHaveLength(0);

    const owner = await gateway.post('echo', rpc('GetTask', { id: task.id }), {
      'x-test-key': 'owner',
    });

    for (const refused of [stranger, unknown, follow]) {
      expect(refused.json.error).toMatchObject({ code: A2aRpcCode.TaskNotFound });
    }
    expect(owner.json.result).toEqual({ task: task });
    expect(agent.calls).toHaveLength(1);
  });

  it('counts refusals of another key’s task or context as denied, bad params as invalid', async () => {
    await gateway.post('echo', sendMessage(), { 'x-test-key': 'holder' });
    const before = gateway.callCounts();
    const joined = rpc('SendMessage', {
      message: { messageId: 'm-2', role: 'ROLE_USER', parts: [{ text: 'hi' }], contextId: 'c-1' },
    });
    const context = await gateway.post('echo', joined, { 'x-test-key': 'intruder' });
    const taskRefused = await gateway.post('echo', rpc('GetTask', { id: task.id }), {
      'x-test-key': 'intruder',
    });
    const push = rpc('CreateTaskPushNotificationConfig', {
      taskId: task.id,
      pushNotificationConfig: { url: 'http://169.254.169.254/hook' },
    });
    const badUrl = await gateway.post('echo', push, { 'x-test-key': 'holder' });

    expect(context.json.error).toMatchObject({ code: A2aRpcCode.InvalidParams });
    expect(taskRefused.json.error).toMatchObject({ code: A2aRpcCode.TaskNotFound });
    expect(badUrl.json.error).toMatchObject({ code: A2aRpcCode.InvalidParams });
    const after = gateway.callCounts();
    const delta = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
    expect(delta('echo SendMessage denied')).toBe(1);
    expect(delta('echo GetTask denied')).toBe(1);
    expect(delta('echo CreateTaskPushNotificationConfig invalid')).toBe(1);
  });

  it('filters ListTasks to the caller’s tasks', async () => {
    await gateway.post('echo', sendMessage(), { 'x-test-key': 'lister' });
    agent.handler = (call, res) =>
      answer(res, call.body.id, {
        tasks: [task, { ...task, id: 'someone-elses' }],
        nextPageToken: '',
        pageSize: 2,
        totalSize: 2,
      });

    const reply = await gateway.post('echo', rpc('ListTasks', {}), { 'x-test-key': 'lister' });

    expect(reply.json.result).toEqual({
      tasks: [task],
      nextPageToken: '',
      pageSize: 2,
      totalSize: 1,
    });
  });

  it('pipes a stream as it arrives: the first event reaches the client before the agent ends', async () => {
    const release = gate();
    agent.handler = async (call, res) => {
      openStream(res);
      res.write(`: keep-alive comment\n${resultEvent(call.body.id, { task: task })}`);
      await release.promise;
      res.end(resultEvent(call.body.id, { statusUpdate: { taskId: task.id, contextId: 'c-1' } }));
    };

    const res = await gateway.open('echo', rpc('SendStreamingMessage', sendMessage().params));
    const body = collect(res);
    const first = await body.until((text) => text.includes(`"${task.id}"`));
    release.open();
    const all = await body.until((text) => text.includes('statusUpdate'));

    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['x-accel-buffering']).toBe('no');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(first).toBe(`: keep-alive comment\n${resultEvent(1, { task: task })}`);
    expect(all.slice(first.length)).toContain('"statusUpdate"');
    // The streamed task became the caller's.
    agent.handler = (call, reply) => answer(reply, call.body.id, { task });
    const owned = await gateway.post('echo', rpc('GetTask', { id: task.id }));
    expect(owned.json.result).toEqual({ task: task });
  });

  it('aborts the upstream request when the client goes away', async () => {
    const upstreamClosed = gate();
    agent.handler = (call, res) => {
      openStream(res);
      res.write(resultEvent(call.body.id, { task: task }));
      res.on('close', upstreamClosed.open); // held open until the gateway drops it
    };

    const res = await gateway.open('echo', rpc('SendStreamingMessage', sendMessage().params));
    await collect(res).until((text) => text.includes(`"${task.id}"`));
    res.destroy();

    await upstreamClosed.promise;
    await expect(
      (async () => {
        for (let tries = 0; tries < 100; tries++) {
          if (gateway.callCounts()['echo SendStreamingMessage cancelled']) return true;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return false;
      })(),
    ).resolves.toBe(true);
  });

  it('refuses a push-notification callback URL the SSRF guard blocks (-32602)', async () => {
    await gateway.post('echo', sendMessage(), { 'x-test-key': 'pusher' });
    agent.calls.length = 0;
    const config = (url: string) =>
      rpc('CreateTaskPushNotificationConfig', { taskId: task.id, id: 'cfg', url });

    const blocked = await gateway.post('echo', config('http://169.254.169.254/latest'), {
      'x-test-key': 'pusher',
    });
    expect(blocked.json.error).toMatchObject({ code: A2aRpcCode.InvalidParams });
    expect(String((blocked.json.error as { message: string }).message)).toMatch(/blocked/i);
    expect(agent.calls).toHaveLength(0);

    const inline = await gateway.post(
      'echo',
      rpc('SendMessage', {
        message: { messageId: 'm-2', role: 'ROLE_USER', parts: [] },
        configuration: { taskPushNotificationConfig: { url: 'http://10.0.0.1/hook' } },
      }),
    );
    expect(inline.json.error).toMatchObject({ code: A2aRpcCode.InvalidParams });
    expect(agent.calls).toHaveLength(0);

    const allowed = await gateway.post('echo', config(`${agent.url}/hook`), {
      'x-test-key': 'pusher',
    });
    expect(allowed.json.result).toBeDefined();
    expect(agent.calls).toHaveLength(1);
  });

  it('translates a 0.3 caller to a 1.0 agent and back', async () => {
    const params = jest.spyOn(gateway.translator, 'params');
    const result = jest.spyOn(gateway.translator, 'result');
    const v03Message = { kind: 'message', messageId: 'm-1', role: 'user', parts: [] };

    const reply = await gateway.post('echo', rpc('message/send', { message: v03Message }));

    expect(agent.calls[0]?.body.method).toBe('SendMessage');
    expect(agent.calls[0]?.headers['a2a-version']).toBe('1.0');
    expect(params).toHaveBeenCalledWith('SendMessage', { message: v03Message }, '0.3', '1.0');
    expect(result).toHaveBeenCalledWith('SendMessage', { task: task }, '1.0', '0.3');
    expect(reply.json.result).toMatchObject({ kind: 'task', id: task.id });
  });

  it('translates each streamed event when the versions differ', async () => {
    const streamEvent = jest.spyOn(gateway.translator, 'streamEvent');
    agent.handler = (call, res) => {
      openStream(res);
      res.write(resultEvent(call.body.id, { task: task }));
      res.end(resultEvent(call.body.id, { statusUpdate: { taskId: task.id, contextId: 'c-1' } }));
    };

    const res = await gateway.open('echo', rpc('message/stream', { message: {} }));
    const text = await collect(res).until((body) => body.includes('status-update'));

    expect(streamEvent).toHaveBeenCalledTimes(2);
    expect(streamEvent).toHaveBeenCalledWith({ task: task }, '1.0', '0.3');
    expect(text).toContain('"kind":"task"');
  });

  it('answers an unknown method with -32601 and bad JSON with -32700, without calling the agent', async () => {
    const unknown = await gateway.post('echo', rpc('DoSomethingElse', {}));
    const v03OnlyList = await gateway.post('echo', rpc('tasks/list', {}));
    const malformed = await gateway.post('echo', '{"jsonrpc":');

    expect(unknown.json.error).toMatchObject({ code: A2aRpcCode.MethodNotFound });
    expect(v03OnlyList.json.error).toMatchObject({ code: A2aRpcCode.MethodNotFound });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toMatchObject({ code: A2aRpcCode.ParseError });
    expect(agent.calls).toHaveLength(0);
  });

  it('answers gateway errors in the OpenAI shape: unknown agent, quota, unreachable, timeout', async () => {
    gateway.directory.agents.set('gone', agentRecord('gone', `${CLOSED_PORT_URL}rpc`));
    gateway.directory.agents.set(
      'slow',
      agentRecord('slow', `${agent.url}/slow`, { timeoutMs: 50 }),
    );
    const missing = await gateway.post('nobody', sendMessage());
    const unreachable = await gateway.post('gone', sendMessage());
    agent.handler = () => undefined; // never answers
    const slow = await gateway.post('slow', sendMessage());
    gateway.admission.refuse = new GatewayException({
      status: 429,
      code: 'rate_limit_exceeded',
      message: 'Too many requests',
    });
    const calls = agent.calls.length;
    const limited = await gateway.post('echo', sendMessage());

    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: { code: 'a2a_agent_not_found' } });
    expect(unreachable.status).toBe(502);
    expect(unreachable.json).toMatchObject({ error: { code: 'a2a_upstream_error' } });
    expect(slow.status).toBe(504);
    expect(slow.json).toMatchObject({ error: { code: 'a2a_upstream_timeout' } });
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    expect(agent.calls).toHaveLength(calls);
  });

  describe('per-key agent access and rate', () => {
    beforeEach(() => {
      gateway.keys.clear();
      gateway.admission.scoped.length = 0;
    });

    it('refuses an agent the key or its team may not call: 403 before admission, agent untouched', async () => {
      gateway.directory.agents.set(
        'booked',
        agentRecord('booked', `${agent.url}/rpc`, { accessGroups: ['booking'] }),
      );
      gateway.directory.agents.set(
        'off',
        agentRecord('off', `${agent.url}/rpc`, { enabled: false }),
      );
      gateway.keys.set('listed', resolvedKey({ agents: ['other'] }));
      gateway.keys.set('team-denied', resolvedKey({ agents: ['echo'] }, {}, { agents: ['other'] }));
      gateway.keys.set('grouped', resolvedKey({ accessGroups: ['booking'] }));

      const refused = [
        await gateway.post('echo', sendMessage(), { 'x-test-key': 'listed' }),
        await gateway.post('echo', sendMessage(), { 'x-test-key': 'team-denied' }),
        await gateway.post('echo', sendMessage(), { 'x-test-key': 'grouped' }),
        // Access is checked before the agent's state: a disabled agent is not revealed.
        await gateway.post('off', sendMessage(), { 'x-test-key': 'grouped' }),
      ];
      for (const reply of refused) {
        expect(reply.status).toBe(403);
        expect(reply.json).toMatchObject({
          error: { code: 'a2a_agent_access_denied', type: 'permission_error' },
        });
      }
      expect(agent.calls).toHaveLength(0);
      expect(gateway.admission.scoped).toHaveLength(0);

      const allowed = await gateway.post('booked', sendMessage(), { 'x-test-key': 'grouped' });
      expect(allowed.status).toBe(200);
      expect(agent.calls).toHaveLength(1);
      const unknown = await gateway.post('nobody', sendMessage(), { 'x-test-key': 'listed' });
      expect(unknown.status).toBe(404);
    });

    it('admits a call with the agent’s key_rpm_limit, narrowed by the key’s agent_rpm_limit', async () => {
      const limited = agentRecord('echo', `${agent.url}/rpc`, { keyRpmLimit: 5 });
      gateway.directory.agents.set('echo', limited);
      gateway.directory.agents.set('free', agentRecord('free', `${agent.url}/rpc`));
      gateway.keys.set('narrow', resolvedKey({}, { agent_rpm_limit: { echo: 2, free: 3 } }));
      gateway.keys.set('wide', resolvedKey({}, { agent_rpm_limit: { echo: 9 } }));

      await gateway.post('echo', sendMessage());
      await gateway.post('echo', sendMessage(), { 'x-test-key': 'narrow' });
      await gateway.post('echo', sendMessage(), { 'x-test-key': 'wide' });
      await gateway.post('free', sendMessage(), { 'x-test-key': 'narrow' });
      await gateway.post('free', sendMessage(), { 'x-test-key': 'wide' });

      const scoped = (rpm: number) => ({
        scope: 'a2a:echo',
        label: 'on agent "echo"',
        limits: { rpm },
      });
      expect(gateway.admission.scoped).toEqual([
        scoped(5),
        scoped(2),
        scoped(5),
        { scope: 'a2a:free', label: 'on agent "free"', limits: { rpm: 3 } },
        undefined,
      ]);
    });
  });
});
