import type { DataSource } from 'typeorm';
import { createDataSource, PERSISTENCE_MIGRATIONS } from './data-source.factory';
import { revertLastMigration, runMigrationsLocked } from './migration.runner';
import { createTestTarget, DATABASE_KINDS, type TestTarget } from './__fixtures__/test-databases';

const ALL = PERSISTENCE_MIGRATIONS.map((migration) => migration.name);

async function hasRequestLogs(dataSource: DataSource): Promise<boolean> {
  const runner = dataSource.createQueryRunner();
  try {
    return await runner.hasTable('request_logs');
  } finally {
    await runner.release();
  }
}

async function requestLogIndexes(dataSource: DataSource): Promise<string[]> {
  const sql =
    dataSource.options.type === 'postgres'
      ? `SELECT indexname AS name FROM pg_indexes WHERE tablename = 'request_logs'`
      : `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'request_logs'`;
  const rows: { name: string }[] = await dataSource.query(sql);
  return rows
    .map((row) => row.name)
    .filter((name) => name.startsWith('IDX_'))
    .sort();
}

describe('runMigrationsLocked', () => {
  describe.each(DATABASE_KINDS)('on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;

    beforeEach(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
    });

    afterEach(async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.cleanup();
    });

    it('applies every migration in order, reverts each with its down(), and re-applies them', async () => {
      const logged: string[] = [];
      expect(await runMigrationsLocked(dataSource, (m) => logged.push(m))).toEqual(ALL);
      expect(logged).toEqual(ALL.map((name) => `applied migration ${name}`));
      expect(await hasRequestLogs(dataSource)).toBe(true);
      // The request-id, key and team indexes exist on Postgres only (index upkeep on SQLite runs
      // on the event loop).
      expect(await requestLogIndexes(dataSource)).toEqual(
        kind === 'postgres'
          ? [
              'IDX_request_logs_created_at',
              'IDX_request_logs_key_created_at',
              'IDX_request_logs_request_id',
              'IDX_request_logs_team_created_at',
            ]
          : ['IDX_request_logs_created_at'],
      );

      expect(await runMigrationsLocked(dataSource)).toEqual([]);

      for (const name of [...ALL].reverse()) {
        expect(await revertLastMigration(dataSource)).toBe(name);
      }
      expect(await hasRequestLogs(dataSource)).toBe(false);
      expect(await revertLastMigration(dataSource)).toBeUndefined();

      expect(await runMigrationsLocked(dataSource)).toEqual(ALL);
      expect(await hasRequestLogs(dataSource)).toBe(true);
    });
  });

  describe('on postgres with two replicas starting together', () => {
    let db: TestTarget;
    const sources: DataSource[] = [];

    beforeEach(async () => {
      db = await createTestTarget('postgres');
    });

    afterEach(async () => {
      await Promise.all(sources.filter((s) => s.isInitialized).map((s) => s.destroy()));
      sources.length = 0;
      await db.cleanup();
    });

    it('applies each migration exactly once', async () => {
      sources.push(createDataSource(db.target), createDataSource(db.target));
      const results = await Promise.all(
        sources.map(async (source) => runMigrationsLocked(await source.initialize())),
      );

      expect(results.flat()).toEqual(ALL);
      const [first] = sources;
      const rows: unknown[] = await first!.query('SELECT name FROM migrations ORDER BY id');
      expect(rows).toEqual(ALL.map((name) => ({ name })));
    });
  });
});
