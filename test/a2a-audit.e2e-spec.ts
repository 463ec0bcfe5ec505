import type { Message } from '@a2a-js/sdk';
import { randomUUID } from 'node:crypto';
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
} from './fixtures/a2a.fixtures';
import { pollAudit, type AuditRow } from './fixtures/policy-audit.fixtures';
import { TEST_ADMIN_KEY, TEST_MASTER_KEY, type TestGateway } from './support/gateway-harness';

// Every JSON-RPC call through `POST /a2a/{id}` leaves one `a2a.agent.call` audit row (calls with
// the official SDK client against real SDK agents): who, which agent, method, task and context,
// outcome and duration; never the message text or a credential. Refusals are audited too.

const ECHO = 'echo-agent';
const SEND_TEXT = `audit-send-${randomUUID()}`;
const STREAM_TEXT = `stream audit-${randomUUID()}`;

describe('A2A call audit', () => {
  let agents: A2aAgents;
  let gw: TestGateway;
  let rest: A2aRest;
  let key: string;
  let denied: string;

  const calls = (done: (rows: AuditRow[]) => boolean): Promise<AuditRow[]> =>
    pollAudit(gw, 'action=a2a.agent.call&limit=100', done, 5000);

  beforeAll(async () => {
    agents = await startAgents();
    gw = await startA2aGateway(agents);
    rest = a2aRest(gw);
    await register(rest, agents.modern);
    await register(rest, agents.legacy);
    const team = await rest.admin('POST', '/team/new', { team_id: 'a2a-audit-team' });
    expect(team.status).toBe(200);
    key = await rest.generate({ key_alias: 'a2a-audit-bot', team_id: 'a2a-audit-team' });
    denied = await rest.generate({ object_permission: { agents: ['legacy-agent'] } });
  });
  afterAll(async () => {
    await gw?.close();
    await agents?.close();
  });

  it('records a send and a stream with actor, agent, method, task and context, no text', async () => {
    const client = await sdkClient(`${gw.url}/a2a/${ECHO}`, key);
    const reply = await client.sendMessage(userMessage(SEND_TEXT));
    expect(textOf(reply as Message)).toContain(SEND_TEXT);
    const events = [];
    for await (const event of client.sendMessageStream(userMessage(STREAM_TEXT))) {
      events.push(event);
    }
    expect(events.length).toBeGreaterThan(1);

    const rows = await calls((found) => found.length >= 2);
    const byMethod = (method: string) => rows.filter((row) => row.metadata.method === method);
    const [send] = byMethod('SendMessage');
    const [stream] = byMethod('SendStreamingMessage');
    expect(rows).toHaveLength(2);
    for (const row of [send, stream]) {
      expect(row).toMatchObject({
        action: 'a2a.agent.call',
        actor_type: 'virtual',
        resource_type: 'a2a_agent',
        resource_id: ECHO,
        outcome: 'success',
        reason: null,
        metadata: { status: 'ok', actor_alias: 'a2a-audit-bot', team_id: 'a2a-audit-team' },
      });
      expect(row?.request_id).toEqual(expect.any(String));
      expect(row?.actor_id).toMatch(/…/);
      expect(row?.metadata.duration_ms).toEqual(expect.any(Number));
    }
    // The echo agent answers a send with a message (a context, no task); a stream makes a task.
    expect(send?.metadata.context_id).toBe((reply as { contextId: string }).contextId);
    expect(send?.metadata).not.toHaveProperty('task_id');
    expect(stream?.metadata.task_id).toEqual(expect.any(String));
    expect(stream?.metadata.context_id).toEqual(expect.any(String));
    const text = JSON.stringify(rows);
    for (const secret of [SEND_TEXT, STREAM_TEXT, key, TEST_ADMIN_KEY, TEST_MASTER_KEY]) {
      expect(text).not.toContain(secret);
    }
  });

  it('records a call refused for access as denied, before any body is read', async () => {
    const before = agents.modern.requests.length;
    const reply = await rest.as(denied)('POST', `/a2a/${ECHO}`, {
      jsonrpc: '2.0',
      id: 1,
      method: 'SendMessage',
      params: { message: { messageId: randomUUID(), role: 'ROLE_USER', parts: [{ text: 'x' }] } },
    });
    expect(reply.status).toBe(403);
    expect(agents.modern.requests.length).toBe(before);

    const rows = await pollAudit(
      gw,
      'action=a2a.agent.call&outcome=denied',
      (found) => found.length >= 1,
      5000,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      resource_id: ECHO,
      outcome: 'denied',
      reason: 'a2a_agent_access_denied',
      request_id: reply.headers.get('x-request-id'),
      metadata: { method: null, status: 'refused' },
    });
  });

  it('finds the calls by action and resource, apart from registry changes', async () => {
    const rows = await pollAudit(gw, `action=a2a.agent.call&resource_id=${ECHO}`, () => true);
    expect(rows.map((row) => row.outcome).sort()).toEqual(['denied', 'success', 'success']);
    const all = await pollAudit(gw, 'resource_type=a2a_agent&limit=100', () => true);
    expect(all.filter((row) => row.action === 'a2a.agent.add')).toHaveLength(2);
    expect(all.filter((row) => row.action === 'a2a.agent.call')).toHaveLength(3);
  });
});
