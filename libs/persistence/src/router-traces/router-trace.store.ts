import { Injectable } from '@nestjs/common';
import { DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';
import { sqlDate, toSqliteDatetime } from '../sql-values';
import { RouterFeedbackEntity } from './router-feedback.entity';
import { RouterTraceEntity } from './router-trace.entity';
import type { RatedTrace, RouterTraceRecord, TraceExportFilter } from './router-trace.types';

// 17 columns per row: far below the bound-parameter limits of both drivers.
const INSERT_CHUNK_ROWS = 200;
const DEFAULT_PAGE_SIZE = 500;

const INSERT_COLUMNS = [
  'request_id',
  'created_at',
  'key_id',
  'team_id',
  'model_group',
  'deployment_id',
  'router_candidate',
  'strategy',
  'strategy_version',
  'outcome',
  'latency_ms',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'spend',
  'prompt',
  'prompt_sha256',
] as const;
const INSERT_PREFIX = `INSERT INTO router_traces (${INSERT_COLUMNS.join(', ')}) VALUES `;
// Request ids may come from the client (`x-request-id`): a repeated one keeps the first trace
// instead of failing the whole batch.
const INSERT_SUFFIX = ' ON CONFLICT (request_id) DO NOTHING';

interface Cursor {
  readonly createdAt: Date;
  readonly requestId: string;
}

/** The only class that queries `router_traces` (and joins `router_feedback` for exports). */
@Injectable()
export class RouterTraceStore {
  private readonly repository: Repository<RouterTraceEntity>;
  private readonly sqlite: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.repository = dataSource.getRepository(RouterTraceEntity);
    this.sqlite = dataSource.options.type === 'better-sqlite3';
  }

  /**
   * Hand-written multi-row INSERTs, as for request logs and audit records: each chunk is one
   * statement. A request id already traced is skipped.
   */
  async insertMany(records: readonly RouterTraceRecord[]): Promise<void> {
    for (let start = 0; start < records.length; start += INSERT_CHUNK_ROWS) {
      const params: unknown[] = [];
      const rows = records.slice(start, start + INSERT_CHUNK_ROWS).map((record) => {
        const first = params.length;
        params.push(...this.rowValues(record));
        const marks = INSERT_COLUMNS.map((_, i) => (this.sqlite ? '?' : `$${first + i + 1}`));
        return `(${marks.join(', ')})`;
      });
      await this.dataSource.query(INSERT_PREFIX + rows.join(', ') + INSERT_SUFFIX, params);
    }
  }

  async find(requestId: string): Promise<RouterTraceRecord | null> {
    const row = await this.repository.findOneBy({ requestId });
    return row ? toRecord(row) : null;
  }

  /**
   * Rated traces matching `filter`, oldest first, a page at a time (keyset pagination on
   * created_at and request id, so rows written during the export neither repeat nor shift pages).
   */
  async *ratedTraces(filter: TraceExportFilter): AsyncGenerator<RatedTrace[]> {
    const pageSize = filter.pageSize ?? DEFAULT_PAGE_SIZE;
    let after: Cursor | undefined;
    for (;;) {
      const rows = await this.ratedPage(filter, after)
        .orderBy('t.createdAt', 'ASC')
        .addOrderBy('t.requestId', 'ASC')
        .limit(pageSize)
        .getMany();
      if (rows.length > 0) yield rows.map(toRated);
      const last = rows[rows.length - 1];
      if (rows.length < pageSize || !last) return;
      after = { createdAt: last.createdAt, requestId: last.requestId };
    }
  }

  private ratedPage(
    filter: TraceExportFilter,
    after: Cursor | undefined,
  ): SelectQueryBuilder<RouterTraceEntity> {
    const query = this.filtered(
      this.repository
        .createQueryBuilder('t')
        .innerJoinAndMapOne('t.feedback', RouterFeedbackEntity, 'f', 'f.requestId = t.requestId'),
      't',
      filter,
    );
    if (after) {
      query.andWhere(
        '(t.createdAt > :afterAt OR (t.createdAt = :afterAt AND t.requestId > :afterId))',
        { afterAt: this.date(after.createdAt), afterId: after.requestId },
      );
    }
    const minFeedback = filter.minFeedback ?? 1;
    if (minFeedback > 1) {
      query.andWhere((outer) => {
        const inner = this.filtered(
          outer
            .subQuery()
            .select('h.promptSha256')
            .from(RouterTraceEntity, 'h')
            .innerJoin(RouterFeedbackEntity, 'hf', 'hf.requestId = h.requestId'),
          'h',
          filter,
        )
          .andWhere('h.promptSha256 IS NOT NULL')
          .groupBy('h.promptSha256')
          .having('COUNT(*) >= :minFeedback', { minFeedback });
        return `t.promptSha256 IN ${inner.getQuery()}`;
      });
    }
    return query;
  }

  /** The time range and model group of `filter` on the traces aliased `alias`. */
  private filtered<Q extends SelectQueryBuilder<RouterTraceEntity>>(
    query: Q,
    alias: string,
    filter: TraceExportFilter,
  ): Q {
    if (filter.since) {
      query.andWhere(`${alias}.createdAt >= :since`, { since: this.date(filter.since) });
    }
    if (filter.until) {
      query.andWhere(`${alias}.createdAt < :until`, { until: this.date(filter.until) });
    }
    if (filter.modelGroup !== undefined) {
      query.andWhere(`${alias}.modelGroup = :modelGroup`, { modelGroup: filter.modelGroup });
    }
    return query;
  }

  private date(date: Date): Date | string {
    return sqlDate(this.dataSource, date);
  }

  private rowValues(record: RouterTraceRecord): unknown[] {
    return [
      record.requestId,
      // SQLite keeps datetimes as UTC text in TypeORM's format, so reads map back to Date.
      this.sqlite ? toSqliteDatetime(record.createdAt) : record.createdAt,
      record.keyId,
      record.teamId,
      record.modelGroup,
      record.deploymentId,
      record.routerCandidate,
      record.strategy,
      record.strategyVersion,
      record.outcome,
      record.latencyMs,
      record.promptTokens,
      record.completionTokens,
      record.totalTokens,
      record.spend,
      record.prompt,
      record.promptSha256,
    ];
  }
}

function toRecord(row: RouterTraceEntity): RouterTraceRecord {
  return {
    requestId: row.requestId,
    createdAt: row.createdAt,
    keyId: row.keyId,
    teamId: row.teamId,
    modelGroup: row.modelGroup,
    deploymentId: row.deploymentId,
    routerCandidate: row.routerCandidate,
    strategy: row.strategy,
    strategyVersion: row.strategyVersion,
    outcome: row.outcome,
    latencyMs: row.latencyMs,
    promptTokens: row.promptTokens,
    completionTokens: row.completionTokens,
    totalTokens: row.totalTokens,
    spend: row.spend === null ? null : Number(row.spend),
    prompt: row.prompt,
    promptSha256: row.promptSha256,
  };
}

function toRated(row: RouterTraceEntity): RatedTrace {
  const feedback = row.feedback!;
  return {
    ...toRecord(row),
    feedback: {
      score: Number(feedback.score),
      comment: feedback.comment,
      updatedAt: feedback.updatedAt,
    },
  };
}
