import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource, type DatabaseTarget, runMigrationsLocked } from '@routeiq/persistence';
import { createTestDatabase } from '@routeiq/testing';
import type { DataSource } from 'typeorm';

export type AuditDatabaseKind = DatabaseTarget['kind'];
export const AUDIT_DATABASE_KINDS: readonly AuditDatabaseKind[] = ['postgres', 'sqlite'];

export interface AuditDatabase {
  readonly dataSource: DataSource;
  /** Every audit row, oldest first, straight from the table (metadata as stored text). */
  rows(): Promise<Record<string, unknown>[]>;
  /** Makes every audit write fail from now on, as a lost or broken database would. */
  breakAuditTable(): Promise<void>;
  close(): Promise<void>;
}

/** A fresh, migrated database of the given kind. */
export async function openAuditDatabase(kind: AuditDatabaseKind): Promise<AuditDatabase> {
  const { target, cleanup } = await createTarget(kind);
  const dataSource = await createDataSource(target).initialize();
  await runMigrationsLocked(dataSource);
  return {
    dataSource,
    rows: () => dataSource.query('SELECT * FROM audit_logs ORDER BY created_at, id'),
    breakAuditTable: async () => {
      await dataSource.query('DROP TABLE audit_logs');
    },
    close: async () => {
      await dataSource.destroy();
      await cleanup();
    },
  };
}

async function createTarget(
  kind: AuditDatabaseKind,
): Promise<{ target: DatabaseTarget; cleanup: () => Promise<void> }> {
  if (kind === 'postgres') {
    const db = await createTestDatabase();
    return { target: { kind: 'postgres', url: db.url }, cleanup: () => db.drop() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-audit-'));
  return {
    target: { kind: 'sqlite', path: join(dir, 'routeiq.sqlite') },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
