import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { describeDatabaseError } from './database-error';
import { type DatabaseTarget, describeDatabaseTarget } from './database-target';
import { PersistenceException } from './persistence.exception';

/** Readiness probe of the database. Errors never carry the URL or password. */
@Injectable()
export class DatabaseHealth {
  constructor(
    private readonly dataSource: DataSource,
    private readonly target: DatabaseTarget,
  ) {}

  /** Runs `SELECT 1`; rejects with a sanitised PersistenceException on error or after `timeoutMs`. */
  async ping(timeoutMs: number): Promise<void> {
    if (!this.dataSource.isInitialized) throw PersistenceException.unavailable('not connected');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(PersistenceException.unavailable(`ping timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.query(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The log-safe target, e.g. `postgres://user@host:5432/db` or `sqlite:/data/routeiq.sqlite`. */
  describe(): string {
    return describeDatabaseTarget(this.target);
  }

  private async query(): Promise<void> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch (error) {
      throw PersistenceException.unavailable(describeDatabaseError(error));
    }
  }
}
