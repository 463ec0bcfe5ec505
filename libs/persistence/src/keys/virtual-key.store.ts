import { Injectable } from '@nestjs/common';
import { DataSource, In, type Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { sqlDate } from '../sql-values';
import type { KeyListFilter, Page, VirtualKeyPatch, VirtualKeyRecord } from './governance.types';
import { VirtualKeyEntity } from './virtual-key.entity';

// `metadata` is free-form JSON, which TypeORM's deep-partial type cannot express.
type Row = QueryDeepPartialEntity<VirtualKeyEntity>;

/** The only class that queries `virtual_keys`. */
@Injectable()
export class VirtualKeyStore {
  private readonly repository: Repository<VirtualKeyEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repository = dataSource.getRepository(VirtualKeyEntity);
  }

  async insert(record: VirtualKeyRecord): Promise<void> {
    // A copy: on Postgres TypeORM writes the raw RETURNING values of defaulted columns (JSON text)
    // back into the object it inserts, and callers render `record` afterwards.
    await this.repository.insert({ ...record } as Row);
  }

  findByToken(token: string): Promise<VirtualKeyRecord | null> {
    return this.repository.findOneBy({ token });
  }

  findByAlias(keyAlias: string): Promise<VirtualKeyRecord | null> {
    return this.repository.findOneBy({ keyAlias });
  }

  findByTeam(teamId: string): Promise<VirtualKeyRecord[]> {
    return this.repository.find({ where: { teamId }, order: { createdAt: 'ASC' } });
  }

  async list(filter: KeyListFilter): Promise<Page<VirtualKeyRecord>> {
    const where = {
      ...(filter.teamId !== undefined && { teamId: filter.teamId }),
      ...(filter.userId !== undefined && { userId: filter.userId }),
      ...(filter.keyAlias !== undefined && { keyAlias: filter.keyAlias }),
    };
    const [items, total] = await this.repository.findAndCount({
      where,
      order: { createdAt: 'DESC', token: 'ASC' },
      skip: filter.offset,
      take: filter.limit,
    });
    return { items, total };
  }

  /** Applies `patch` and returns the updated record, or null when the key does not exist. */
  async update(token: string, patch: VirtualKeyPatch): Promise<VirtualKeyRecord | null> {
    const result = await this.repository.update({ token }, {
      ...patch,
      updatedAt: new Date(),
    } as Row);
    if (!result.affected) return null;
    return this.findByToken(token);
  }

  /** Deletes the keys that exist among `tokens`; returns those deleted. */
  async delete(tokens: readonly string[]): Promise<string[]> {
    if (tokens.length === 0) return [];
    const existing = await this.repository.find({
      select: { token: true },
      where: { token: In([...tokens]) },
    });
    const found = existing.map((row) => row.token);
    if (found.length > 0) await this.repository.delete({ token: In(found) });
    return found;
  }

  /** Compare-and-set budget reset: a no-op when another replica already rolled the period. */
  async resetBudget(token: string, expectedResetAt: Date, nextResetAt: Date): Promise<boolean> {
    const result = await this.repository
      .createQueryBuilder()
      .update()
      .set({ spend: 0, budgetResetAt: nextResetAt, updatedAt: new Date() })
      .where({ token })
      .andWhere('budget_reset_at = :expected', {
        expected: sqlDate(this.dataSource, expectedResetAt),
      })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Keys whose budget period ended at or before `now`. */
  dueForBudgetReset(now: Date, limit: number): Promise<VirtualKeyRecord[]> {
    return this.repository
      .createQueryBuilder('k')
      .where('k.budget_reset_at IS NOT NULL AND k.budget_reset_at <= :now', {
        now: sqlDate(this.dataSource, now),
      })
      .orderBy('k.budget_reset_at', 'ASC')
      .take(limit)
      .getMany();
  }
}
