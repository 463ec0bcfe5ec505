import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source.factory';
import { runMigrationsLocked } from './migration.runner';
import { RequestLogRepository } from './request-log.repository';
import { RequestLogWriter } from './request-log.writer';
import {
  createTestTarget,
  DATABASE_KINDS,
  requestLogRecord,
  type TestTarget,
} from './__fixtures__/test-databases';

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not met');
}

describe(RequestLogWriter.name, () => {
  describe.each(DATABASE_KINDS)('on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;
    let repository: RequestLogRepository;
    const writers: RequestLogWriter[] = [];

    function writer(options: ConstructorParameters<typeof RequestLogWriter>[1] = {}) {
      const created = new RequestLogWriter(repository, options);
      writers.push(created);
      return created;
    }

    beforeEach(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
      await runMigrationsLocked(dataSource);
      repository = new RequestLogRepository(dataSource);
    });

    afterEach(async () => {
      await Promise.all(writers.map((w) => w.beforeApplicationShutdown()));
      writers.length = 0;
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.cleanup();
    });

    it('buffers records until flushed', async () => {
      const subject = writer({ flushIntervalMs: 60_000 });
      const rec = requestLogRecord();
      subject.record(rec);
      subject.record(requestLogRecord());

      expect(await repository.count()).toBe(0);
      expect(subject.buffered).toBe(2);
      await subject.flush();
      expect(await repository.count()).toBe(2);
      expect(await repository.findByRequestId(rec.requestId)).toEqual([
        { ...rec, id: expect.any(String) },
      ]);
      expect(subject.stats).toEqual({ written: 2, droppedOverflow: 0, droppedFailed: 0 });
    });

    it('flushes on its own once a batch is full', async () => {
      const subject = writer({ flushIntervalMs: 60_000, batchSize: 5 });
      for (let i = 0; i < 4; i += 1) subject.record(requestLogRecord());
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await repository.count()).toBe(0);

      subject.record(requestLogRecord());
      await waitFor(async () => (await repository.count()) === 5);
    });

    it('flushes on its interval', async () => {
      const subject = writer({ flushIntervalMs: 50 });
      subject.record(requestLogRecord());
      await waitFor(async () => (await repository.count()) === 1);
    });

    it('runs one flush at a time and writes records added meanwhile', async () => {
      const subject = writer({ flushIntervalMs: 60_000, batchSize: 10 });
      for (let i = 0; i < 25; i += 1) subject.record(requestLogRecord());
      const first = subject.flush();
      const second = subject.flush();
      subject.record(requestLogRecord());

      expect(second).toBe(first);
      await first;
      expect(await repository.count()).toBe(26);
    });

    it('drops and counts a batch whose insert fails, then keeps working', async () => {
      const subject = writer({ flushIntervalMs: 60_000 });
      // model_group is NOT NULL on both databases: the whole batch's insert fails.
      const invalid = requestLogRecord({ modelGroup: null as unknown as string });

      subject.record(invalid);
      subject.record(requestLogRecord());
      await expect(subject.flush()).resolves.toBeUndefined();
      expect(subject.stats).toEqual({ written: 0, droppedOverflow: 0, droppedFailed: 2 });

      subject.record(requestLogRecord());
      await subject.flush();
      expect(await repository.count()).toBe(1);
      expect(subject.stats.written).toBe(1);
    });

    it('drops the oldest records beyond its cap', async () => {
      const subject = writer({ flushIntervalMs: 60_000, batchSize: 100, maxBuffered: 3 });
      const records = Array.from({ length: 5 }, () => requestLogRecord());
      for (const rec of records) subject.record(rec);
      await subject.flush();

      expect(subject.stats).toEqual({ written: 3, droppedOverflow: 2, droppedFailed: 0 });
      expect(await repository.findByRequestId(records[0]!.requestId)).toEqual([]);
      expect(await repository.findByRequestId(records[4]!.requestId)).toHaveLength(1);
    });

    it('flushes what remains on shutdown', async () => {
      const subject = writer({ flushIntervalMs: 60_000 });
      subject.record(requestLogRecord());
      await subject.beforeApplicationShutdown();
      expect(await repository.count()).toBe(1);
    });

    it('never throws from record, even when the database is gone', async () => {
      const subject = writer({ flushIntervalMs: 60_000, batchSize: 1 });
      await dataSource.destroy();
      expect(() => subject.record(requestLogRecord())).not.toThrow();
      await subject.flush();
      expect(subject.stats.droppedFailed).toBe(1);
    });
  });
});
