import { Injectable } from '@nestjs/common';
import { DataSource, In, type Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { sqlDate } from '../sql-values';
import type { Page, TeamPatch, TeamRecord } from './governance.types';
import { TeamEntity } from './team.entity';
import { VirtualKeyEntity } from './virtual-key.entity';

export interface DeletedTeams {
  readonly teamIds: string[];
  /** Tokens of the keys deleted with their teams. */
  readonly keyTokens: string[];
}

// `metadata` is free-form JSON, which TypeORM's deep-partial type cannot express.
type Row = QueryDeepPartialEntity<TeamEntity>;

/** The only class that queries `teams`. */
@Injectable()
export class TeamStore {
  private readonly repository: Repository<TeamEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repository = dataSource.getRepository(TeamEntity);
  }

  async insert(record: TeamRecord): Promise<void> {
    // A copy: on Postgres TypeORM writes the raw RETURNING values of defaulted columns (JSON text)
    // back into the object it inserts, and callers render `record` afterwards.
    await this.repository.insert({ ...record } as Row);
  }

  find(teamId: string): Promise<TeamRecord | null> {
    return this.repository.findOneBy({ teamId });
  }

  async list(offset: number, limit: number): Promise<Page<TeamRecord>> {
    const [items, total] = await this.repository.findAndCount({
      order: { createdAt: 'DESC', teamId: 'ASC' },
      skip: offset,
      take: limit,
    });
    return { items, total };
  }

  async update(teamId: string, patch: TeamPatch): Promise<TeamRecord | null> {
    const result = await this.repository.update({ teamId }, {
      ...patch,
      updatedAt: new Date(),
    } as Row);
    if (!result.affected) return null;
    return this.find(teamId);
  }

  /** Deletes the teams that exist and every key that belongs to them, in one transaction. */
  delete(teamIds: readonly string[]): Promise<DeletedTeams> {
    return this.dataSource.transaction(async (manager) => {
      const teams = await manager.find(TeamEntity, {
        select: { teamId: true },
        where: { teamId: In([...teamIds]) },
      });
      const found = teams.map((team) => team.teamId);
      if (found.length === 0) return { teamIds: [], keyTokens: [] };
      const keys = await manager.find(VirtualKeyEntity, {
        select: { token: true },
        where: { teamId: In(found) },
      });
      const keyTokens = keys.map((key) => key.token);
      if (keyTokens.length > 0) await manager.delete(VirtualKeyEntity, { token: In(keyTokens) });
      await manager.delete(TeamEntity, { teamId: In(found) });
      return { teamIds: found, keyTokens };
    });
  }

  async resetBudget(teamId: string, expectedResetAt: Date, nextResetAt: Date): Promise<boolean> {
    const result = await this.repository
      .createQueryBuilder()
      .update()
      .set({ spend: 0, budgetResetAt: nextResetAt, updatedAt: new Date() })
      .where({ teamId })
      .andWhere('budget_reset_at = :expected', {
        expected: sqlDate(this.dataSource, expectedResetAt),
      })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  dueForBudgetReset(now: Date, limit: number): Promise<TeamRecord[]> {
    return this.repository
      .createQueryBuilder('t')
      .where('t.budget_reset_at IS NOT NULL AND t.budget_reset_at <= :now', {
        now: sqlDate(this.dataSource, now),
      })
      .orderBy('t.budget_reset_at', 'ASC')
      .take(limit)
      .getMany();
  }
}
