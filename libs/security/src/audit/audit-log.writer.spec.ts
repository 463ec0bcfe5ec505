import { AuditLogStore, type AuditLogRecord } from '@routeiq/persistence';
import { eventually } from '@routeiq/testing';
import { toAuditLogRecord } from './audit-record.mapper';
import { AuditLogWriter } from './audit-log.writer';
import { openAuditDatabase, type AuditDatabase } from './__fixtures__/audit-database';

function record(i: number): AuditLogRecord {
  return toAuditLogRecord({ action: 'key.block', resourceId: `key-${i}` });
}

describe(AuditLogWriter.name, () => {
  let db: AuditDatabase;
  let writer: AuditLogWriter;

  beforeEach(async () => {
    db = await openAuditDatabase('sqlite');
  });

  afterEach(async () => {
    await writer.beforeApplicationShutdown();
    await db.close();
  });

  it('writes in batches and drops what overflows its buffer', async () => {
    writer = new AuditLogWriter(new AuditLogStore(db.dataSource), {
      batchSize: 4,
      maxBuffered: 6,
      flushIntervalMs: 60_000,
    });
    // The 4th record starts a flush, which takes the first batch out of the buffer at once; of
    // the 8 records after it, 6 fit in the buffer and 2 are dropped.
    for (let i = 0; i < 12; i += 1) writer.enqueue(record(i));
    expect(writer.buffered).toBe(6);
    await writer.flush();

    expect(writer.buffered).toBe(0);
    expect(writer.stats).toEqual({ written: 10, droppedOverflow: 2, droppedFailed: 0 });
    expect(await db.rows()).toHaveLength(10);
  });

  it('flushes on its timer', async () => {
    writer = new AuditLogWriter(new AuditLogStore(db.dataSource), { flushIntervalMs: 20 });
    writer.enqueue(record(1));
    await eventually(() => writer.stats.written > 0, 'the timer flushes the record');
    expect(await db.rows()).toHaveLength(1);
  });

  it('counts records lost with a failed insert and keeps going', async () => {
    writer = new AuditLogWriter(new AuditLogStore(db.dataSource), { flushIntervalMs: 60_000 });
    await db.breakAuditTable();
    writer.enqueue(record(1));
    writer.enqueue(record(2));
    await expect(writer.flush()).resolves.toBeUndefined();
    expect(writer.stats).toEqual({ written: 0, droppedOverflow: 0, droppedFailed: 2 });
  });
});
