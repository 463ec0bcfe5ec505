import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sqlDate } from '../sql-values';
import type { SpendDeltas } from './governance.types';

/**
 * Adds spend to keys, teams and users in one transaction. Increments (`spend = spend + ?`), never
 * read-modify-write, so replicas flushing at the same time both count.
 */
@Injectable()
export class SpendStore {
  private readonly postgres: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  async add(deltas: SpendDeltas): Promise<void> {
    const now = sqlDate(this.dataSource, new Date());
    await this.dataSource.transaction(async (manager) => {
      for (const [token, amount] of deltas.keys) {
        await manager.query(
          `UPDATE virtual_keys SET spend = spend + ${this.mark(1)} WHERE token = ${this.mark(2)}`,
          [amount, token],
        );
      }
      for (const [teamId, amount] of deltas.teams) {
        await manager.query(
          `UPDATE teams SET spend = spend + ${this.mark(1)} WHERE team_id = ${this.mark(2)}`,
          [amount, teamId],
        );
      }
      for (const [userId, amount] of deltas.users) {
        await manager.query(
          `INSERT INTO user_spend (user_id, spend, updated_at) VALUES (${this.mark(1)}, ${this.mark(2)}, ${this.mark(3)}) ` +
            `ON CONFLICT (user_id) DO UPDATE SET spend = user_spend.spend + excluded.spend, updated_at = excluded.updated_at`,
          [userId, amount, now],
        );
      }
    });
  }

  async userSpend(userId: string): Promise<number> {
    const rows: Array<{ spend: number | string }> = await this.dataSource.query(
      `SELECT spend FROM user_spend WHERE user_id = ${this.mark(1)}`,
      [userId],
    );
    return rows[0] ? Number(rows[0].spend) : 0;
  }

  private mark(position: number): string {
    return this.postgres ? `$${position}` : '?';
  }
}
