import type { Database, Statement } from 'better-sqlite3';
import type { DataSource, Repository } from 'typeorm';
import { RequestLogEntity } from './request-log.entity';
import { spendLogQuery, spendReport } from './request-log-spend.queries';
import { toSqliteDatetime } from './sql-values';
import type {
  RequestLogRecord,
  SpendLogPage,
  SpendLogQuery,
  SpendReport,
  SpendReportQuery,
  StoredRequestLog,
} from './request-log.types';

// Keeps each INSERT well under the bound-parameter limits of both drivers (26 columns per row).
const INSERT_CHUNK_ROWS = 500;

const INSERT_COLUMNS = [
  'request_id',
  'created_at',
  'endpoint',
  'model_group',
  'deployment_id',
  'provider',
  'key_id',
  'key_alias',
  'team_id',
  'user_id',
  'status_code',
  'stream',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'cached_prompt_tokens',
  'cache_creation_tokens',
  'reasoning_tokens',
  'spend',
  'input_cost',
  'cache_read_cost',
  'cache_creation_cost',
  'output_cost',
  'latency_ms',
  'ttft_ms',
  'error_code',
] as const;
const INSERT_PREFIX = `INSERT INTO request_logs (${INSERT_COLUMNS.join(', ')}) VALUES `;

/** The only class that builds queries for request logs. Internal to the persistence lib. */
export class RequestLogRepository {
  private readonly repository: Repository<RequestLogEntity>;
  private readonly sqlite: boolean;
  private sqliteInsert?: (records: readonly RequestLogRecord[]) => void;

  constructor(private readonly dataSource: DataSource) {
    this.repository = dataSource.getRepository(RequestLogEntity);
    this.sqlite = dataSource.options.type === 'better-sqlite3';
  }

  /**
   * Written by hand, not through TypeORM's query builder, which cost more CPU than the request
   * path itself at a few thousand rows per second. Postgres gets one multi-row INSERT per chunk;
   * SQLite (synchronous, on the event loop) one prepared statement run per row in a transaction.
   */
  async insertMany(records: readonly RequestLogRecord[]): Promise<void> {
    if (this.sqlite) {
      this.sqliteInsert ??= this.prepareSqliteInsert();
      this.sqliteInsert(records);
      return;
    }
    for (let start = 0; start < records.length; start += INSERT_CHUNK_ROWS) {
      const chunk = records.slice(start, start + INSERT_CHUNK_ROWS);
      const params: unknown[] = [];
      const rows = chunk.map((record) => {
        const first = params.length;
        params.push(...this.rowValues(record));
        const marks = INSERT_COLUMNS.map((_, i) => (this.sqlite ? '?' : `$${first + i + 1}`));
        return `(${marks.join(', ')})`;
      });
      await this.dataSource.query(INSERT_PREFIX + rows.join(', '), params);
    }
  }

  private prepareSqliteInsert(): (records: readonly RequestLogRecord[]) => void {
    const db = (this.dataSource.driver as unknown as { databaseConnection: Database })
      .databaseConnection;
    const marks = INSERT_COLUMNS.map(() => '?').join(', ');
    const statement: Statement<unknown[]> = db.prepare(`${INSERT_PREFIX}(${marks})`);
    return db.transaction((records: readonly RequestLogRecord[]) => {
      for (const record of records) statement.run(...this.rowValues(record));
    });
  }

  private rowValues(record: RequestLogRecord): unknown[] {
    return [
      record.requestId,
      // SQLite keeps datetimes as UTC text in TypeORM's format, so reads map back to Date.
      this.sqlite ? toSqliteDatetime(record.createdAt) : record.createdAt,
      record.endpoint,
      record.modelGroup,
      record.deploymentId,
      record.provider,
      record.keyId,
      record.keyAlias,
      record.teamId,
      record.userId,
      record.statusCode,
      this.sqlite ? Number(record.stream) : record.stream,
      record.promptTokens,
      record.completionTokens,
      record.totalTokens,
      record.cachedPromptTokens,
      record.cacheCreationTokens,
      record.reasoningTokens,
      record.spend,
      record.inputCost,
      record.cacheReadCost,
      record.cacheCreationCost,
      record.outputCost,
      record.latencyMs,
      record.ttftMs,
      record.errorCode,
    ];
  }

  async findByRequestId(requestId: string): Promise<StoredRequestLog[]> {
    const rows = await this.repository.find({ where: { requestId }, order: { createdAt: 'ASC' } });
    return rows.map(toRecord);
  }

  async count(): Promise<number> {
    return this.repository.count();
  }

  /** Matching rows newest first (ties broken by id, descending), at most `query.limit`. */
  async findSpendLogs(query: SpendLogQuery): Promise<SpendLogPage> {
    const rows = await spendLogQuery(this.repository, this.dataSource, query).getMany();
    const items = rows.slice(0, query.limit).map(toRecord);
    const last = items[items.length - 1];
    const next =
      rows.length > query.limit && last ? { createdAt: last.createdAt, id: last.id } : null;
    return { items, next };
  }

  /** Spend and usage summed per group, aggregated by the database. */
  spendReport(query: SpendReportQuery): Promise<SpendReport> {
    return spendReport(this.dataSource, query);
  }
}

function toRecord(row: RequestLogEntity): StoredRequestLog {
  return {
    id: String(row.id),
    requestId: row.requestId,
    createdAt: row.createdAt,
    endpoint: row.endpoint,
    modelGroup: row.modelGroup,
    deploymentId: row.deploymentId,
    provider: row.provider,
    keyId: row.keyId,
    keyAlias: row.keyAlias,
    teamId: row.teamId,
    userId: row.userId,
    statusCode: row.statusCode,
    stream: row.stream,
    promptTokens: row.promptTokens,
    completionTokens: row.completionTokens,
    totalTokens: row.totalTokens,
    cachedPromptTokens: row.cachedPromptTokens,
    cacheCreationTokens: row.cacheCreationTokens,
    reasoningTokens: row.reasoningTokens,
    spend: Number(row.spend),
    inputCost: Number(row.inputCost),
    cacheReadCost: Number(row.cacheReadCost),
    cacheCreationCost: Number(row.cacheCreationCost),
    outputCost: Number(row.outputCost),
    latencyMs: row.latencyMs,
    ttftMs: row.ttftMs,
    errorCode: row.errorCode,
  };
}
