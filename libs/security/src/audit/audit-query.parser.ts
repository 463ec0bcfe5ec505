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
const CURSOR = /^[A-Za-z0-9_-]{1,200}$/;

type RawQuery = Readonly<Record<string, unknown>>;

/**
 * `GET /audit/logs` query parameters as a store filter. Every problem is a 400 naming the
 * parameter: unknown names, repeated values, bad enums, dates and limits, undecodable cursors.
 */
export function parseAuditQuery(query: RawQuery): AuditLogFilter {
  for (const name of Object.keys(query)) {
    if (!PARAMS.has(name)) throw AuditException.invalidQuery(name, 'unknown parameter');
  }
  const action = text(query, 'action', 64);
  if (action !== undefined && !ACTION.test(action)) {
    throw AuditException.invalidQuery('action', 'must look like "key.generate"');
  }
  const since = date(query, 'since');
  const until = date(query, 'until');
  if (since && until && since.getTime() > until.getTime()) {
    throw AuditException.invalidQuery('until', 'must not be before "since"');
  }
  const cursor = text(query, 'cursor', 200);
  return {
    action,
    ...actor(text(query, 'actor', 64)),
    resourceType: text(query, 'resource_type', 64),
    resourceId: text(query, 'resource_id', 255),
    outcome: oneOf(query, 'outcome', AUDIT_OUTCOMES),
    since,
    until,
    after: cursor === undefined ? undefined : decodeAuditCursor(cursor),
    limit: limit(query),
  };
}

/** Opaque cursor for the row after which the next page starts. */
export function encodeAuditCursor(position: AuditLogPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString(
    'base64url',
  );
}

export function decodeAuditCursor(cursor: string): AuditLogPosition {
  const invalid = (): AuditException =>
    AuditException.invalidQuery('cursor', 'is not a cursor returned by this endpoint');
  if (!CURSOR.test(cursor)) throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw invalid();
  const [at, id] = decoded as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string' || id.length === 0 || id.length > 36) {
    throw invalid();
  }
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime())) throw invalid();
  return { createdAt, id };
}

function text(query: RawQuery, name: string, max: number): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw AuditException.invalidQuery(name, 'must be given once');
  if (value.length === 0) throw AuditException.invalidQuery(name, 'must not be empty');
  if (value.length > max) {
    throw AuditException.invalidQuery(name, `must be at most ${max} characters`);
  }
  return value;
}

function oneOf<T extends string>(
  query: RawQuery,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const value = text(query, name, 32);
  if (value === undefined) return undefined;
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) {
    throw AuditException.invalidQuery(name, `must be one of: ${allowed.join(', ')}`);
  }
  return match;
}

/** An actor type filters by type; anything else is a masked id (`...` accepted for `…`). */
function actor(value: string | undefined): { actorType?: AuditActorType; actorId?: string } {
  if (value === undefined) return {};
  const actorType = AUDIT_ACTOR_TYPES.find((type) => type === value);
  return actorType ? { actorType } : { actorId: value.replace('...', '…') };
}

function date(query: RawQuery, name: string): Date | undefined {
  const value = text(query, name, 40);
  if (value === undefined) return undefined;
  const parsed = ISO_8601.test(value) ? new Date(value.replace(' ', '+')) : undefined;
  if (parsed === undefined || Number.isNaN(parsed.getTime())) {
    throw AuditException.invalidQuery(name, 'must be an ISO 8601 date or date-time with a zone');
  }
  return parsed;
}

function limit(query: RawQuery): number {
  const value = text(query, 'limit', 8);
  if (value === undefined) return DEFAULT_AUDIT_QUERY_LIMIT;
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed >= 1 && parsed <= MAX_AUDIT_QUERY_LIMIT)) {
    throw AuditException.invalidQuery(
      'limit',
      `must be an integer from 1 to ${MAX_AUDIT_QUERY_LIMIT}`,
    );
  }
  return parsed;
}
