import {
  decodePageCursor,
  encodePageCursor,
  QueryParamsReader,
  type QueryProblem,
  type RawQuery,
} from '@routeiq/common';
import {
  AUDIT_ACTOR_TYPES,
  AUDIT_OUTCOMES,
  type AuditActorType,
  type AuditLogFilter,
  type AuditLogPosition,
} from '@routeiq/persistence';
import { AuditException } from './audit.exception';

export const DEFAULT_AUDIT_QUERY_LIMIT = 50;
export const MAX_AUDIT_QUERY_LIMIT = 500;

const PARAMS = new Set([
  'action',
  'actor',
  'resource_type',
  'resource_id',
  'outcome',
  'since',
  'until',
  'limit',
  'cursor',
]);
// Date, or date-time with a zone: a zone-less time would be read in the server's time zone.
// A space stands for `+` because query strings decode an unescaped `+` as a space.
const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[ +-]\d{2}:?\d{2}))?$/i;
const ACTION = /^[A-Za-z0-9_.-]{1,64}$/;

const invalidQuery: QueryProblem = (param, message) => AuditException.invalidQuery(param, message);

/**
 * `GET /audit/logs` query parameters as a store filter. Every problem is a 400 naming the
 * parameter: unknown names, repeated values, bad enums, dates and limits, undecodable cursors.
 */
export function parseAuditQuery(query: RawQuery): AuditLogFilter {
  const params = new QueryParamsReader(query, invalidQuery);
  params.refuseUnknown(PARAMS);
  const action = params.text('action', 64);
  if (action !== undefined && !ACTION.test(action)) {
    throw AuditException.invalidQuery('action', 'must look like "key.generate"');
  }
  const since = date(params, 'since');
  const until = date(params, 'until');
  if (since && until && since.getTime() > until.getTime()) {
    throw AuditException.invalidQuery('until', 'must not be before "since"');
  }
  const cursor = params.text('cursor', 200);
  return {
    action,
    ...actor(params.text('actor', 64)),
    resourceType: params.text('resource_type', 64),
    resourceId: params.text('resource_id', 255),
    outcome: params.oneOf('outcome', AUDIT_OUTCOMES),
    since,
    until,
    after: cursor === undefined ? undefined : decodeAuditCursor(cursor),
    limit: params.limit(DEFAULT_AUDIT_QUERY_LIMIT, MAX_AUDIT_QUERY_LIMIT),
  };
}

/** Opaque cursor for the row after which the next page starts. */
export function encodeAuditCursor(position: AuditLogPosition): string {
  return encodePageCursor(position);
}

export function decodeAuditCursor(cursor: string): AuditLogPosition {
  return decodePageCursor(cursor, (id) => id.length > 0 && id.length <= 36, invalidQuery);
}

/** An actor type filters by type; anything else is a masked id (`...` accepted for `…`). */
function actor(value: string | undefined): { actorType?: AuditActorType; actorId?: string } {
  if (value === undefined) return {};
  const actorType = AUDIT_ACTOR_TYPES.find((type) => type === value);
  return actorType ? { actorType } : { actorId: value.replace('...', '…') };
}

function date(params: QueryParamsReader, name: string): Date | undefined {
  const value = params.text(name, 40);
  if (value === undefined) return undefined;
  const parsed = ISO_8601.test(value) ? new Date(value.replace(' ', '+')) : undefined;
  if (parsed === undefined || Number.isNaN(parsed.getTime())) {
    throw AuditException.invalidQuery(name, 'must be an ISO 8601 date or date-time with a zone');
  }
  return parsed;
}
