import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source.factory';
import { runMigrationsLocked } from '../migration.runner';
import { createTestTarget, DATABASE_KINDS, type TestTarget } from '../__fixtures__/test-databases';
import { routerTrace } from './__fixtures__/router-trace.fixtures';
import { RouterTraceStore } from './router-trace.store';
import { RouterTraceWriter } from './router-trace.writer';

describe(RouterTraceWriter.name, () => {
  describe.each(DATABASE_KINDS)('on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;
    let store: RouterTraceStore;
    const writers: RouterTraceWriter[] = [];

    function writer(options: ConstructorParameters<typeof RouterTraceWriter>[1] = {}) {
      const created = new RouterTraceWriter(store, { flushIntervalMs: 60_000, ...options });
      writers.push(created);
      return created;
    }

    beforeEach(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
      await runMigrationsLocked(dataSource);
      store = new RouterTraceStore(dataSource);
    });

    afterEach(async () => {
      await Promise.all(writers.map((w) => w.beforeApplicationShutdown()));
      writers.length = 0;
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.cleanup();
    });

    it('buffers traces until flushed, then writes them in one go', async () => {
      const subject = writer();
      const [a, b] = [routerTrace(), routerTrace()];
      subject.record(a);
      subject.record(b);
      await expect(store.find(a.requestId)).resolves.toBeNull();
      expect(subject.buffered).toBe(2);

      await subject.flush();
      await expect(store.find(a.requestId)).resolves.toEqual(a);
      await expect(store.find(b.requestId)).resolves.toEqual(b);
      expect(subject.stats).toEqual({ written: 2, droppedOverflow: 0, droppedFailed: 0 });
    });

    it('flushes by itself once a batch is full', async () => {
      const subject = writer({ batchSize: 2 });
      const rows = [routerTrace(), routerTrace()];
      rows.forEach((row) => subject.record(row));
      await subject.flush();
      expect(subject.stats.written).toBe(2);
      expect(subject.buffered).toBe(0);
    });

    it('evicts the oldest trace when the buffer is full', async () => {
      const subject = writer({ maxBuffered: 2 });
      const [oldest, kept1, kept2] = [routerTrace(), routerTrace(), routerTrace()];
      [oldest, kept1, kept2].forEach((row) => subject.record(row));
      await subject.flush();
      await expect(store.find(oldest.requestId)).resolves.toBeNull();
      await expect(store.find(kept2.requestId)).resolves.toEqual(kept2);
      expect(subject.stats).toEqual({ written: 2, droppedOverflow: 1, droppedFailed: 0 });
    });

    it('writes what is buffered at shutdown', async () => {
      const subject = writer();
      const row = routerTrace();
      subject.record(row);
      await subject.beforeApplicationShutdown();
      await expect(store.find(row.requestId)).resolves.toEqual(row);
    });

    it('counts a batch lost to a failed insert and never rejects', async () => {
      const subject = writer();
      subject.record(routerTrace());
      await dataSource.destroy();
      await expect(subject.flush()).resolves.toBeUndefined();
      expect(subject.stats).toEqual({ written: 0, droppedOverflow: 0, droppedFailed: 1 });
    });
  });
});
