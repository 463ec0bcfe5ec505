import { createHash } from 'node:crypto';
import {
  SPEND_GROUPS,
  type SpendFilter,
  type SpendLogPosition,
  type SpendLogQuery,
  type SpendReportQuery,
} from '@routeiq/persistence';
import { CostException } from '../cost.exception';

export const DEFAULT_SPEND_LOG_LIMIT = 50;
export const DEFAULT_SPEND_REPORT_LIMIT = 100;
export const MAX_SPEND_QUERY_LIMIT = 1000;

const FILTER_PARAMS = [
  'api_key',
  'key_id',
  'team_id',
  'user_id',
  'model',
  'deployment_id',
  'start_date',
  'end_date',
  'limit',
];
const LOG_PARAMS = new Set([...FILTER_PARAMS, 'request_id', 'cursor']);
const REPORT_PARAMS = new Set([...FILTER_PARAMS, 'group_by']);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
// A date-time needs a zone: a zone-less time would be read in the server's time zone. A space
// stands for `+` because query strings decode an unescaped `+` as a space.
const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[ +-]\d{2}:?\d{2})$/i;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const CURSOR = /^[A-Za-z0-9_-]{1,200}$/;
const DAY_MS = 86_400_000;

type RawQuery = Readonly<Record<string, unknown>>;

/** `GET /spend/logs` parameters; every problem is a 400 naming the parameter. */
export function parseSpendLogQuery(query: RawQuery): SpendLogQuery {
  refuseUnknown(query, LOG_PARAMS);
  const cursor = text(query, 'cursor', 200);
  return {
    ...filter(query),
    requestId: text(query, 'request_id', 128),
    after: cursor === undefined ? undefined : decodeSpendCursor(cursor),
    limit: limit(query, DEFAULT_SPEND_LOG_LIMIT),
  };
}

/** `GET /spend/report` parameters; `group_by` defaults to `team`, as LiteLLM's report does. */
export function parseSpendReportQuery(query: RawQuery): SpendReportQuery {
  refuseUnknown(query, REPORT_PARAMS);
  const raw = text(query, 'group_by', 32) ?? 'team';
  const groupBy = SPEND_GROUPS.find((group) => group === raw);
  if (groupBy === undefined) {
    throw CostException.invalidQuery('group_by', `must be one of: ${SPEND_GROUPS.join(', ')}`);
  }
  return { ...filter(query), groupBy, limit: limit(query, DEFAULT_SPEND_REPORT_LIMIT) };
}

export function encodeSpendCursor(position: SpendLogPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString(
    'base64url',
  );
}

function decodeSpendCursor(cursor: string): SpendLogPosition {
  const invalid = (): CostException =>
    CostException.invalidQuery('cursor', 'is not a cursor returned by this endpoint');
  if (!CURSOR.test(cursor)) throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw invalid();
  const [at, id] = decoded as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string' || !/^\d{1,20}$/.test(id)) throw invalid();
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime())) throw invalid();
  return { createdAt, id };
}

function refuseUnknown(query: RawQuery, allowed: ReadonlySet<string>): void {
  for (const name of Object.keys(query)) {
    if (!allowed.has(name)) throw CostException.invalidQuery(name, 'unknown parameter');
  }
}

function filter(query: RawQuery): SpendFilter {
  const apiKey = text(query, 'api_key', 256);
  const keyId = text(query, 'key_id', 128);
  if (apiKey !== undefined && keyId !== undefined) {
    throw CostException.invalidQuery('api_key', 'give either api_key or key_id, not both');
  }
  const since = date(query, 'start_date', 'start');
  const until = date(query, 'end_date', 'end');
  if (since && until && since.getTime() >= until.getTime()) {
    throw CostException.invalidQuery('end_date', 'must not be before start_date');
  }
  return {
    keyId: apiKey === undefined ? keyId : keyIdOf(apiKey),
    teamId: text(query, 'team_id', 128),
    userId: text(query, 'user_id', 255),
    model: text(query, 'model', 255),
    deploymentId: text(query, 'deployment_id', 128),
    since,
    until,
  };
}

/**
 * LiteLLM's `api_key` filter takes the key or its hash (`token`); request logs carry the key id,
 * derived as the security lib's `virtualKeyId` derives it (`vk-` + 12 hex digits of the hash).
 * Anything else is taken as a key id already.
 */
function keyIdOf(apiKey: string): string {
  if (SHA256_HEX.test(apiKey)) return `vk-${apiKey.slice(0, 12)}`;
  if (!apiKey.startsWith('sk-')) return apiKey;
  return `vk-${createHash('sha256').update(apiKey, 'utf8').digest('hex').slice(0, 12)}`;
}

/**
 * `YYYY-MM-DD` is a UTC day: `start_date` from its first millisecond, `end_date` through its last.
 * A date-time with a zone is an instant; both bounds include it. Returned as [since, until).
 */
function date(query: RawQuery, name: string, bound: 'start' | 'end'): Date | undefined {
  const value = text(query, name, 40);
  if (value === undefined) return undefined;
  const day = DAY.test(value);
  const parsed =
    day || DATE_TIME.test(value)
      ? new Date(day ? `${value}T00:00:00Z` : value.replace(' ', '+'))
      : undefined;
  if (parsed === undefined || Number.isNaN(parsed.getTime())) {
    throw CostException.invalidQuery(
      name,
      'must be a date (YYYY-MM-DD, UTC) or an ISO 8601 date-time with a zone',
    );
  }
  if (bound === 'start') return parsed;
  return new Date(parsed.getTime() + (day ? DAY_MS : 1));
}

function text(query: RawQuery, name: string, max: number): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw CostException.invalidQuery(name, 'must be given once');
  if (value.length === 0) throw CostException.invalidQuery(name, 'must not be empty');
  if (value.length > max) {
    throw CostException.invalidQuery(name, `must be at most ${max} characters`);
  }
  return value;
}

function limit(query: RawQuery, fallback: number): number {
  const value = text(query, 'limit', 8);
  if (value === undefined) return fallback;
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed >= 1 && parsed <= MAX_SPEND_QUERY_LIMIT)) {
    throw CostException.invalidQuery(
      'limit',
      `must be an integer from 1 to ${MAX_SPEND_QUERY_LIMIT}`,
    );
  }
  return parsed;
}
