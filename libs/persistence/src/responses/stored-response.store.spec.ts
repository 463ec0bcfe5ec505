import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source.factory';
import { runMigrationsLocked } from '../migration.runner';
import { createTestTarget, DATABASE_KINDS, type TestTarget } from '../__fixtures__/test-databases';
import { StoredResponseStore } from './stored-response.store';
import type { StoredResponseRecord } from './stored-response.types';

const T0 = new Date('2026-11-28T10:00:00.000Z');
const HOUR = 3_600_000;

function at(offsetMs: number): Date {
  return new Date(T0.getTime() + offsetMs);
}

function stored(id: string, overrides: Partial<StoredResponseRecord> = {}): StoredResponseRecord {
  return {
    id,
    createdAt: T0,
    expiresAt: at(HOUR),
    keyId: 'key-a',
    deploymentId: 'dep-1',
    modelGroup: 'gpt-4o-mini',
    messages: [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello', tool_calls: [{ id: 'c1', type: 'function' }] },
    ],
    response: { id, object: 'response', output: [{ type: 'message' }], usage: { total: 3 } },
    ...overrides,
  };
}

describe(StoredResponseStore.name, () => {
  describe.each(DATABASE_KINDS)('on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;
    let store: StoredResponseStore;

    beforeAll(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
      await runMigrationsLocked(dataSource);
      store = new StoredResponseStore(dataSource);
    });

    afterAll(async () => {
      await dataSource?.destroy();
      await db?.cleanup();
    });

    it('returns a stored response with its JSON intact to its owner only', async () => {
      const record = stored('resp_owner');
      await store.insert([record, stored('resp_other', { keyId: 'key-b' })]);
      const found = await store.find('resp_owner', 'key-a', T0);
      expect(found).toEqual(record);
      expect(found?.createdAt).toEqual(T0);
      await expect(store.find('resp_owner', 'key-b', T0)).resolves.toBeNull();
      await expect(store.find('resp_missing', 'key-a', T0)).resolves.toBeNull();
    });

    it('hides an expired response and does not delete it for its owner', async () => {
      await store.insert([stored('resp_old', { expiresAt: at(HOUR) })]);
      await expect(store.find('resp_old', 'key-a', at(HOUR - 1))).resolves.not.toBeNull();
      await expect(store.find('resp_old', 'key-a', at(HOUR + 1))).resolves.toBeNull();
      await expect(store.delete('resp_old', 'key-a', at(HOUR + 1))).resolves.toBe(false);
    });

    it("deletes the owner's response only", async () => {
      await store.insert([stored('resp_del')]);
      await expect(store.delete('resp_del', 'key-b', T0)).resolves.toBe(false);
      await expect(store.delete('resp_del', 'key-a', T0)).resolves.toBe(true);
      await expect(store.find('resp_del', 'key-a', T0)).resolves.toBeNull();
      await expect(store.delete('resp_del', 'key-a', T0)).resolves.toBe(false);
    });

    it('deletes only the expired rows in a cleanup', async () => {
      await store.insert([
        stored('resp_gone_1', { expiresAt: at(10 * HOUR) }),
        stored('resp_gone_2', { expiresAt: at(11 * HOUR) }),
        stored('resp_kept', { expiresAt: at(30 * HOUR) }),
      ]);
      // The rows of the tests above expired at T0 + 1h as well.
      const removed = await store.deleteExpired(at(20 * HOUR));
      expect(removed).toBeGreaterThanOrEqual(2);
      await expect(store.find('resp_gone_1', 'key-a', T0)).resolves.toBeNull();
      await expect(store.find('resp_kept', 'key-a', T0)).resolves.not.toBeNull();
      await expect(store.deleteExpired(at(20 * HOUR))).resolves.toBe(0);
    });

    it('refuses a duplicate id', async () => {
      await store.insert([stored('resp_dup')]);
      await expect(store.insert([stored('resp_dup')])).rejects.toThrow();
    });
  });
});
