import { Injectable } from '@nestjs/common';
import { DataSource, LessThan, MoreThan, type Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { sqlDate } from '../sql-values';
import { StoredResponseEntity } from './stored-response.entity';
import type { StoredResponseRecord } from './stored-response.types';

// The JSON columns are free-form, which TypeORM's deep-partial type cannot express.
type Row = QueryDeepPartialEntity<StoredResponseEntity>;

/** The only class that queries `stored_responses`. Every read is scoped to the owner's key. */
@Injectable()
export class StoredResponseStore {
  private readonly repository: Repository<StoredResponseEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repository = dataSource.getRepository(StoredResponseEntity);
  }

  async insert(records: readonly StoredResponseRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.repository.insert(records.map((record) => ({ ...record }) as Row));
  }

  /** The response when it exists, belongs to `keyId` and has not expired at `now`. */
  find(id: string, keyId: string, now: Date): Promise<StoredResponseRecord | null> {
    return this.repository.findOneBy({ id, keyId, expiresAt: MoreThan(this.date(now)) });
  }

  /** Deletes the owner's live response; false when there was none to delete. */
  async delete(id: string, keyId: string, now: Date): Promise<boolean> {
    const result = await this.repository.delete({
      id,
      keyId,
      expiresAt: MoreThan(this.date(now)),
    });
    return (result.affected ?? 0) > 0;
  }

  /** Deletes every response expired at `now`; returns how many. */
  async deleteExpired(now: Date): Promise<number> {
    const result = await this.repository.delete({ expiresAt: LessThan(this.date(now)) });
    return result.affected ?? 0;
  }

  // better-sqlite3 cannot bind Date objects in a find operator.
  private date(date: Date): Date {
    return sqlDate(this.dataSource, date) as Date;
  }
}
