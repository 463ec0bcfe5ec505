import { Injectable } from '@nestjs/common';
import { DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';
import { AuditLogEntity } from './audit-log.entity';
import type { AuditLogFilter, AuditLogPage, AuditLogRecord } from './audit-log.types';
import { sqlDate, toSqliteDatetime } from './sql-values';

// 11 columns per row: far below the bound-parameter limits of both drivers.
const INSERT_CHUNK_ROWS = 200;

const INSERT_COLUMNS = [
  'id',
  'created_at',
  'request_id',
  'actor_type',
  'actor_id',
  'action',
  'resource_type',
  'resource_id',
  'outcome',
  'reason',
  'metadata',
] as const;
const INSERT_PREFIX = `INSERT INTO audit_logs (${INSERT_COLUMNS.join(', ')}) VALUES `;

/** The only class that queries `audit_logs`. Rows are append-only. */
@Injectable()
export class AuditLogStore {
  private readonly repository: Repository<AuditLogEntity>;
  private readonly sqlite: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.repository = dataSource.getRepository(AuditLogEntity);
    this.sqlite = dataSource.options.type === 'better-sqlite3';
  }

  async insert(record: AuditLogRecord): Promise<void> {
    await this.insertMany([record]);
  }

  /**
   * Hand-written multi-row INSERTs (as for request logs): the same SQL on both drivers apart from
   * placeholders. Each chunk of up to 200 rows is one statement, so it lands whole or not at all.
   * No explicit transaction: on SQLite every store shares one connection, and an open
   * transaction would swallow other writers' statements while it awaits.
   */
  async insertMany(records: readonly AuditLogRecord[]): Promise<void> {
    for (let start = 0; start < records.length; start += INSERT_CHUNK_ROWS) {
      const params: unknown[] = [];
      const rows = records.slice(start, start + INSERT_CHUNK_ROWS).map((record) => {
        const first = params.length;
        params.push(...this.rowValues(record));
        const marks = INSERT_COLUMNS.map((_, i) => (this.sqlite ? '?' : `$${first + i + 1}`));
        return `(${marks.join(', ')})`;
      });
      await this.dataSource.query(INSERT_PREFIX + rows.join(', '), params);
    }
  }

  /** Matching rows newest first (ties broken by id, descending), at most `filter.limit`. */
  async find(filter: AuditLogFilter): Promise<AuditLogPage> {
    const rows = await this.filtered(filter)
      .orderBy('a.createdAt', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(filter.limit + 1)
      .getMany();
    const items = rows.slice(0, filter.limit).map(toRecord);
    const last = items[items.length - 1];
    const next =
      rows.length > filter.limit && last ? { createdAt: last.createdAt, id: last.id } : null;
    return { items, next };
  }

  private filtered(filter: AuditLogFilter): SelectQueryBuilder<AuditLogEntity> {
    const query = this.repository.createQueryBuilder('a');
    const exact = [
      ['action', filter.action],
      ['actorType', filter.actorType],
      ['actorId', filter.actorId],
      ['resourceType', filter.resourceType],
      ['resourceId', filter.resourceId],
      ['outcome', filter.outcome],
    ] as const;
    for (const [field, value] of exact) {
      if (value !== undefined) query.andWhere(`a.${field} = :${field}`, { [field]: value });
    }
    if (filter.since) query.andWhere('a.createdAt >= :since', { since: this.date(filter.since) });
    if (filter.until) query.andWhere('a.createdAt < :until', { until: this.date(filter.until) });
    if (filter.after) {
      query.andWhere('(a.createdAt < :afterAt OR (a.createdAt = :afterAt AND a.id < :afterId))', {
        afterAt: this.date(filter.after.createdAt),
        afterId: filter.after.id,
      });
    }
    return query;
  }

  private date(date: Date): Date | string {
    return sqlDate(this.dataSource, date);
  }

  private rowValues(record: AuditLogRecord): unknown[] {
    return [
      record.id,
      // SQLite keeps datetimes as UTC text in TypeORM's format, so reads map back to Date.
      this.sqlite ? toSqliteDatetime(record.createdAt) : record.createdAt,
      record.requestId,
      record.actorType,
      record.actorId,
      record.action,
      record.resourceType,
      record.resourceId,
      record.outcome,
      record.reason,
      JSON.stringify(record.metadata),
    ];
  }
}

function toRecord(row: AuditLogEntity): AuditLogRecord {
  return {
    id: row.id,
    createdAt: row.createdAt,
    requestId: row.requestId,
    actorType: row.actorType,
    actorId: row.actorId,
    action: row.action,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    outcome: row.outcome,
    reason: row.reason,
    metadata: row.metadata,
  };
}
