import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  type BusMessage,
  CoordinationBus,
  SemanticIndexStore,
  type SemanticSpaceId,
} from '@routeiq/coordination';
import { CacheConfig } from '../cache.config';
import { CacheStats } from '../cache-stats';
import { CacheTiers, recordFilterOf } from '../cache-tiers.service';
import type { EntryFilter } from '../memory-cache.store';
import { fromSharedEntry, type SharedIndexEntry, toSharedEntry } from './semantic-entry.mapper';
import { type IndexedPrompt, SemanticIndex } from './semantic-index';

/** Bus topic of a new index entry: the other replicas add it to their index. */
export const SEMANTIC_INDEXED_TOPIC = 'cache.semantic.indexed';
/** After a failed load a scope is searched as this replica has it, without Redis, this long. */
export const SEMANTIC_LOAD_RETRY_MS = 10_000;

/** One semantic scope (a space): its token and the tokens a flush filters on. */
export interface SpaceRef {
  readonly space: string;
  readonly scopeToken: string;
  readonly modelToken: string;
}

interface LoadMark extends SpaceRef {
  /** Set when the load failed: the scope is loaded again from then on. */
  readonly retryAt?: number;
}

/**
 * The semantic index, shared through Redis when the cache's Redis tier is on: an entry added here
 * is written to Redis (off the request path, bounded per scope) and announced on the bus; other
 * replicas add announced entries of the scopes they have loaded, and load a scope from Redis
 * once, the first time they meet it since start, a flush or a bus reconnect. A Redis failure is
 * a miss (counted in `redis_errors`), never an error of the request.
 */
@Injectable()
export class SemanticIndexSync implements OnModuleInit, OnModuleDestroy {
  readonly index: SemanticIndex;
  readonly shared: boolean;
  private readonly loaded = new Map<string, LoadMark>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly maxMarks: number;
  /** Bumped by every flush and reconnect: a load begun before adds nothing. */
  private generation = 0;
  private readonly unsubscribers: (() => void)[] = [];

  constructor(
    private readonly config: CacheConfig,
    private readonly tiers: CacheTiers,
    private readonly store: SemanticIndexStore,
    private readonly bus: CoordinationBus,
    private readonly stats: CacheStats,
  ) {
    const perScope = config.semanticMaxPromptsPerScope;
    this.index = new SemanticIndex(config.localMaxEntries, Date.now, perScope);
    this.shared = config.semanticEnabled && tiers.sharedEnabled && store.shared;
    this.maxMarks = Math.max(1000, config.localMaxEntries);
    tiers.onFlush((filter) => this.flushLocal(filter));
  }

  onModuleInit(): void {
    if (!this.shared) return;
    this.unsubscribers.push(
      this.bus.subscribe(SEMANTIC_INDEXED_TOPIC, (message) => this.received(message)),
      // Announcements were missed while the bus was down: every scope is loaded again.
      this.bus.onReconnect(() => this.forget(() => true)),
    );
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
  }

  /** Scopes this replica has loaded from Redis (or failed to, recently). */
  get loadedScopes(): number {
    return this.loaded.size;
  }

  /**
   * Undefined when `ref`'s scope needs no loading (loaded, or not shared): the caller searches at
   * once, without a Redis round trip. Else the load (one per scope at a time; never rejects).
   */
  ready(ref: SpaceRef): Promise<void> | undefined {
    if (!this.shared) return undefined;
    const mark = this.loaded.get(ref.space);
    if (mark && (mark.retryAt === undefined || Date.now() < mark.retryAt)) return undefined;
    let pending = this.loading.get(ref.space);
    if (!pending) {
      pending = this.load(ref).finally(() => this.loading.delete(ref.space));
      this.loading.set(ref.space, pending);
    }
    return pending;
  }

  /** Indexes `prompt` here, then (in the background) in Redis and on the other replicas. */
  add(prompt: IndexedPrompt): void {
    this.index.add(prompt);
    if (!this.shared) return;
    const ttlSeconds = Math.ceil((prompt.expiresAt - Date.now()) / 1000);
    const entry = toSharedEntry(prompt);
    if (ttlSeconds < 1 || !entry) return;
    void this.share(prompt, entry, ttlSeconds);
  }

