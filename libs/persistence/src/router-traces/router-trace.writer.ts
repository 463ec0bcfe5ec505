import { Injectable } from '@nestjs/common';
import { BatchWriter, type BatchWriterOptions } from '../batch.writer';
import { RouterTraceStore } from './router-trace.store';
import type { RouterTraceRecord } from './router-trace.types';

// A row may hold a prompt of up to 4096 characters: the buffer stays a few tens of MB at most.
export const DEFAULT_ROUTER_TRACE_WRITER_OPTIONS: BatchWriterOptions = {
  flushIntervalMs: 1000,
  batchSize: 200,
  maxBuffered: 5000,
};

/**
 * Write-behind buffer for routing traces: `record` is what the decision listener calls (O(1),
 * never awaits, never throws); rows reach the database in batches off the request path.
 */
@Injectable()
export class RouterTraceWriter extends BatchWriter<RouterTraceRecord> {
  constructor(
    private readonly store: RouterTraceStore,
    options: Partial<BatchWriterOptions> = {},
  ) {
    super('router trace', { ...DEFAULT_ROUTER_TRACE_WRITER_OPTIONS, ...options });
  }

  protected insert(batch: readonly RouterTraceRecord[]): Promise<void> {
    return this.store.insertMany(batch);
  }
}
