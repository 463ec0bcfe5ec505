import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { BoundedQueue } from './bounded-queue';
import { describeDatabaseError } from './database-error';
import { RequestLogRepository } from './request-log.repository';
import type { RequestLogRecord } from './request-log.types';

export interface RequestLogWriterOptions {
  /** Flush period. Default 1000 ms. */
  readonly flushIntervalMs: number;
  /** Records per insert; reaching it triggers a flush. Default 200. */
  readonly batchSize: number;
  /** Buffered records kept at most; beyond it the oldest are dropped. Default 10,000. */
  readonly maxBuffered: number;
}

export const DEFAULT_REQUEST_LOG_WRITER_OPTIONS: RequestLogWriterOptions = {
  flushIntervalMs: 1000,
  batchSize: 200,
  maxBuffered: 10_000,
};

/** Counters of records that never reached the database. */
export interface RequestLogWriterStats {
  readonly written: number;
  /** Evicted because the buffer was full. */
  readonly droppedOverflow: number;
  /** Lost with a failed insert. */
  readonly droppedFailed: number;
}

/**
 * Write-behind buffer for request logs. `record` is what the request path calls: O(1), never
 * awaits, never throws. Records are inserted in batches off the hot path, one flush at a time.
 */
@Injectable()
export class RequestLogWriter implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RequestLogWriter.name);
  private readonly options: RequestLogWriterOptions;
  private readonly queue: BoundedQueue<RequestLogRecord>;
  private readonly timer: NodeJS.Timeout;
  private inFlight: Promise<void> | null = null;
  private counters = { written: 0, droppedOverflow: 0, droppedFailed: 0 };

  constructor(
    private readonly repository: RequestLogRepository,
    options: Partial<RequestLogWriterOptions> = {},
  ) {
    this.options = { ...DEFAULT_REQUEST_LOG_WRITER_OPTIONS, ...options };
    this.queue = new BoundedQueue(this.options.maxBuffered);
    this.timer = setInterval(() => this.onTick(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Buffers one record for the next batch. */
  record(rec: RequestLogRecord): void {
    try {
      if (this.queue.push(rec)) this.counters.droppedOverflow += 1;
      if (this.queue.size >= this.options.batchSize && this.inFlight === null) void this.flush();
    } catch {
      // The request path must never fail because of logging.
    }
  }

  /** Writes everything buffered so far (and anything recorded meanwhile). Never rejects. */
  flush(): Promise<void> {
    this.inFlight ??= this.drain().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  get stats(): RequestLogWriterStats {
    return { ...this.counters };
  }

  get buffered(): number {
    return this.queue.size;
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private onTick(): void {
    if (this.queue.size > 0 && this.inFlight === null) void this.flush();
  }

  private async drain(): Promise<void> {
    while (this.queue.size > 0) {
      const batch = this.queue.take(this.options.batchSize);
      try {
        await this.repository.insertMany(batch);
        this.counters.written += batch.length;
      } catch (error) {
        this.counters.droppedFailed += batch.length;
        this.logger.error(
          `request log flush failed, dropped ${batch.length} records ` +
            `(${this.counters.droppedFailed} in total): ${describeDatabaseError(error)}`,
        );
      }
    }
  }
}
