import type { AuditLogPage, AuditLogRecord } from '@routeiq/persistence';
import { encodeAuditCursor } from './audit-query.parser';

/** One row of `GET /audit/logs`, in the API's snake_case. */
export interface AuditLogView {
  readonly id: string;
  readonly created_at: string;
  readonly request_id: string | null;
  readonly actor_type: AuditLogRecord['actorType'];
  readonly actor_id: string | null;
  readonly action: string;
  readonly resource_type: string | null;
  readonly resource_id: string | null;
  readonly outcome: AuditLogRecord['outcome'];
  readonly reason: string | null;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** `GET /audit/logs` response: newest first; pass `next_cursor` as `cursor` for the next page. */
export interface AuditLogsResponse {
  readonly data: AuditLogView[];
  readonly next_cursor: string | null;
}

export function toAuditLogsResponse(page: AuditLogPage): AuditLogsResponse {
  return {
    data: page.items.map(toAuditLogView),
    next_cursor: page.next ? encodeAuditCursor(page.next) : null,
  };
}

function toAuditLogView(record: AuditLogRecord): AuditLogView {
  return {
    id: record.id,
    created_at: record.createdAt.toISOString(),
    request_id: record.requestId,
    actor_type: record.actorType,
    actor_id: record.actorId,
    action: record.action,
    resource_type: record.resourceType,
    resource_id: record.resourceId,
    outcome: record.outcome,
    reason: record.reason,
    metadata: record.metadata,
  };
}
