import { type BeforeApplicationShutdown, Logger } from '@nestjs/common';
import { BoundedQueue } from './bounded-queue';
import { describeDatabaseError } from './database-error';

export interface BatchWriterOptions {
  /** Flush period, ms. */
  readonly flushIntervalMs: number;
  /** Records per insert; reaching it triggers a flush. */
  readonly batchSize: number;
  /** Buffered records kept at most; beyond it the oldest are dropped. */
  readonly maxBuffered: number;
}

/** Counters of a batch writer's records, and of those that never reached the database. */
export interface BatchWriterStats {
  readonly written: number;
  /** Evicted because the buffer was full. */
  readonly droppedOverflow: number;
  /** Lost with a failed insert. */
  readonly droppedFailed: number;
}

/**
 * Write-behind buffer for rows written off the request path. `record` is O(1), never awaits and
 * never throws; records are inserted in batches by `insert`, one flush at a time, on a timer, when
 * a batch fills up, and at shutdown. A full buffer evicts the oldest record (counted).
 */
export abstract class BatchWriter<T> implements BeforeApplicationShutdown {
  private readonly logger: Logger;
  private readonly options: BatchWriterOptions;
  private readonly queue: BoundedQueue<T>;
  private readonly timer: NodeJS.Timeout;
  private inFlight: Promise<void> | null = null;
  private counters = { written: 0, droppedOverflow: 0, droppedFailed: 0 };

  protected constructor(
    /** What the records are, for log lines (e.g. `router trace`). */
    private readonly noun: string,
    options: BatchWriterOptions,
  ) {
    this.logger = new Logger(new.target.name);
    this.options = options;
    this.queue = new BoundedQueue(options.maxBuffered);
    this.timer = setInterval(() => this.onTick(), options.flushIntervalMs);
    this.timer.unref();
  }

  /** Writes one batch (at most `batchSize` records). */
  protected abstract insert(batch: readonly T[]): Promise<void>;

  /** Buffers one record for the next batch. */
  record(item: T): void {
    try {
      if (this.queue.push(item)) this.counters.droppedOverflow += 1;
      if (this.queue.size >= this.options.batchSize && this.inFlight === null) void this.flush();
    } catch {
      // The request path must never fail because of a write-behind record.
    }
  }

  /** Writes everything buffered so far (and anything recorded meanwhile). Never rejects. */
  flush(): Promise<void> {
    this.inFlight ??= this.drain().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  get stats(): BatchWriterStats {
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
        await this.insert(batch);
        this.counters.written += batch.length;
      } catch (error) {
        this.counters.droppedFailed += batch.length;
        this.logger.error(
          `${this.noun} flush failed, dropped ${batch.length} records ` +
            `(${this.counters.droppedFailed} in total): ${describeDatabaseError(error)}`,
        );
      }
    }
  }
}
