import { type DataSource, MigrationExecutor, type QueryRunner } from 'typeorm';

/**
 * Advisory lock key serialising migrations across replicas on one Postgres database
 * (an arbitrary constant: "RouteIQ" in ASCII).
 */
export const MIGRATION_LOCK_KEY = '89857672853073';

/**
 * Applies pending migrations, each in its own transaction, and returns their names. On Postgres,
 * concurrent callers (replicas starting together) are serialised with an advisory lock; on SQLite
 * the file lock and busy timeout do the same. `afterMigrations` runs under the same lock once they
 * are applied (the gateway seals legacy plain-text credentials there).
 */
export async function runMigrationsLocked(
  dataSource: DataSource,
  log?: (message: string) => void,
  afterMigrations?: () => Promise<void>,
): Promise<string[]> {
  return withMigrationLock(dataSource, async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const migration of applied) log?.(`applied migration ${migration.name}`);
    await afterMigrations?.();
    return applied.map((migration) => migration.name);
  });
}

/** Reverts the most recently applied migration; returns its name, or undefined when none ran. */
export async function revertLastMigration(dataSource: DataSource): Promise<string | undefined> {
  return withMigrationLock(dataSource, async () => {
    const executed = await new MigrationExecutor(dataSource).getExecutedMigrations();
    const last = executed.reduce<(typeof executed)[number] | undefined>(
      (latest, migration) =>
        latest === undefined || migration.timestamp > latest.timestamp ? migration : latest,
      undefined,
    );
    if (!last) return undefined;
    await dataSource.undoLastMigration({ transaction: 'each' });
    return last.name;
  });
}

/**
 * Runs `work` holding the migration lock (Postgres advisory lock; on SQLite, nothing more than the
 * file lock): database-wide maintenance never overlaps a replica's migrations.
 */
export async function withMigrationLock<T>(
  dataSource: DataSource,
  work: () => Promise<T>,
): Promise<T> {
  if (dataSource.options.type !== 'postgres') return work();
  // The lock belongs to one session: hold it on a dedicated connection for the whole run.
  const lockRunner: QueryRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lockRunner.release();
  }
}
