import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AuditLogStore, type AuditLogRecord } from '@routeiq/persistence';
import { describeAuditError } from './audit-error';

export interface AuditLogWriterOptions {
  /** Flush period. Default 1000 ms. */
  readonly flushIntervalMs: number;
  /** Records per insert; reaching it triggers a flush. Default 100. */
  readonly batchSize: number;
  /** Buffered records kept at most; beyond it new records are dropped (and counted). Default 10,000. */
  readonly maxBuffered: number;
}

export const DEFAULT_AUDIT_LOG_WRITER_OPTIONS: AuditLogWriterOptions = {
  flushIntervalMs: 1000,
  batchSize: 100,
  maxBuffered: 10_000,
};

export interface AuditLogWriterStats {
  readonly written: number;
  /** Not buffered because the buffer was full (the database is down or too slow). */
  readonly droppedOverflow: number;
  /** Lost with a failed insert. */
  readonly droppedFailed: number;
}

/**
 * Write-behind buffer for audit records (open mode, and every policy deny). `enqueue` is O(1),
 * never awaits and never throws; batches are inserted off the request path, one flush at a time.
 */
@Injectable()
export class AuditLogWriter implements BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditLogWriter.name);
  private readonly options: AuditLogWriterOptions;
  private readonly timer: NodeJS.Timeout;
  private buffer: AuditLogRecord[] = [];
  private inFlight: Promise<void> | null = null;
  private counters = { written: 0, droppedOverflow: 0, droppedFailed: 0 };

  constructor(
    private readonly store: AuditLogStore,
    options: Partial<AuditLogWriterOptions> = {},
  ) {
    this.options = { ...DEFAULT_AUDIT_LOG_WRITER_OPTIONS, ...options };
    this.timer = setInterval(() => this.onTick(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  enqueue(record: AuditLogRecord): void {
    // Dropping the newest keeps the buffer O(1); the overflow is counted and logged on flush.
    if (this.buffer.length >= this.options.maxBuffered) {
      this.counters.droppedOverflow += 1;
      return;
    }
    this.buffer.push(record);
    if (this.buffer.length >= this.options.batchSize && this.inFlight === null) void this.flush();
  }

  /** Writes everything buffered so far (and anything enqueued meanwhile). Never rejects. */
  flush(): Promise<void> {
    this.inFlight ??= this.drain().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  get stats(): AuditLogWriterStats {
    return { ...this.counters };
  }

  get buffered(): number {
    return this.buffer.length;
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private onTick(): void {
    if (this.buffer.length > 0 && this.inFlight === null) void this.flush();
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.options.batchSize);
      try {
        await this.store.insertMany(batch);
        this.counters.written += batch.length;
      } catch (error) {
        this.counters.droppedFailed += batch.length;
        this.logger.error(
          `audit log flush failed, dropped ${batch.length} records ` +
            `(${this.counters.droppedFailed} failed, ${this.counters.droppedOverflow} overflowed ` +
            `in total): ${describeAuditError(error)}`,
        );
      }
    }
  }
}
