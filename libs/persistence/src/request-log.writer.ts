import { Injectable } from '@nestjs/common';
import { BatchWriter, type BatchWriterOptions, type BatchWriterStats } from './batch.writer';
import { RequestLogRepository } from './request-log.repository';
import type { RequestLogRecord } from './request-log.types';

/** Defaults: flush every 1000 ms, 200 records per insert, at most 10,000 buffered. */
export type RequestLogWriterOptions = BatchWriterOptions;

export const DEFAULT_REQUEST_LOG_WRITER_OPTIONS: RequestLogWriterOptions = {
  flushIntervalMs: 1000,
  batchSize: 200,
  maxBuffered: 10_000,
};

/** Counters of records that never reached the database. */
export type RequestLogWriterStats = BatchWriterStats;

/**
 * Write-behind buffer for request logs. `record` is what the request path calls: O(1), never
 * awaits, never throws. Records are inserted in batches off the hot path, one flush at a time.
 */
@Injectable()
export class RequestLogWriter extends BatchWriter<RequestLogRecord> {
  constructor(
    private readonly repository: RequestLogRepository,
    options: Partial<RequestLogWriterOptions> = {},
  ) {
    super('request log', { ...DEFAULT_REQUEST_LOG_WRITER_OPTIONS, ...options });
  }

  protected insert(batch: readonly RequestLogRecord[]): Promise<void> {
    return this.repository.insertMany(batch);
  }
}
