import { Logger } from '@nestjs/common';
import type { BusMessage, CoordinationBus } from '../coordination.bus';

/** Where the records live (the database); the mirror only reads it. */
export interface ReplicatedSource<R> {
  list(): Promise<R[]>;
  get(id: string): Promise<R | null>;
}

export interface ReplicatedRecordsOptions<R> {
  /** Bus topic announcing changed ids, e.g. `mcp.registry.changed`. */
  readonly topic: string;
  /** Payload field holding the ids, e.g. `serverIds`. */
  readonly idsField: string;
  /** What a record is, for log lines, e.g. `MCP server`. */
  readonly noun: string;
  /** Logger context, e.g. `McpRegistry`. */
  readonly context: string;
  readonly idOf: (record: R) => string;
  /** Full re-read period, so a replica that missed messages catches up (default 60 s). */
  readonly resyncMs?: number;
}

type ChangeListener = (ids: readonly string[]) => void;

/** Retry delay while the first load has not succeeded. */
const FIRST_LOAD_RETRY_MS = 5_000;

/**
 * A replica's in-memory copy of a small table that every replica reads on its request path (MCP
 * servers, A2A agents). The database is the source of truth: loaded at start (a database that is
 * not answering yet is retried in the background, start-up never fails), re-read periodically,
 * and the ids named by bus messages (this replica's own included) are reloaded, then listeners are
 * told. Writers apply their change here at once and `announce` it.
 */
export class ReplicatedRecords<R> {
  private readonly logger: Logger;
  private readonly records = new Map<string, R>();
  private ordered: readonly R[] = [];
  private readonly listeners = new Set<ChangeListener>();
  private queue: Promise<unknown> = Promise.resolve();
  private loaded = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private stopCatchUp?: () => void;

  constructor(
    private readonly source: ReplicatedSource<R>,
    private readonly bus: CoordinationBus,
    private readonly options: ReplicatedRecordsOptions<R>,
  ) {
    this.logger = new Logger(options.context);
  }

  /** Subscribes to the bus (call from `onModuleInit`); re-reads all after a bus outage. */
  subscribe(): void {
    this.unsubscribe = this.bus.subscribe(this.options.topic, (message) => this.onMessage(message));
    this.stopCatchUp = this.bus.onReconnect(() => void this.resync());
  }

  /** First load, then the periodic resync (call from `onApplicationBootstrap`). */
  async start(): Promise<void> {
    await this.resync();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.unsubscribe?.();
    this.stopCatchUp?.();
  }

  /** Whether the records were loaded from the database at least once. */
  get ready(): boolean {
    return this.loaded;
  }

  /** Ordered by id. */
  list(): readonly R[] {
    return this.ordered;
  }

  get(id: string): R | undefined {
    return this.records.get(id);
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads every record; resolves once done (errors are logged, never thrown). */
  resync(): Promise<void> {
    return this.enqueue(async () => {
      const records = await this.source.list();
      const next = new Map(records.map((record) => [this.options.idOf(record), record]));
      const changed = changedIds(this.records, next);
      this.records.clear();
      for (const [id, record] of next) this.records.set(id, record);
      this.rebuild();
      if (!this.loaded) this.logger.log(`loaded ${records.length} ${this.options.noun}(s)`);
      this.loaded = true;
      if (changed.length > 0) this.notify(changed);
    }).catch((error: unknown) => {
      this.logger.error(`reading the ${this.options.noun}s failed; will retry: ${String(error)}`);
    });
  }

  /** A record written (stored) here: live on this replica at once, then told to every replica. */
  stored(record: R): Promise<void> {
    const id = this.options.idOf(record);
    return this.announce([id], () => this.records.set(id, record));
  }

  /** A record deleted here: gone on this replica at once, then told to every replica. */
  removed(id: string): Promise<void> {
    return this.announce([id], () => this.records.delete(id));
  }

  private async announce(ids: string[], apply: () => void): Promise<void> {
    // Listeners here learn of the change before the writer answers its caller; the echo of the
    // bus message then finds nothing changed and tells no one again.
    await this.enqueue(async () => {
      apply();
      this.rebuild();
      this.notify(ids);
    });
    try {
      await this.bus.publish(this.options.topic, { [this.options.idsField]: ids });
    } catch (error) {
      // Stored and live here; other replicas catch up at their next resync.
      this.logger.error(`announcing a ${this.options.noun} change failed: ${String(error)}`);
    }
  }

  private onMessage(message: BusMessage): void {
    const ids = message.payload[this.options.idsField];
    if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string')) {
      this.logger.warn(`ignoring a malformed ${this.options.topic} message`);
      return;
    }
    if (ids.length === 0) return;
    this.enqueue(() => this.reload(ids)).catch((error: unknown) => {
      this.logger.error(
        `reloading ${this.options.noun}s failed; the next resync retries: ${String(error)}`,
      );
    });
  }

  private async reload(ids: readonly string[]): Promise<void> {
    const records = await Promise.all(ids.map((id) => this.source.get(id)));
    const changed = ids.filter((id, i) => !sameRecord(this.records.get(id), records[i]));
    ids.forEach((id, i) => {
      const record = records[i];
      if (record) this.records.set(id, record);
      else this.records.delete(id);
    });
    this.rebuild();
    // An unchanged record (the writer's own echo) would only make listeners drop good state.
    if (changed.length > 0) this.notify(changed);
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay = this.loaded ? (this.options.resyncMs ?? 60_000) : FIRST_LOAD_RETRY_MS;
    this.timer = setTimeout(() => void this.resync().finally(() => this.schedule()), delay);
    this.timer.unref();
  }

  private rebuild(): void {
    const idOf = this.options.idOf;
    this.ordered = [...this.records.values()].sort((a, b) =>
      idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0,
    );
  }

  private notify(ids: readonly string[]): void {
    for (const listener of this.listeners) {
      try {
        listener(ids);
      } catch (error) {
        this.logger.error(`a ${this.options.noun} listener failed: ${String(error)}`);
      }
    }
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function changedIds<R>(before: ReadonlyMap<string, R>, after: ReadonlyMap<string, R>): string[] {
  const ids = new Set([...before.keys(), ...after.keys()]);
  return [...ids].filter((id) => !sameRecord(before.get(id), after.get(id)));
}

function sameRecord<R>(a: R | null | undefined, b: R | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return JSON.stringify(a) === JSON.stringify(b);
}
