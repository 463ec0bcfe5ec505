import { calendarWindow, type WindowBounds } from './quota-windows';
import {
  QUOTA_SUBJECT_KINDS,
  type QuotaMetric,
  type QuotaRequest,
  type QuotaRule,
  type QuotaSubjectKind,
  type QuotaUsage,
  type QuotaWindow,
  type ScopedKeyLimits,
  type SubjectLimits,
} from './quota.types';

/** One counter a request is checked against. */
export interface PlannedCounter {
  /** Logical counter name, unique per subject, metric and window instance. */
  readonly key: string;
  readonly metric: QuotaMetric;
  readonly window: QuotaWindow;
  readonly subject: QuotaSubjectKind;
  /** Set for a scoped key limit (`ScopedKeyLimits.label`). */
  readonly scope?: string;
  /** In counter units: micro-USD for spend. */
  readonly limit: number;
  /** In the metric's unit (USD for spend), for messages. */
  readonly displayLimit: number;
  /** Window end; undefined for a lifetime budget. */
  readonly endMs: number | undefined;
  readonly ttlMs: number;
}

interface Subject {
  readonly kind: QuotaSubjectKind;
  readonly id: string;
  /** `ScopedKeyLimits.label`; the counters of a scoped subject are apart from the plain ones. */
  readonly scope?: string;
  /** `ScopedKeyLimits.scope`, part of the counter key. */
  readonly within?: string;
}

const MICRO_USD_PER_USD = 1_000_000;
/** A lifetime budget counter (no budget period) lives this long, then restarts from 0. */
export const LIFETIME_BUDGET_TTL_MS = 400 * 24 * 3_600_000;

/** Counter units of a metric's value: spend in micro-USD, counts rounded up. */
export function counterUnits(metric: QuotaMetric, value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 0;
  return metric === 'spend_usd' ? Math.round(value * MICRO_USD_PER_USD) : Math.ceil(value);
}

/** What a call uses of a metric. */
export function usageOf(metric: QuotaMetric, usage: QuotaUsage): number {
  switch (metric) {
    case 'requests':
      return 1;
    case 'input_tokens':
      return counterUnits(metric, usage.inputTokens);
    case 'output_tokens':
      return counterUnits(metric, usage.outputTokens);
    case 'total_tokens':
      return counterUnits(metric, usage.inputTokens) + counterUnits(metric, usage.outputTokens);
    case 'spend_usd':
      return counterUnits(metric, usage.spendUsd);
  }
}

/** The subject the env rules apply to: team, else user, else key, else client IP. */
export function mainSubject(request: QuotaRequest): Subject | undefined {
  for (const kind of QUOTA_SUBJECT_KINDS) {
    const id = request.subjects[kind];
    if (id) return { kind, id };
  }
  return undefined;
}

/**
 * Every counter of a request: the env rules for its main subject (per metric and window the most
 * specific rule wins: id over subject kind over any), plus the key's and the team's own limits, and
 * their limits within a scope. Limits landing on the same counter merge to the lowest.
 */
export function planCounters(
  rules: readonly QuotaRule[],
  request: QuotaRequest,
  nowMs: number,
): PlannedCounter[] {
  const byKey = new Map<string, PlannedCounter>();
  const add = (counter: PlannedCounter | undefined) => {
    if (!counter) return;
    const existing = byKey.get(counter.key);
    if (!existing || counter.limit < existing.limit) byKey.set(counter.key, counter);
  };
  const main = mainSubject(request);
  if (main) ruleLimits(rules, main).forEach((rule) => add(calendarCounter(main, rule, nowMs)));
  const { key, team } = request.subjects;
  if (key) subjectCounters({ kind: 'key', id: key }, request.keyLimits, nowMs).forEach(add);
  if (team) subjectCounters({ kind: 'team', id: team }, request.teamLimits, nowMs).forEach(add);
  if (request.scopedKeyLimits) {
    scopedCounters(request.scopedKeyLimits, key, team, nowMs).forEach(add);
  }
  return [...byKey.values()];
}

