import type { DataSource, Repository, SelectQueryBuilder } from 'typeorm';
import { RequestLogEntity } from './request-log.entity';
import type {
  SpendFilter,
  SpendGroup,
  SpendLogQuery,
  SpendReport,
  SpendReportQuery,
  SpendReportRow,
  SpendTotals,
} from './request-log.types';
import { sqlDate } from './sql-values';

type LogQuery = SelectQueryBuilder<RequestLogEntity>;

const EXACT_FILTERS = [
  ['keyId', 'keyId'],
  ['teamId', 'teamId'],
  ['userId', 'userId'],
  ['model', 'modelGroup'],
  ['deploymentId', 'deploymentId'],
  ['requestId', 'requestId'],
] as const satisfies ReadonlyArray<readonly [keyof SpendFilter, keyof RequestLogEntity]>;

/** Request logs matching `query`, newest first, one row more than the page (to see a next). */
export function spendLogQuery(
  repository: Repository<RequestLogEntity>,
  dataSource: DataSource,
  query: SpendLogQuery,
): LogQuery {
  const builder = filtered(repository.createQueryBuilder('r'), dataSource, query);
  if (query.after) {
    builder.andWhere('(r.createdAt < :afterAt OR (r.createdAt = :afterAt AND r.id < :afterId))', {
      afterAt: sqlDate(dataSource, query.after.createdAt),
      afterId: query.after.id,
    });
  }
  return builder
    .orderBy('r.createdAt', 'DESC')
    .addOrderBy('r.id', 'DESC')
    .limit(query.limit + 1);
}

/**
 * Sums per group in one aggregate query, and the totals of the range in a second. Groups sort by
 * spend, highest first (ties by name); days in date order. Days are UTC on both drivers.
 */
export async function spendReport(
  dataSource: DataSource,
  query: SpendReportQuery,
): Promise<SpendReport> {
  const repository = dataSource.getRepository(RequestLogEntity);
  const group = groupExpression(query.groupBy, dataSource.options.type === 'postgres');
  const grouped = sums(filtered(repository.createQueryBuilder('r'), dataSource, query))
    .addSelect(group, 'grp')
    .groupBy(group);
  if (query.groupBy === 'key') grouped.addSelect('MAX(r.keyAlias)', 'key_alias');
  if (query.groupBy === 'day') grouped.orderBy('grp', 'ASC');
  else grouped.orderBy('total_spend', 'DESC').addOrderBy('grp', 'ASC');
  const [rows, totals] = await Promise.all([
    grouped.limit(query.limit).getRawMany<RawSums & { grp: unknown; key_alias?: unknown }>(),
    sums(filtered(repository.createQueryBuilder('r'), dataSource, query)).getRawOne<RawSums>(),
  ]);
  return {
    rows: rows.map((raw) => reportRow(raw, query.groupBy)),
    total: totalsOf(totals),
  };
}

function filtered(builder: LogQuery, dataSource: DataSource, filter: SpendFilter): LogQuery {
  for (const [param, property] of EXACT_FILTERS) {
    const value = filter[param];
    if (value !== undefined) builder.andWhere(`r.${property} = :${param}`, { [param]: value });
  }
  if (filter.since) {
    builder.andWhere('r.createdAt >= :since', { since: sqlDate(dataSource, filter.since) });
  }
  if (filter.until) {
    builder.andWhere('r.createdAt < :until', { until: sqlDate(dataSource, filter.until) });
  }
  return builder;
}

function groupExpression(group: SpendGroup, postgres: boolean): string {
  switch (group) {
    case 'key':
      return 'r.keyId';
    case 'team':
      return 'r.teamId';
    case 'user':
      return 'r.userId';
    case 'model':
      return 'r.modelGroup';
    case 'deployment':
      return 'r.deploymentId';
    case 'day':
      // SQLite keeps datetimes as UTC text (`YYYY-MM-DD HH:MM:SS.SSS`).
      return postgres
        ? `to_char(r.createdAt AT TIME ZONE 'UTC', 'YYYY-MM-DD')`
        : 'substr(r.createdAt, 1, 10)';
  }
}

interface RawSums {
  total_spend: unknown;
  requests: unknown;
  failed_requests: unknown;
  prompt_tokens: unknown;
  completion_tokens: unknown;
  total_tokens: unknown;
  cached_prompt_tokens: unknown;
  cache_creation_tokens: unknown;
  reasoning_tokens: unknown;
}

function sums(builder: LogQuery): LogQuery {
  return builder
    .select('COALESCE(SUM(r.spend), 0)', 'total_spend')
    .addSelect('COUNT(*)', 'requests')
    .addSelect(
      'COALESCE(SUM(CASE WHEN r.statusCode >= 400 THEN 1 ELSE 0 END), 0)',
      'failed_requests',
    )
    .addSelect('COALESCE(SUM(r.promptTokens), 0)', 'prompt_tokens')
    .addSelect('COALESCE(SUM(r.completionTokens), 0)', 'completion_tokens')
    .addSelect('COALESCE(SUM(r.totalTokens), 0)', 'total_tokens')
    .addSelect('COALESCE(SUM(r.cachedPromptTokens), 0)', 'cached_prompt_tokens')
    .addSelect('COALESCE(SUM(r.cacheCreationTokens), 0)', 'cache_creation_tokens')
    .addSelect('COALESCE(SUM(r.reasoningTokens), 0)', 'reasoning_tokens');
}

// Postgres returns SUM/COUNT of integers as bigint strings.
function totalsOf(raw: RawSums | undefined): SpendTotals {
  return {
    spend: Number(raw?.total_spend ?? 0),
    requests: Number(raw?.requests ?? 0),
    failedRequests: Number(raw?.failed_requests ?? 0),
    promptTokens: Number(raw?.prompt_tokens ?? 0),
    completionTokens: Number(raw?.completion_tokens ?? 0),
    totalTokens: Number(raw?.total_tokens ?? 0),
    cachedPromptTokens: Number(raw?.cached_prompt_tokens ?? 0),
    cacheCreationTokens: Number(raw?.cache_creation_tokens ?? 0),
    reasoningTokens: Number(raw?.reasoning_tokens ?? 0),
  };
}

function reportRow(
  raw: RawSums & { grp: unknown; key_alias?: unknown },
  group: SpendGroup,
): SpendReportRow {
  const row: SpendReportRow = {
    group: typeof raw.grp === 'string' || typeof raw.grp === 'number' ? String(raw.grp) : null,
    ...totalsOf(raw),
  };
  if (group !== 'key') return row;
  return { ...row, keyAlias: typeof raw.key_alias === 'string' ? raw.key_alias : null };
}
