import type { OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { CoordinationBus } from '../coordination.bus';
import type { WarmUpRegistry } from '../warm-up.registry';
import {
  ReplicatedRecords,
  type ReplicatedRecordsOptions,
  type ReplicatedSource,
} from './replicated-records';

/** The table behind a registry: what the mirror reads, and the writes. */
export interface RegistryStore<R, I, P> extends ReplicatedSource<R> {
  /** Null when the id is taken. */
  create(input: I): Promise<R | null>;
  /** Null when there is no such record. */
  update(id: string, patch: P, updatedBy: string | null): Promise<R | null>;
  /** False when there was no such record. */
  delete(id: string): Promise<boolean>;
}

export interface ReplicatedRegistryOptions<I> extends ReplicatedRecordsOptions<I> {
  /** The name readiness waits on until the first read succeeds, e.g. `mcp-registry`. */
  readonly warmUpName: string;
  /** The 404 for an id with no record. */
  readonly notFound: (id: string) => Error;
  /** The 409 for a create whose id is taken. */
  readonly exists: (id: string) => Error;
}

/**
 * A registry of records (`R`, created from `I`, changed by `P`) that every replica serves from
 * memory: the database is the source of truth, ReplicatedRecords keeps each replica's copy (loaded
 * at start, re-read every minute, reloaded on the `topic` message every write publishes with
 * `{ [idsField]: ids }`). A subclass names what to vet before a record is stored (its outbound
 * URLs, say) and which patches call for it; a write that fails vetting stores nothing.
 */
export abstract class ReplicatedRegistry<R extends I, I, P>
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy
{
  private readonly records: ReplicatedRecords<R>;

  protected constructor(
    private readonly store: RegistryStore<R, I, P>,
    bus: CoordinationBus,
    private readonly options: ReplicatedRegistryOptions<I>,
    private readonly warmUp?: WarmUpRegistry,
  ) {
    this.records = new ReplicatedRecords(store, bus, options);
  }

  onModuleInit(): void {
    this.records.subscribe();
    // Readiness waits for the first read: a replica that cannot see the registry must not serve.
    this.warmUp?.track(this.options.warmUpName, () => this.records.ready);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.records.start();
  }

  onModuleDestroy(): void {
    this.records.stop();
  }

  /** Whether the records were loaded from the database at least once. */
  get ready(): boolean {
    return this.records.ready;
  }

  /** Every record as this replica knows it, ordered by id. */
  list(): readonly R[] {
    return this.records.list();
  }

  get(id: string): R | undefined {
    return this.records.get(id);
  }

  /** Called with the ids of records added, changed or removed (on any replica). */
  onChange(listener: (ids: readonly string[]) => void): () => void {
    return this.records.onChange(listener);
  }

  /** Re-reads every record; resolves once done (errors are logged, never thrown). */
  resync(): Promise<void> {
    return this.records.resync();
  }

  /** The record as stored now (not this replica's copy). @throws `notFound` */
  async fetch(id: string): Promise<R> {
    const record = await this.store.get(id);
    if (!record) throw this.options.notFound(id);
    return record;
  }

  /** @throws `exists` when the id is taken; whatever `vet` throws. */
  async create(input: I): Promise<R> {
    await this.vet(input);
    const created = await this.store.create(input);
    if (!created) throw this.options.exists(this.options.idOf(input));
    await this.records.stored(created);
    return created;
  }

  /** @throws `notFound`; whatever `vet` throws when the patch `needsVetting`. */
  async update(id: string, patch: P, updatedBy: string | null): Promise<R> {
    if (this.needsVetting(patch)) await this.vet({ ...(await this.fetch(id)), ...patch });
    const updated = await this.store.update(id, patch, updatedBy);
    if (!updated) throw this.options.notFound(id);
    await this.records.stored(updated);
    return updated;
  }

  /** @throws `notFound` */
  async delete(id: string): Promise<void> {
    if (!(await this.store.delete(id))) throw this.options.notFound(id);
    await this.records.removed(id);
  }

  /** Throws when `record` may not be stored (e.g. a URL the SSRF guard blocks). */
  protected abstract vet(record: I): Promise<void>;

  /** Whether the record as patched must be vetted again (a changed URL, say, or enabling it). */
  protected abstract needsVetting(patch: P): boolean;
}
