import { GatewayException } from '@routeiq/common';
import { NO_AGENT_RESTRICTIONS, type VirtualKeyRecord } from '@routeiq/persistence';
import type { AuditEvent } from '@routeiq/security';
import { A2aProxyService } from './a2a-proxy.service';
import { A2aProxyHarness, agentRecord } from './__fixtures__/a2a-proxy.harness';
import { answer, FakeA2aAgent, openStream, resultEvent } from './__fixtures__/fake-a2a-agent';

// The `a2a.agent.call` audit record of every call through the real proxy classes.

const SECRET_TEXT = 'the launch codes are 0000';
let count = 0;

function rpc(method: string, params: unknown): Record<string, unknown> {
  return { jsonrpc: '2.0', id: 1, method, params };
}

function send(method = 'SendMessage', extra: Record<string, unknown> = {}) {
  const message = { messageId: 'm-1', role: 'ROLE_USER', parts: [{ text: SECRET_TEXT }] };
  return rpc(method, { message: { ...message, ...extra } });
}

describe(`${A2aProxyService.name} audit`, () => {
  const agent = new FakeA2aAgent();
  let gateway: A2aProxyHarness;
  let task: { id: string; contextId: string };

  /** The records so far, once `n` are there (a stream's is written when it is over). */
  async function audits(n: number): Promise<AuditEvent[]> {
    for (let tries = 0; tries < 200 && gateway.audits.length < n; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return gateway.audits;
  }

  beforeAll(async () => {
    await agent.start();
    gateway = new A2aProxyHarness(`${agent.url}/`);
    await gateway.start();
  });

  beforeEach(() => {
    count += 1;
    task = { id: `t-${count}`, contextId: `c-${count}` };
    agent.handler = (call, res) => answer(res, call.body.id, { task: { ...task, status: {} } });
    gateway.directory.agents.set('echo', agentRecord('echo', `${agent.url}/rpc`));
    gateway.admission.refuse = undefined;
    gateway.audits.length = 0;
  });

  afterAll(async () => {
    await gateway.stop();
    await agent.stop();
  });

  it('records a send with the task and context of the answer, and no message text', async () => {
    await gateway.post('echo', send(), { 'x-test-key': 'key-audit-1' });

    const [record, ...more] = await audits(1);
    expect(more).toEqual([]);
    expect(record).toMatchObject({
      action: 'a2a.agent.call',
      requestId: 'req-1',
      actor: { kind: 'virtual', keyId: 'key-audit-1' },
      resourceType: 'a2a_agent',
      resourceId: 'echo',
      outcome: 'success',
      reason: null,
      metadata: {
        method: 'SendMessage',
        status: 'ok',
        task_id: task.id,
        context_id: task.contextId,
      },
    });
    expect(record?.metadata?.duration_ms).toEqual(expect.any(Number));
    expect(JSON.stringify(gateway.audits)).not.toContain(SECRET_TEXT);
  });

  it('records a stream once, when it ends, with what its events named', async () => {
    agent.handler = (call, res) => {
      openStream(res);
      res.write(resultEvent(call.body.id, { task: { ...task, status: {} } }));
      setTimeout(
        () => res.end(resultEvent(call.body.id, { statusUpdate: { taskId: task.id } })),
        50,
      );
    };
    const res = await gateway.open('echo', send('SendStreamingMessage'));
    expect(gateway.audits).toEqual([]);
    for await (const chunk of res) void chunk;

    const records = await audits(1);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: 'success' });
    expect(records[0]?.metadata).toMatchObject({
      method: 'SendStreamingMessage',
      status: 'ok',
      task_id: task.id,
      context_id: task.contextId,
    });
    expect(records[0]?.metadata?.duration_ms).toBeGreaterThanOrEqual(40);
  });

  it('records a stream the client left as client_closed', async () => {
    agent.handler = (call, res) => {
      openStream(res);
      res.write(resultEvent(call.body.id, { task: { ...task, status: {} } }));
    };
    const res = await gateway.open('echo', send('SendStreamingMessage'));
    for await (const chunk of res) {
      if (String(chunk).includes(task.id)) break;
    }
    res.destroy();

    const [record] = await audits(1);
    expect(record).toMatchObject({ outcome: 'failure', reason: 'client_closed' });
    expect(record?.metadata).toMatchObject({ status: 'cancelled', task_id: task.id });
  });

  it('records a call on another key’s task as denied, naming the task', async () => {
    await gateway.post('echo', send(), { 'x-test-key': 'owner' });
    gateway.audits.length = 0;
    const reply = await gateway.post('echo', rpc('GetTask', { id: task.id }), {
      'x-test-key': 'intruder',
    });
    expect(reply.json.error).toMatchObject({ code: -32001 });

    const [record] = await audits(1);
    expect(record).toMatchObject({ outcome: 'denied', reason: '-32001' });
    expect(record?.metadata).toMatchObject({
      method: 'GetTask',
      status: 'denied',
      task_id: task.id,
    });
  });

  it('records refusals before the body is read: access and quota', async () => {
    gateway.keys.set('no-echo', {
      key: { metadata: {}, agents: { ...NO_AGENT_RESTRICTIONS, agents: ['other'] } },
      team: null,
      keyId: 'no-echo',
      loadedAt: 0,
    } as unknown as { key: VirtualKeyRecord; team: null; keyId: string; loadedAt: number });
    const denied = await gateway.post('echo', send(), { 'x-test-key': 'no-echo' });
    expect(denied.status).toBe(403);
    gateway.admission.refuse = new GatewayException({
      status: 429,
      code: 'rate_limit_exceeded',
      message: 'slow down',
    });
    const limited = await gateway.post('echo', send());
    expect(limited.status).toBe(429);

    const records = await audits(2);
    expect(
      records.map((r) => [r.outcome, r.reason, r.metadata?.status, r.metadata?.method]),
    ).toEqual([
      ['denied', 'a2a_agent_access_denied', 'refused', null],
      ['denied', 'rate_limit_exceeded', 'refused', null],
    ]);
  });

  it('records requests the proxy answers itself, and nothing for an unknown agent', async () => {
    await gateway.post('echo', '{not json');
    await gateway.post('echo', rpc('GetExtendedAgentCard', {}));
    await gateway.post('nope', send());

    const records = await audits(2);
    expect(records.map((r) => [r.resourceId, r.outcome, r.reason, r.metadata?.method])).toEqual([
      ['echo', 'failure', '-32700', null],
      ['echo', 'failure', '-32601', 'unknown'],
    ]);
  });
});
