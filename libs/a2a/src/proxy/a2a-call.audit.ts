import { Injectable } from '@nestjs/common';
import { GatewayException, type GatewayRequest } from '@routeiq/common';
import type { AuditOutcome } from '@routeiq/persistence';
import { auditContext, AuditService, type AuditEvent } from '@routeiq/security';
import { A2aErrorCode } from '../a2a.exception';
import type { A2aCallStatus } from './a2a-call.tracker';
import { methodSpec, referencedTaskIds, requestedContextId } from './a2a-methods';

/** Audit action of every JSON-RPC call to an agent through `POST /a2a/{id}`. */
export const A2A_CALL_AUDIT_ACTION = 'a2a.agent.call';

/** `reason` of a call that ended because the client went away. */
export const A2A_CLIENT_CLOSED = 'client_closed';

/** Task and context ids a request or an answer names. */
export interface A2aCallIds {
  readonly tasks: readonly string[];
  readonly contexts: readonly string[];
}

/** `metadata.status` of a call refused before its body was read. */
type A2aRefusal = 'refused';

const OUTCOMES: Readonly<Record<A2aCallStatus, AuditOutcome>> = {
  ok: 'success',
  error: 'failure',
  denied: 'denied',
  invalid: 'failure',
  upstream_error: 'failure',
  cancelled: 'failure',
};

/** Gateway errors that refuse a caller rather than fail its call. */
const REFUSING_STATUSES = new Set([403, 429]);

/** Starts the audit record of proxied A2A calls (`a2a.agent.call`). */
@Injectable()
export class A2aCallAuditor {
  constructor(private readonly audit: AuditService) {}

  /** Starts the clock of one call to a known agent; end it exactly once. */
  begin(req: GatewayRequest, agentId: string): A2aCallAudit {
    return new A2aCallAudit(this.audit, req, agentId);
  }
}

/**
 * What one call's audit record will say: who, which agent, method, task and context, outcome and
 * duration. Never the params, the answer or a credential. Recorded through the batched writer
 * once, when the call ends (for a stream: when it is over).
 */
export class A2aCallAudit {
  private readonly startedAt = performance.now();
  /** The 1.0 name; `unknown` for a method not forwarded; null until a request was parsed. */
  private method: string | null = null;
  private taskId: string | undefined;
  private contextId: string | undefined;
  private ended = false;

  constructor(
    private readonly audit: AuditService,
    readonly req: GatewayRequest,
    readonly agentId: string,
  ) {}

  /** The request's method (1.0 name, undefined when not forwarded) and the ids its params name. */
  requested(method: string | undefined, params: unknown): void {
    this.method = method ?? 'unknown';
    const spec = methodSpec(method);
    if (!spec) return;
    const context = requestedContextId(spec, params);
    this.note({ tasks: referencedTaskIds(spec, params), contexts: context ? [context] : [] });
  }

  /** Ids the answer named; those of the request, noted first, are kept. */
  note(ids: A2aCallIds | undefined): void {
    this.taskId ??= ids?.tasks[0];
    this.contextId ??= ids?.contexts[0];
  }

  /** Refused before the body was read: access, a disabled agent, the quota. */
  refused(error: unknown): void {
    const code = error instanceof GatewayException ? error.code : 'internal_error';
    const refusal =
      error instanceof GatewayException &&
      (REFUSING_STATUSES.has(error.status) || code === (A2aErrorCode.AgentDisabled as string));
    this.write(refusal ? 'denied' : 'failure', code, 'refused');
  }

  /** `errorType`: the JSON-RPC or gateway error code of a call that did not end `ok`. */
  end(status: A2aCallStatus, errorType?: string): void {
    const reason = status === 'cancelled' ? A2A_CLIENT_CLOSED : (errorType ?? null);
    this.write(OUTCOMES[status], status === 'ok' ? null : reason, status);
  }

  private write(
    outcome: AuditOutcome,
    reason: string | null,
    status: A2aCallStatus | A2aRefusal,
  ): void {
    if (this.ended) return;
    this.ended = true;
    this.audit.record(this.event(outcome, reason, status));
  }

  private event(outcome: AuditOutcome, reason: string | null, status: string): AuditEvent {
    const principal = this.req.principal;
    return {
      ...auditContext(this.req),
      action: A2A_CALL_AUDIT_ACTION,
      outcome,
      resourceType: 'a2a_agent',
      resourceId: this.agentId,
      reason,
      metadata: {
        method: this.method,
        status,
        duration_ms: Math.round(performance.now() - this.startedAt),
        ...(this.taskId !== undefined && { task_id: this.taskId }),
        ...(this.contextId !== undefined && { context_id: this.contextId }),
        ...(principal?.keyAlias && { actor_alias: principal.keyAlias }),
        ...(principal?.teamId && { team_id: principal.teamId }),
      },
    };
  }
}
