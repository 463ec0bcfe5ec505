export const QUOTA_METRICS = [
  'requests',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'spend_usd',
] as const;
export type QuotaMetric = (typeof QUOTA_METRICS)[number];

/** Calendar windows of `ROUTEIQ_QUOTA_LIMITS_JSON` rules, aligned to UTC boundaries. */
export const QUOTA_WINDOWS = ['minute', 'hour', 'day', 'month'] as const;
export type QuotaCalendarWindow = (typeof QUOTA_WINDOWS)[number];
/** `budget`: an explicit [start, end) period given by the caller (key/team budgets). */
export type QuotaWindow = QuotaCalendarWindow | 'budget';

/** Kinds of subject, in precedence order: the env rules apply to the first one present. */
export const QUOTA_SUBJECT_KINDS = ['team', 'user', 'key', 'ip'] as const;
export type QuotaSubjectKind = (typeof QUOTA_SUBJECT_KINDS)[number];

/** One rule of `ROUTEIQ_QUOTA_LIMITS_JSON`. */
export interface QuotaRule {
  readonly metric: QuotaMetric;
  readonly window: QuotaCalendarWindow;
  /** Requests or tokens (integers), or USD for `spend_usd`. */
  readonly limit: number;
  /** Only for this kind of subject; any kind when absent. */
  readonly subject?: QuotaSubjectKind;
  /** Only for this subject id (requires `subject`). */
  readonly id?: string;
}

/** The identities a request is accounted to. Pass key ids or digests, never the key secret. */
export type QuotaSubjects = Partial<Readonly<Record<QuotaSubjectKind, string>>>;

/** Limits stored on a key or team record. */
export interface SubjectLimits {
  /** Requests per UTC minute. */
  readonly rpm?: number;
  /** Total (input + output) tokens per UTC minute. */
  readonly tpm?: number;
  /** USD over `budgetPeriod`; over the subject's lifetime when no period is given. */
  readonly maxBudget?: number;
  /** Current budget period [startMs, endMs) (daily/weekly/monthly reset, computed by the caller). */
  readonly budgetPeriod?: { readonly startMs: number; readonly endMs: number };
}

/**
 * Limits of the calling key (and of its team) within one scope (one A2A agent, say), counted apart
 * from the key's and team's general limits: the calls to that scope only.
 */
export interface ScopedKeyLimits {
  /** Distinguishes the counters, e.g. `a2a:travel`. */
  readonly scope: string;
  /** For messages, e.g. `on agent "travel"`. */
  readonly label: string;
  /** The key's own calls to the scope. */
  readonly limits: SubjectLimits;
  /** The calls of every key of the team to the scope; applies when the request has a team. */
  readonly teamLimits?: SubjectLimits;
}

/** Token and spend figures of one call: the estimate before it, the actual usage after. */
export interface QuotaUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly spendUsd: number;
}

/** What `QuotaService.reserve` needs; generic over inference, MCP tool calls and A2A calls. */
export interface QuotaRequest {
  readonly subjects: QuotaSubjects;
  readonly keyLimits?: SubjectLimits;
  readonly teamLimits?: SubjectLimits;
  /** Applies when the request has a key subject. */
  readonly scopedKeyLimits?: ScopedKeyLimits;
  readonly estimate: QuotaUsage;
}

/** Counters held for one admitted request until it is settled or released. */
export interface QuotaReservation {
  /** `x-ratelimit-*` headers (OpenAI's names) for the tightest request and token limits. */
  headers(): Record<string, string>;
  /** Corrects every counter by actual − reserved. Never throws; only the first call counts. */
  settle(actual: QuotaUsage): Promise<void>;
  /** For a request that failed before using tokens: refunds tokens and spend, keeps the request. */
  release(): Promise<void>;
}
