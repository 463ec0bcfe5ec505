import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { sqlDate } from '../sql-values';
import { RouterFeedbackEntity } from './router-feedback.entity';
import type { RouterFeedbackRecord } from './router-trace.types';

/** The only class that writes `router_feedback`: one rating per request, the latest wins. */
@Injectable()
export class RouterFeedbackStore {
  private readonly repository: Repository<RouterFeedbackEntity>;
  private readonly postgres: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.repository = dataSource.getRepository(RouterFeedbackEntity);
    this.postgres = dataSource.options.type === 'postgres';
  }

  /**
   * Stores a rating, replacing an earlier one of the same request (its `createdAt` is kept).
   * One statement, so two replicas rating at once cannot both insert. Returns the stored row.
   */
  async upsert(record: RouterFeedbackRecord): Promise<RouterFeedbackRecord> {
    const marks = [1, 2, 3, 4, 5, 6].map((i) => (this.postgres ? `$${i}` : '?'));
    await this.dataSource.query(
      `INSERT INTO router_feedback (request_id, key_id, score, comment, created_at, updated_at) ` +
        `VALUES (${marks.join(', ')}) ON CONFLICT (request_id) DO UPDATE SET ` +
        `key_id = excluded.key_id, score = excluded.score, comment = excluded.comment, ` +
        `updated_at = excluded.updated_at`,
      [
        record.requestId,
        record.keyId,
        record.score,
        record.comment,
        sqlDate(this.dataSource, record.createdAt),
        sqlDate(this.dataSource, record.updatedAt),
      ],
    );
    const stored = await this.find(record.requestId);
    if (!stored) throw new Error(`router feedback ${record.requestId} was not stored`);
    return stored;
  }

  async find(requestId: string): Promise<RouterFeedbackRecord | null> {
    const row = await this.repository.findOneBy({ requestId });
    return row ? { ...row, score: Number(row.score) } : null;
  }
}
