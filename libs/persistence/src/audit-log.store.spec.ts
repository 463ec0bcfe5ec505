import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AuditLogStore } from './audit-log.store';
import type { AuditLogFilter, AuditLogRecord } from './audit-log.types';
import { createDataSource } from './data-source.factory';
import { runMigrationsLocked } from './migration.runner';
import { AuditLog1764400100000 } from './migrations/1764400100000-audit-log.migration';
import { createTestTarget, DATABASE_KINDS, type TestTarget } from './__fixtures__/test-databases';

const T0 = new Date('2025-11-28T10:00:00.000Z');

function at(offsetMs: number): Date {
  return new Date(T0.getTime() + offsetMs);
}

function auditRecord(overrides: Partial<AuditLogRecord> = {}): AuditLogRecord {
  return {
    id: randomUUID(),
    createdAt: T0,
    requestId: `req-${randomUUID()}`,
    actorType: 'admin',
    actorId: 'key-ab…cdef',
    action: 'key.generate',
    resourceType: 'key',
    resourceId: 'key-123',
    outcome: 'success',
    reason: null,
    metadata: {},
    ...overrides,
  };
}

async function auditIndexes(dataSource: DataSource): Promise<string[]> {
  const sql =
    dataSource.options.type === 'postgres'
      ? `SELECT indexname AS name FROM pg_indexes WHERE tablename = 'audit_logs'`
      : `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_logs'`;
  const rows: { name: string }[] = await dataSource.query(sql);
  return rows
    .map((row) => row.name)
    .filter((name) => name.startsWith('IDX_'))
    .sort();
}

