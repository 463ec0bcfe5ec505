import type { GatewayRequest, Principal } from '@routeiq/common';
import type { AuditOutcome } from '@routeiq/persistence';

/** Action names in use. Others follow the same `<resource>.<verb>` form (e.g. `mcp.server.add`). */
export const AuditAction = {
  KeyGenerate: 'key.generate',
  KeyUpdate: 'key.update',
  KeyDelete: 'key.delete',
  KeyBlock: 'key.block',
  KeyUnblock: 'key.unblock',
  KeyRegenerate: 'key.regenerate',
  TeamNew: 'team.new',
  TeamUpdate: 'team.update',
  TeamDelete: 'team.delete',
  ConfigReload: 'config.reload',
  PolicyDeny: 'policy.deny',
} as const;

/** The gateway itself (scheduled jobs, start-up), as opposed to a caller. */
export const SYSTEM_ACTOR = 'system';

/**
 * One audited event as callers describe it. AuditService masks, scrubs and truncates everything
 * before it is stored, so callers may pass a principal or an error code as they have them; they
 * must still never put request bodies in `metadata`.
 */
export interface AuditEvent {
  /** Dotted name, see `AuditAction`. At most 64 characters. */
  readonly action: string;
  /** Default `success`. */
  readonly outcome?: AuditOutcome;
  readonly requestId?: string | null;
  /** The caller's principal, `SYSTEM_ACTOR`, or absent for an anonymous caller. */
  readonly actor?: Principal | typeof SYSTEM_ACTOR | null;
  /** e.g. `key`, `team`, `config`, `route`. */
  readonly resourceType?: string | null;
  /** A non-secret id (key hash id, alias, team id). Never a key: it is scrubbed, not masked. */
  readonly resourceId?: string | null;
  /** Short text (an error code, a rule name); truncated to 512 characters. */
  readonly reason?: string | null;
  /** Small JSON object; secret-like keys and body-like keys are dropped. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** A request the policy engine refused (the `PolicyDenyListener` port's payload). */
export interface PolicyDenyEvent {
  readonly requestId: string;
  readonly principal?: Principal | null;
  /** Route path without the query string, e.g. `/v1/chat/completions`. */
  readonly route: string;
  readonly method: string;
  readonly model?: string | null;
  readonly sourceIp?: string | null;
  /** Name or id of the rule that denied the request. */
  readonly rule: string;
}

/** The request id and caller of a control-plane request, to spread into an `AuditEvent`. */
export function auditContext(req: GatewayRequest): Pick<AuditEvent, 'requestId' | 'actor'> {
  return { requestId: req.id, actor: req.principal ?? null };
}
