import { localDayBounds } from './format';

/** The audit log filters as typed. */
export interface AuditFilterDraft {
  readonly actor: string;
  readonly action: string;
  readonly resourceType: string;
  readonly outcome: '' | 'success' | 'failure' | 'denied';
  /** `YYYY-MM-DD`, local days, both inclusive. */
  readonly since: string;
  readonly until: string;
  readonly limit: string;
}

export const NO_AUDIT_FILTERS: AuditFilterDraft = {
  actor: '',
  action: '',
  resourceType: '',
  outcome: '',
  since: '',
  until: '',
  limit: '50',
};

const ACTION = /^[A-Za-z0-9_.-]{1,64}$/;

/** `GET /audit/logs` query parameters, or the problems found (by field). */
export function auditQuery(
  draft: AuditFilterDraft,
):
  | { query: Record<string, string>; errors: null }
  | { query: null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const query: Record<string, string> = { limit: draft.limit };
  const action = draft.action.trim();
  if (action !== '' && !ACTION.test(action)) errors.action = 'Use an action like key.generate';
  else if (action !== '') query.action = action;
  if (draft.actor.trim()) query.actor = draft.actor.trim();
  if (draft.resourceType.trim()) query.resource_type = draft.resourceType.trim();
  if (draft.outcome) query.outcome = draft.outcome;
  const since = draft.since ? localDayBounds(draft.since) : null;
  const until = draft.until ? localDayBounds(draft.until) : null;
  if (draft.since && !since) errors.since = 'Enter a date';
  if (draft.until && !until) errors.until = 'Enter a date';
  if (since) query.since = since.start;
  // The gateway's `until` is an instant: the end of the chosen day, so the day is included.
  if (until) query.until = new Date(new Date(until.end).getTime() - 1).toISOString();
  if (since && until && since.start > until.start) errors.until = 'Must not be before the start';
  return Object.keys(errors).length > 0 ? { query: null, errors } : { query, errors: null };
}
