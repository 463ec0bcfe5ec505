import { createHash } from 'node:crypto';
import {
  decodePageCursor,
  encodePageCursor,
  QueryParamsReader,
  type QueryProblem,
  type RawQuery,
} from '@routeiq/common';
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
const ROW_ID = /^\d{1,20}$/;
const DAY_MS = 86_400_000;

const invalidQuery: QueryProblem = (param, message) => CostException.invalidQuery(param, message);

/** `GET /spend/logs` parameters; every problem is a 400 naming the parameter. */
export function parseSpendLogQuery(query: RawQuery): SpendLogQuery {
  const params = new QueryParamsReader(query, invalidQuery);
  params.refuseUnknown(LOG_PARAMS);
  const cursor = params.text('cursor', 200);
  return {
    ...filter(params),
    requestId: params.text('request_id', 128),
    after:
      cursor === undefined
        ? undefined
        : decodePageCursor(cursor, (id) => ROW_ID.test(id), invalidQuery),
    limit: params.limit(DEFAULT_SPEND_LOG_LIMIT, MAX_SPEND_QUERY_LIMIT),
  };
}

/** `GET /spend/report` parameters; `group_by` defaults to `team`, as LiteLLM's report does. */
export function parseSpendReportQuery(query: RawQuery): SpendReportQuery {
  const params = new QueryParamsReader(query, invalidQuery);
  params.refuseUnknown(REPORT_PARAMS);
  const groupBy = params.oneOf('group_by', SPEND_GROUPS) ?? 'team';
  return {
    ...filter(params),
    groupBy,
    limit: params.limit(DEFAULT_SPEND_REPORT_LIMIT, MAX_SPEND_QUERY_LIMIT),
  };
}

export function encodeSpendCursor(position: SpendLogPosition): string {
  return encodePageCursor(position);
}

function filter(params: QueryParamsReader): SpendFilter {
  const apiKey = params.text('api_key', 256);
  const keyId = params.text('key_id', 128);
  if (apiKey !== undefined && keyId !== undefined) {
    throw CostException.invalidQuery('api_key', 'give either api_key or key_id, not both');
  }
  const since = date(params, 'start_date', 'start');
  const until = date(params, 'end_date', 'end');
  if (since && until && since.getTime() >= until.getTime()) {
    throw CostException.invalidQuery('end_date', 'must not be before start_date');
  }
  return {
    keyId: apiKey === undefined ? keyId : keyIdOf(apiKey),
    teamId: params.text('team_id', 128),
    userId: params.text('user_id', 255),
    model: params.text('model', 255),
    deploymentId: params.text('deployment_id', 128),
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
function date(params: QueryParamsReader, name: string, bound: 'start' | 'end'): Date | undefined {
  const value = params.text(name, 40);
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
