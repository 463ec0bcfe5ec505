import type {
  SpendGroup,
  SpendLogPage,
  SpendReport,
  SpendReportQuery,
  SpendReportRow,
  SpendTotals,
  StoredRequestLog,
} from '@routeiq/persistence';
import { encodeSpendCursor } from './spend-query.parser';

/** One row of `GET /spend/logs`, in the API's snake_case. */
export interface SpendLogView {
  readonly request_id: string;
  readonly created_at: string;
  readonly endpoint: string;
  readonly model_group: string;
  readonly deployment_id: string | null;
  readonly provider: string | null;
  readonly key_id: string | null;
  readonly key_alias: string | null;
  readonly team_id: string | null;
  readonly user_id: string | null;
  readonly status_code: number;
  readonly error_code: string | null;
  readonly stream: boolean;
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly cached_prompt_tokens: number;
  readonly cache_creation_tokens: number;
  readonly reasoning_tokens: number;
  /** USD */
  readonly spend: number;
  readonly cost_breakdown: {
    readonly input: number;
    readonly cache_read: number;
    readonly cache_creation: number;
    readonly output: number;
  };
  readonly latency_ms: number;
  readonly ttft_ms: number | null;
}

/** `GET /spend/logs`: newest first; pass `next_cursor` as `cursor` for the next page. */
export interface SpendLogsResponse {
  readonly data: SpendLogView[];
  readonly next_cursor: string | null;
}

/** The field naming a report row's group, per `group_by`. */
const GROUP_FIELDS: Readonly<Record<SpendGroup, string>> = {
  key: 'key_id',
  team: 'team_id',
  user: 'user_id',
  model: 'model',
  deployment: 'deployment_id',
  day: 'day',
};

/** `GET /spend/report`: groups by spend, highest first (days in date order), and the totals. */
export interface SpendReportResponse {
  readonly group_by: SpendGroup;
  readonly start_date: string | null;
  /** Exclusive. */
  readonly end_date: string | null;
  readonly data: Array<Record<string, unknown>>;
  readonly total: Record<string, number>;
}

export function toSpendLogsResponse(page: SpendLogPage): SpendLogsResponse {
  return {
    data: page.items.map(toSpendLogView),
    next_cursor: page.next ? encodeSpendCursor(page.next) : null,
  };
}

export function toSpendReportResponse(
  query: SpendReportQuery,
  report: SpendReport,
): SpendReportResponse {
  return {
    group_by: query.groupBy,
    start_date: query.since?.toISOString() ?? null,
    end_date: query.until?.toISOString() ?? null,
    data: report.rows.map((row) => reportRowView(query.groupBy, row)),
    total: totalsView(report.total),
  };
}

function reportRowView(group: SpendGroup, row: SpendReportRow): Record<string, unknown> {
  return {
    [GROUP_FIELDS[group]]: row.group,
    ...(row.keyAlias !== undefined && { key_alias: row.keyAlias }),
    ...totalsView(row),
  };
}

function totalsView(totals: SpendTotals): Record<string, number> {
  return {
    spend: totals.spend,
    requests: totals.requests,
    failed_requests: totals.failedRequests,
    prompt_tokens: totals.promptTokens,
    completion_tokens: totals.completionTokens,
    total_tokens: totals.totalTokens,
    cached_prompt_tokens: totals.cachedPromptTokens,
    cache_creation_tokens: totals.cacheCreationTokens,
    reasoning_tokens: totals.reasoningTokens,
  };
}

function toSpendLogView(log: StoredRequestLog): SpendLogView {
  return {
    request_id: log.requestId,
    created_at: log.createdAt.toISOString(),
    endpoint: log.endpoint,
    model_group: log.modelGroup,
    deployment_id: log.deploymentId,
    provider: log.provider,
    key_id: log.keyId,
    key_alias: log.keyAlias,
    team_id: log.teamId,
    user_id: log.userId,
    status_code: log.statusCode,
    error_code: log.errorCode,
    stream: log.stream,
    prompt_tokens: log.promptTokens,
    completion_tokens: log.completionTokens,
    total_tokens: log.totalTokens,
    cached_prompt_tokens: log.cachedPromptTokens,
    cache_creation_tokens: log.cacheCreationTokens,
    reasoning_tokens: log.reasoningTokens,
    spend: log.spend,
    cost_breakdown: {
      input: log.inputCost,
      cache_read: log.cacheReadCost,
      cache_creation: log.cacheCreationCost,
      output: log.outputCost,
    },
    latency_ms: log.latencyMs,
    ttft_ms: log.ttftMs,
  };
}