/** The key's (and its team's) counters within a scope, apart from their general ones. */
function scopedCounters(
  scoped: ScopedKeyLimits,
  key: string | undefined,
  team: string | undefined,
  nowMs: number,
): Array<PlannedCounter | undefined> {
  // The team is only known through a key: a request without one has no scoped limits.
  if (!key) return [];
  const within = { scope: scoped.label, within: scoped.scope };
  return [
    ...subjectCounters({ kind: 'key', id: key, ...within }, scoped.limits, nowMs),
    ...(team
      ? subjectCounters({ kind: 'team', id: team, ...within }, scoped.teamLimits, nowMs)
      : []),
  ];
}

function ruleLimits(rules: readonly QuotaRule[], subject: Subject): QuotaRule[] {
  const chosen = new Map<string, QuotaRule>();
  const specificity = (rule: QuotaRule) => (rule.id ? 2 : 0) + (rule.subject ? 1 : 0);
  for (const rule of rules) {
    if (rule.subject && rule.subject !== subject.kind) continue;
    if (rule.id !== undefined && rule.id !== subject.id) continue;
    const slot = `${rule.metric}:${rule.window}`;
    const current = chosen.get(slot);
    if (!current || specificity(rule) > specificity(current)) chosen.set(slot, rule);
  }
  return [...chosen.values()];
}

function subjectCounters(
  subject: Subject,
  limits: SubjectLimits | undefined,
  nowMs: number,
): Array<PlannedCounter | undefined> {
  if (!limits) return [];
  const { rpm, tpm, maxBudget, budgetPeriod } = limits;
  const minute = { metric: 'requests', window: 'minute' } as const;
  return [
    rpm === undefined ? undefined : calendarCounter(subject, { ...minute, limit: rpm }, nowMs),
    tpm === undefined
      ? undefined
      : calendarCounter(subject, { ...minute, metric: 'total_tokens', limit: tpm }, nowMs),
    maxBudget === undefined ? undefined : budgetCounter(subject, maxBudget, budgetPeriod, nowMs),
  ];
}

function calendarCounter(
  subject: Subject,
  rule: Pick<QuotaRule, 'metric' | 'window' | 'limit'>,
  nowMs: number,
): PlannedCounter | undefined {
  const bounds = calendarWindow(rule.window, nowMs);
  return counter(subject, rule.metric, rule.window, rule.limit, bounds, nowMs);
}

function budgetCounter(
  subject: Subject,
  maxBudgetUsd: number,
  period: WindowBounds | undefined,
  nowMs: number,
): PlannedCounter | undefined {
  return counter(subject, 'spend_usd', 'budget', maxBudgetUsd, period, nowMs);
}

function counter(
  subject: Subject,
  metric: QuotaMetric,
  window: QuotaWindow,
  displayLimit: number,
  bounds: WindowBounds | undefined,
  nowMs: number,
): PlannedCounter | undefined {
  // A non-numeric limit from a record is no limit; a negative one refuses everything.
  if (Number.isNaN(displayLimit) || displayLimit === Infinity) return undefined;
  const units =
    metric === 'spend_usd'
      ? Math.round(displayLimit * MICRO_USD_PER_USD)
      : Math.floor(displayLimit);
  const limit = displayLimit < 0 ? -1 : Math.min(units, Number.MAX_SAFE_INTEGER);
  const start = bounds?.startMs ?? 0;
  const ttlMs = bounds ? Math.max(1, bounds.endMs - nowMs) : LIFETIME_BUDGET_TTL_MS;
  // `@` is encoded in ids, so a scoped counter never shares a key with a plain one.
  const id = encodeURIComponent(subject.id);
  const holder = subject.within === undefined ? id : `${id}@${encodeURIComponent(subject.within)}`;
  return {
    key: `${subject.kind}:${holder}:${metric}:${window}:${start}`,
    metric,
    window,
    subject: subject.kind,
    ...(subject.scope !== undefined && { scope: subject.scope }),
    limit,
    displayLimit,
    endMs: bounds?.endMs,
    ttlMs: Math.ceil(ttlMs),
  };
}