  /** Deletes the Redis index of the matching scopes (admin flush); rejects when Redis fails. */
  async deleteShared(filter: EntryFilter): Promise<number | null> {
    if (!this.tiers.sharedEnabled || !this.store.shared) return null;
    return this.store.deleteMatching(recordFilterOf(filter));
  }

  private async load(ref: SpaceRef): Promise<void> {
    const generation = this.generation;
    let found: readonly string[];
    try {
      found = await this.store.load(idOf(ref), this.config.semanticMaxPromptsPerScope);
    } catch (error) {
      this.tiers.sharedFailed('semantic index load', error);
      if (generation === this.generation) {
        this.mark({ ...ref, retryAt: Date.now() + SEMANTIC_LOAD_RETRY_MS });
      }
      return;
    }
    if (generation !== this.generation) return;
    this.mark(ref);
    this.stats.semanticShared.scopeLoads++;
    const now = Date.now();
    // Oldest first, as they were added: the scope's cap then drops the oldest here too.
    for (const raw of [...found].reverse()) {
      const prompt = fromSharedEntry(raw, now);
      if (!prompt || !belongsTo(prompt, ref)) {
        this.stats.semanticShared.rejected++;
      } else if (!this.index.has(prompt.address.hash)) {
        this.index.add(prompt);
        this.stats.semanticShared.loaded++;
      }
    }
  }

  private async share(
    prompt: IndexedPrompt,
    entry: SharedIndexEntry,
    ttlSeconds: number,
  ): Promise<void> {
    const ref = refOf(prompt);
    const cap = this.config.semanticMaxPromptsPerScope;
    try {
      await this.store.add(idOf(ref), prompt.address.hash, JSON.stringify(entry), ttlSeconds, cap);
      await this.bus.publish(SEMANTIC_INDEXED_TOPIC, { entry });
      this.stats.semanticShared.shared++;
    } catch (error) {
      this.tiers.sharedFailed('semantic index write', error);
    }
  }

  private received(message: BusMessage): void {
    if (message.origin === this.bus.instanceId) return;
    const prompt = fromSharedEntry(message.payload.entry, Date.now());
    if (!prompt) {
      this.stats.semanticShared.rejected++;
      return;
    }
    // A scope not met yet is loaded whole from Redis when it is.
    if (!this.loaded.has(prompt.space) && !this.loading.has(prompt.space)) return;
    if (this.index.has(prompt.address.hash)) return;
    this.index.add(prompt);
    this.stats.semanticShared.received++;
  }

  private flushLocal(filter: EntryFilter): void {
    this.index.deleteMatching(filter);
    this.forget(
      (mark) =>
        (filter.scopeToken === undefined || filter.scopeToken === mark.scopeToken) &&
        (filter.modelToken === undefined || filter.modelToken === mark.modelToken),
    );
  }

  private forget(matches: (mark: LoadMark) => boolean): void {
    this.generation++;
    for (const [space, mark] of this.loaded) if (matches(mark)) this.loaded.delete(space);
  }

  private mark(mark: LoadMark): void {
    this.loaded.delete(mark.space);
    if (this.loaded.size >= this.maxMarks) {
      const oldest = this.loaded.keys().next();
      if (!oldest.done) this.loaded.delete(oldest.value);
    }
    this.loaded.set(mark.space, mark);
  }
}

function refOf(prompt: IndexedPrompt): SpaceRef {
  const { scopeToken, modelToken } = prompt.address;
  return { space: prompt.space, scopeToken, modelToken };
}

function idOf(ref: SpaceRef): SemanticSpaceId {
  return { scope: ref.scopeToken, model: ref.modelToken, space: ref.space };
}

function belongsTo(prompt: IndexedPrompt, ref: SpaceRef): boolean {
  const { scopeToken, modelToken } = prompt.address;
  return (
    prompt.space === ref.space && scopeToken === ref.scopeToken && modelToken === ref.modelToken
  );
}
