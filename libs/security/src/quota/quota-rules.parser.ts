import type { ConfigProblem } from '@routeiq/config';
import {
  QUOTA_METRICS,
  QUOTA_SUBJECT_KINDS,
  QUOTA_WINDOWS,
  type QuotaCalendarWindow,
  type QuotaMetric,
  type QuotaRule,
  type QuotaSubjectKind,
} from './quota.types';

export const QUOTA_LIMITS_VARIABLE = 'ROUTEIQ_QUOTA_LIMITS_JSON';

const FIELDS = ['metric', 'window', 'limit', 'subject', 'id'];

type Entry = Record<string, unknown>;

/**
 * Parses `ROUTEIQ_QUOTA_LIMITS_JSON`: a JSON array of
 * `{"metric", "window", "limit", "subject"?, "id"?}`. Appends one problem per bad field, addressed
 * `ROUTEIQ_QUOTA_LIMITS_JSON[i].field` and quoting the entry; returns the valid rules.
 */
export function parseQuotaRules(text: string | undefined, problems: ConfigProblem[]): QuotaRule[] {
  if (text === undefined || text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    problems.push({ path: QUOTA_LIMITS_VARIABLE, message: `is not JSON: ${String(error)}` });
    return [];
  }
  if (!Array.isArray(parsed)) {
    problems.push({ path: QUOTA_LIMITS_VARIABLE, message: 'must be a JSON array of rules' });
    return [];
  }
  const rules: QuotaRule[] = [];
  const seen = new Map<string, number>();
  parsed.forEach((entry: unknown, index) => {
    const rule = parseRule(entry, `${QUOTA_LIMITS_VARIABLE}[${index}]`, problems);
    if (!rule) return;
    const identity = JSON.stringify([rule.metric, rule.window, rule.subject, rule.id]);
    const earlier = seen.get(identity);
    if (earlier === undefined) {
      seen.set(identity, index);
      rules.push(rule);
      return;
    }
    problems.push({
      path: `${QUOTA_LIMITS_VARIABLE}[${index}]`,
      message: `repeats the rule of entry [${earlier}] ${quote(entry)}`,
    });
  });
  return rules;
}

function parseRule(entry: unknown, path: string, problems: ConfigProblem[]): QuotaRule | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    problems.push({ path, message: `must be an object such as ${EXAMPLE} (got ${quote(entry)})` });
    return undefined;
  }
  const fields = entry as Entry;
  const before = problems.length;
  const bad = (field: string, message: string) =>
    problems.push({ path: `${path}.${field}`, message: `${message} in ${quote(entry)}` });

  for (const field of Object.keys(fields).filter((name) => !FIELDS.includes(name))) {
    bad(field, `is not a rule field (use ${FIELDS.join(', ')})`);
  }
  const metric = oneOf(fields.metric, QUOTA_METRICS);
  if (!metric) bad('metric', `must be one of ${QUOTA_METRICS.join(', ')}`);
  const window = oneOf(fields.window, QUOTA_WINDOWS);
  if (!window) bad('window', `must be one of ${QUOTA_WINDOWS.join(', ')}`);
  const limit = fields.limit;
  const integral = metric !== 'spend_usd';
  if (!isLimit(limit, integral)) {
    bad('limit', integral ? 'must be an integer >= 0' : 'must be a number of USD >= 0');
  }
  const subject = fields.subject === undefined ? undefined : oneOf(fields.subject, KINDS);
  if (fields.subject !== undefined && !subject)
    bad('subject', `must be one of ${KINDS.join(', ')}`);
  const id = fields.id;
  if (id !== undefined && (typeof id !== 'string' || id === ''))
    bad('id', 'must be a non-empty string');
  if (id !== undefined && fields.subject === undefined) bad('id', 'needs a "subject"');

  if (problems.length > before || !metric || !window || typeof limit !== 'number') return undefined;
  return {
    metric,
    window,
    limit,
    ...(subject ? { subject } : {}),
    ...(typeof id === 'string' ? { id } : {}),
  };
}

const KINDS: readonly QuotaSubjectKind[] = QUOTA_SUBJECT_KINDS;
const EXAMPLE = '{"metric":"requests","window":"minute","limit":100}';

function oneOf<T extends QuotaMetric | QuotaCalendarWindow | QuotaSubjectKind>(
  value: unknown,
  allowed: readonly T[],
): T | undefined {
  return allowed.find((candidate) => candidate === value);
}

function isLimit(value: unknown, integral: boolean): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return false;
  return !integral || Number.isSafeInteger(value);
}

/** The entry as written, cut short. */
function quote(entry: unknown): string {
  const text = JSON.stringify(entry) ?? String(entry);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
