import { noteAuditResource, type GatewayRequest } from '@routeiq/common';

// Facts from an admin answer that are safe to keep in the audit log (never the key itself).
const AUDITED_FIELDS = [
  'key_alias',
  'team_id',
  'user_id',
  'models',
  'permissions',
  'max_budget',
  'budget_duration',
  'rpm_limit',
  'tpm_limit',
  'blocked',
  'expires',
  'object_permission',
] as const;

/** Notes the resource an admin action touched for the audit record, and passes the answer on. */
export function noted<T extends object>(req: GatewayRequest, resourceId: unknown, answer: T): T {
  const id = Array.isArray(resourceId)
    ? resourceId.join(',')
    : typeof resourceId === 'string'
      ? resourceId
      : '';
  const source = answer as Record<string, unknown>;
  const metadata: Record<string, unknown> = {};
  for (const field of AUDITED_FIELDS) {
    if (source[field] !== undefined) metadata[field] = source[field];
  }
  noteAuditResource(req, id, metadata);
  return answer;
}
