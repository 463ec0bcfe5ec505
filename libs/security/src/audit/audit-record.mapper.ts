import { randomUUID } from 'node:crypto';
import type { AuditActorType, AuditLogRecord } from '@routeiq/persistence';
import { AuditAction, type AuditEvent, type PolicyDenyEvent, SYSTEM_ACTOR } from './audit-event';
import { clipText, maskActorId, sanitizeAuditMetadata } from './audit-redaction';

/** The row for an event: id and time assigned now, actor masked, text scrubbed and cut. */
export function toAuditLogRecord(event: AuditEvent, now: Date = new Date()): AuditLogRecord {
  return {
    id: randomUUID(),
    createdAt: now,
    requestId: clipText(event.requestId, 128),
    ...actorOf(event.actor),
    action: event.action.slice(0, 64),
    resourceType: clipText(event.resourceType, 64),
    resourceId: clipText(event.resourceId, 255),
    outcome: event.outcome ?? 'success',
    reason: clipText(event.reason, 512),
    metadata: sanitizeAuditMetadata(event.metadata),
  };
}

/** A policy deny as an audit event: the route is the resource, the rule the reason. */
export function policyDenyToEvent(deny: PolicyDenyEvent): AuditEvent {
  return {
    action: AuditAction.PolicyDeny,
    outcome: 'denied',
    requestId: deny.requestId,
    actor: deny.principal ?? null,
    resourceType: 'route',
    resourceId: `${deny.method.toUpperCase()} ${deny.route}`,
    reason: deny.rule,
    metadata: { model: deny.model ?? null, source_ip: deny.sourceIp ?? null },
  };
}

function actorOf(actor: AuditEvent['actor']): {
  actorType: AuditActorType;
  actorId: string | null;
} {
  if (actor === SYSTEM_ACTOR) return { actorType: 'system', actorId: null };
  if (actor === undefined || actor === null) return { actorType: 'anonymous', actorId: null };
  return { actorType: actor.kind, actorId: maskActorId(actor.keyId) };
}
