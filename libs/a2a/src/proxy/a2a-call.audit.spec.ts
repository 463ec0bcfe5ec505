import { GatewayException, type GatewayRequest } from '@routeiq/common';
import type { AuditEvent, AuditService } from '@routeiq/security';
import { A2A_CALL_AUDIT_ACTION, A2aCallAuditor } from './a2a-call.audit';

function setup(principal: GatewayRequest['principal'] = { kind: 'virtual', keyId: 'vk-123456' }) {
  const events: AuditEvent[] = [];
  const audit = { record: (event: AuditEvent) => void events.push(event) } as AuditService;
  const req = { id: 'req-9', principal } as GatewayRequest;
  return { events, call: new A2aCallAuditor(audit).begin(req, 'travel') };
}

const refusal = (status: number, code: string) =>
  new GatewayException({ status, code, message: 'refused' });

describe(A2aCallAuditor.name, () => {
  it('records one call with actor, agent, method, ids, outcome and duration, never params', () => {
    const { events, call } = setup({
      kind: 'virtual',
      keyId: 'vk-123456',
      keyAlias: 'ops-bot',
      teamId: 'team-1',
    });
    const message = { taskId: 't-1', contextId: 'c-1', parts: [{ text: 'secret plan' }] };
    call.requested('SendMessage', { message });
    call.note({ tasks: ['t-2'], contexts: ['c-2'] });
    call.end('ok');
    call.end('error', '-32603');

    expect(events).toEqual([
      {
        action: A2A_CALL_AUDIT_ACTION,
        requestId: 'req-9',
        actor: { kind: 'virtual', keyId: 'vk-123456', keyAlias: 'ops-bot', teamId: 'team-1' },
        outcome: 'success',
        resourceType: 'a2a_agent',
        resourceId: 'travel',
        reason: null,
        metadata: {
          method: 'SendMessage',
          status: 'ok',
          duration_ms: expect.any(Number) as number,
          task_id: 't-1',
          context_id: 'c-1',
          actor_alias: 'ops-bot',
          team_id: 'team-1',
        },
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('secret plan');
  });

  it('takes the ids of the answer when the request named none', () => {
    const { events, call } = setup();
    call.requested('SendStreamingMessage', { message: { parts: [] } });
    call.note({ tasks: ['t-new', 't-other'], contexts: ['c-new'] });
    call.end('cancelled');
    expect(events[0]).toMatchObject({ outcome: 'failure', reason: 'client_closed' });
    expect(events[0]?.metadata).toMatchObject({
      method: 'SendStreamingMessage',
      status: 'cancelled',
      task_id: 't-new',
      context_id: 'c-new',
    });
  });

  it.each([
    ['denied', '-32001', 'denied', '-32001'],
    ['invalid', '-32601', 'failure', '-32601'],
    ['error', '-32002', 'failure', '-32002'],
    ['upstream_error', 'a2a_upstream_timeout', 'failure', 'a2a_upstream_timeout'],
  ] as const)('maps %s (%s) to outcome %s', (status, code, outcome, reason) => {
    const { events, call } = setup();
    call.requested(undefined, {});
    call.end(status, code);
    expect(events[0]).toMatchObject({ outcome, reason, metadata: { method: 'unknown', status } });
  });

  it.each([
    ['403', refusal(403, 'a2a_agent_access_denied'), 'denied'],
    ['429', refusal(429, 'rate_limit_exceeded'), 'denied'],
    ['a disabled agent', refusal(503, 'a2a_agent_disabled'), 'denied'],
    ['a 503 quota store', refusal(503, 'quota_storage_unavailable'), 'failure'],
    ['an unknown error', new Error('boom'), 'failure'],
  ])('audits a refusal before the body was read (%s) as %s', (_label, error, outcome) => {
    const { events, call } = setup();
    call.refused(error);
    call.end('ok');
    expect(events).toHaveLength(1);
    const reason = error instanceof GatewayException ? error.code : 'internal_error';
    expect(events[0]).toMatchObject({ outcome, reason, metadata: { method: null } });
    expect(events[0]?.metadata).toMatchObject({ status: 'refused' });
    expect(events[0]?.metadata).not.toHaveProperty('task_id');
  });
});
