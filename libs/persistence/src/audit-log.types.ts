/** Who performed an audited action. `system` is the gateway itself; `anonymous` had no credential. */
export type AuditActorType = 'admin' | 'master' | 'virtual' | 'system' | 'anonymous';
export const AUDIT_ACTOR_TYPES: readonly AuditActorType[] = [
  'admin',
  'master',
  'virtual',
  'system',
  'anonymous',
];

export type AuditOutcome = 'success' | 'failure' | 'denied';
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'failure', 'denied'];

/**
 * One audit log row. Built by the security lib's AuditService, which masks the actor id and
 * scrubs reason and metadata: the store writes what it is given.
 */
export interface AuditLogRecord {
  /** UUID, assigned when the event is recorded (before the batched insert). */
  readonly id: string;
  readonly createdAt: Date;
  readonly requestId: string | null;
  readonly actorType: AuditActorType;
  /** Masked credential id (never a full key), or null for `system`/`anonymous`. */
  readonly actorId: string | null;
  /** Dotted action name, e.g. `key.generate`, `config.reload`, `policy.deny`. */
  readonly action: string;
  readonly resourceType: string | null;
  readonly resourceId: string | null;
  readonly outcome: AuditOutcome;
  readonly reason: string | null;
  /** Small JSON object; never request bodies or secrets. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** A position in the newest-first order: rows strictly after it are older, or equal-time with a smaller id. */
export interface AuditLogPosition {
  readonly createdAt: Date;
  readonly id: string;
}

/** Every field is an exact match except the time bounds: `since` inclusive, `until` exclusive. */
export interface AuditLogFilter {
  readonly action?: string;
  readonly actorType?: AuditActorType;
  readonly actorId?: string;
  readonly resourceType?: string;
  readonly resourceId?: string;
  readonly outcome?: AuditOutcome;
  readonly since?: Date;
  readonly until?: Date;
  /** Continue after this row (the last one of the previous page). */
  readonly after?: AuditLogPosition;
  readonly limit: number;
}

/** Rows newest first; `next` is set when more rows match after the last one returned. */
export interface AuditLogPage {
  readonly items: AuditLogRecord[];
  readonly next: AuditLogPosition | null;
}
