/** Where a {@link CoalescedLogStream} writes: synchronously, everything it is given. */
export interface SyncLogSink {
  write(data: string): unknown;
}

/**
 * A log stream that gathers the lines written during one turn of the event loop and writes them
 * with one synchronous write when the turn ends (`setImmediate`). An asynchronous `fs.write` per
 * line goes through the thread pool and wakes the process again when it completes: ~3.7 context
 * switches per request at concurrency 1 on the 2-core VMs we measure on, more than the rest of the
 * request. Here a line costs an array push; under load one `write(2)` carries every line of the
 * turn; nothing waits on a thread.
 *
 * Lines still pending when the process exits are written by {@link flushSync} (the caller registers
 * it on `exit`).
 */
export class CoalescedLogStream {
  private pending: string[] = [];
  private scheduled = false;
  private readonly flushLater = (): void => {
    this.scheduled = false;
    try {
      this.flushSync();
    } catch {
      // Logging never takes the process down: a batch the sink refused (stdout closed) is lost.
    }
  };

  constructor(
    private readonly sink: SyncLogSink,
    private readonly schedule: (task: () => void) => void = setImmediate,
  ) {}

  write(line: string): boolean {
    this.pending.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(this.flushLater);
    }
    return true;
  }

  /** Writes every pending line now, in order. */
  flushSync(): void {
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    this.sink.write(lines.length === 1 ? (lines[0] as string) : lines.join(''));
  }
}
