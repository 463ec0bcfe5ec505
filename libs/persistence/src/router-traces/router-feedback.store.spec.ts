import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source.factory';
import { runMigrationsLocked } from '../migration.runner';
import { createTestTarget, DATABASE_KINDS, type TestTarget } from '../__fixtures__/test-databases';
import { routerFeedback, TRACE_T0 } from './__fixtures__/router-trace.fixtures';
import { RouterFeedbackStore } from './router-feedback.store';

const LATER = new Date(TRACE_T0.getTime() + 3_600_000);

describe(RouterFeedbackStore.name, () => {
  describe.each(DATABASE_KINDS)('on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;
    let store: RouterFeedbackStore;

    beforeAll(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
      await runMigrationsLocked(dataSource);
      store = new RouterFeedbackStore(dataSource);
    });

    afterAll(async () => {
      await dataSource?.destroy();
      await db?.cleanup();
    });

    it('stores a rating and returns it as stored', async () => {
      const record = routerFeedback('req-new', { score: 0.375, comment: 'half right' });
      await expect(store.upsert(record)).resolves.toEqual(record);
      await expect(store.find('req-new')).resolves.toEqual(record);
      await expect(store.find('req-unknown')).resolves.toBeNull();
    });

    it('replaces an earlier rating of the same request and keeps when it was first rated', async () => {
      await store.upsert(routerFeedback('req-again', { score: 0, comment: 'wrong' }));
      const replaced = await store.upsert(
        routerFeedback('req-again', {
          keyId: 'admin-key',
          score: 1,
          comment: null,
          createdAt: LATER,
          updatedAt: LATER,
        }),
      );
      expect(replaced).toEqual({
        requestId: 'req-again',
        keyId: 'admin-key',
        score: 1,
        comment: null,
        createdAt: TRACE_T0,
        updatedAt: LATER,
      });
      await expect(store.find('req-again')).resolves.toEqual(replaced);
    });
  });
});