describe(AuditLogStore.name, () => {
  describe.each(DATABASE_KINDS)('on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;
    let store: AuditLogStore;

    const ids = async (filter: Omit<AuditLogFilter, 'limit'>): Promise<string[]> =>
      (await store.find({ ...filter, limit: 500 })).items.map((item) => item.id);

    beforeAll(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
      await runMigrationsLocked(dataSource);
      store = new AuditLogStore(dataSource);
    });

    beforeEach(async () => {
      await dataSource.query('DELETE FROM audit_logs');
    });

    afterAll(async () => {
      await dataSource.destroy();
      await db.cleanup();
    });

    it('round-trips every field, nulls and metadata included', async () => {
      const full = auditRecord({
        createdAt: at(1500),
        reason: 'budget exceeded',
        metadata: { models: ['gpt-4o'], max_budget: 10, nested: { ok: true } },
      });
      const sparse = auditRecord({
        actorType: 'system',
        actorId: null,
        requestId: null,
        action: 'config.reload',
        resourceType: null,
        resourceId: null,
        outcome: 'failure',
      });
      await store.insert(sparse);
      await store.insert(full);

      const page = await store.find({ limit: 10 });
      expect(page).toEqual({ items: [full, sparse], next: null });
    });

    it('inserts a batch larger than one statement holds', async () => {
      const batch = Array.from({ length: 450 }, (_, i) => auditRecord({ createdAt: at(i) }));
      await store.insertMany(batch);
      await store.insertMany([]);

      const found = await ids({});
      expect(found).toHaveLength(450);
      expect(new Set(found)).toEqual(new Set(batch.map((record) => record.id)));
    });

    it('rejects a duplicate id without writing the rest of its statement', async () => {
      const first = auditRecord();
      await store.insert(first);
      await expect(store.insertMany([auditRecord(), first])).rejects.toThrow();
      expect(await ids({})).toEqual([first.id]);
    });

    it('filters on every field, alone and combined', async () => {
      const a = auditRecord({ createdAt: at(0) });
      const b = auditRecord({
        createdAt: at(1000),
        action: 'key.delete',
        actorType: 'master',
        actorId: 'key-99…8877',
        resourceId: 'key-456',
      });
      const c = auditRecord({
        createdAt: at(2000),
        action: 'policy.deny',
        actorType: 'virtual',
        actorId: 'vk-abc…wxyz',
        resourceType: 'route',
        resourceId: 'POST /v1/chat/completions',
        outcome: 'denied',
      });
      await store.insertMany([a, b, c]);

      expect(await ids({ action: 'key.delete' })).toEqual([b.id]);
      expect(await ids({ actorType: 'virtual' })).toEqual([c.id]);
      expect(await ids({ actorId: 'key-ab…cdef' })).toEqual([a.id]);
      expect(await ids({ resourceType: 'key' })).toEqual([b.id, a.id]);
      expect(await ids({ resourceId: 'key-456' })).toEqual([b.id]);
      expect(await ids({ outcome: 'denied' })).toEqual([c.id]);
      expect(await ids({ outcome: 'failure' })).toEqual([]);
      // `since` is inclusive, `until` exclusive.
      expect(await ids({ since: at(1000) })).toEqual([c.id, b.id]);
      expect(await ids({ until: at(1000) })).toEqual([a.id]);
      expect(await ids({ since: at(500), until: at(2000) })).toEqual([b.id]);
      expect(await ids({ resourceType: 'key', actorType: 'admin' })).toEqual([a.id]);
      expect(await ids({ action: 'key.delete', outcome: 'success', since: at(1001) })).toEqual([]);
    });

    it('pages newest first over equal timestamps without duplicates or gaps', async () => {
      // 12 instants × 20 rows: most page boundaries fall inside a group of equal timestamps.
      const rows = Array.from({ length: 240 }, (_, i) =>
        auditRecord({ createdAt: at(Math.floor(i / 20) * 1000), outcome: 'denied' }),
      );
      await store.insertMany([...rows].reverse());
      await store.insert(auditRecord({ createdAt: at(5000), outcome: 'success' }));

      const seen: AuditLogRecord[] = [];
      let after: AuditLogFilter['after'];
      for (let pages = 0; pages < 100; pages += 1) {
        const page = await store.find({ outcome: 'denied', limit: 7, after });
        seen.push(...page.items);
        if (page.next === null) break;
        expect(page.items).toHaveLength(7);
        after = page.next;
      }

      const expected = [...rows].sort(
        (x, y) =>
          y.createdAt.getTime() - x.createdAt.getTime() || (y.id < x.id ? -1 : y.id > x.id ? 1 : 0),
      );
      expect(seen.map((row) => row.id)).toEqual(expected.map((row) => row.id));
      expect(new Set(seen.map((row) => row.id)).size).toBe(240);
    });

    it('returns no next position when the last page is exactly full', async () => {
      await store.insertMany([
        auditRecord({ createdAt: at(0) }),
        auditRecord({ createdAt: at(1) }),
      ]);
      const first = await store.find({ limit: 1 });
      expect(first.next).toEqual({ createdAt: at(1), id: first.items[0]?.id });
      const second = await store.find({ limit: 1, after: first.next ?? undefined });
      expect(second.items).toHaveLength(1);
      expect(second.next).toBeNull();
    });
  });

  describe.each(DATABASE_KINDS)('migration on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;

    beforeAll(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
      await runMigrationsLocked(dataSource);
    });

    afterAll(async () => {
      await dataSource.destroy();
      await db.cleanup();
    });

    it('creates the table with its indexes, drops it and creates it again', async () => {
      const migration = new AuditLog1764400100000();
      const runner = dataSource.createQueryRunner();
      try {
        expect(await runner.hasTable('audit_logs')).toBe(true);
        expect(await auditIndexes(dataSource)).toEqual([
          'IDX_audit_logs_action_created_at',
          'IDX_audit_logs_created_at_id',
          'IDX_audit_logs_resource',
        ]);

        await migration.down(runner);
        expect(await runner.hasTable('audit_logs')).toBe(false);

        await migration.up(runner);
        expect(await runner.hasTable('audit_logs')).toBe(true);
        expect(await auditIndexes(dataSource)).toHaveLength(3);
        const store = new AuditLogStore(dataSource);
        const record = auditRecord();
        await store.insert(record);
        expect((await store.find({ limit: 5 })).items).toEqual([record]);
      } finally {
        await runner.release();
      }
    });
  });
});
