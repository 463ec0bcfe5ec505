import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  type CacheRecordFilter,
  CoordinationBus,
  describeRedisError,
  ResponseCacheStore,
} from '@routeiq/coordination';
import { CacheConfig } from './cache.config';
import { type CacheEntry, fromRecord, toRecord } from './cache-entry';
import type { CacheAddress } from './cache-key';
import { CacheStats } from './cache-stats';
import { type EntryFilter, MemoryCacheStore } from './memory-cache.store';

/** Bus topic of a flush: every replica drops the matching entries of its memory tier. */
export const CACHE_FLUSH_TOPIC = 'cache.flush';
const ERROR_LOG_INTERVAL_MS = 60_000;

/** A stored answer found in one of the exact tiers. */
export interface TierRead {
  readonly entry: CacheEntry;
  readonly tier: 'memory' | 'redis';
}

/**
 * The exact cache's two tiers: the in-process LRU, then Redis (when configured and
 * `CACHE_REDIS_ENABLED`); a Redis hit fills the LRU. Redis failures never fail a request: a read
 * misses, a write is dropped, both are counted and logged at most once a minute.
 */
@Injectable()
export class CacheTiers implements OnModuleInit, OnModuleDestroy {
  readonly memory: MemoryCacheStore;
  /** Whether entries also go to Redis. */
  readonly sharedEnabled: boolean;
  private readonly logger = new Logger('ResponseCache');
  private readonly flushListeners = new Set<(filter: EntryFilter) => void>();
  private unsubscribe: (() => void) | undefined;
  private lastErrorLogAt = 0;

  constructor(
    config: CacheConfig,
    private readonly store: ResponseCacheStore,
    private readonly bus: CoordinationBus,
    private readonly stats: CacheStats,
  ) {
    this.memory = new MemoryCacheStore(config.localMaxEntries);
    this.sharedEnabled = config.redisEnabled && store.shared;
  }

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe(CACHE_FLUSH_TOPIC, (message) => {
      const filter = filterOf(message.payload);
      if (filter) this.flushLocal(filter);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Called with the filter of every local flush (the semantic index drops its entries too). */
  onFlush(listener: (filter: EntryFilter) => void): void {
    this.flushListeners.add(listener);
  }

  async read(address: CacheAddress, now: number): Promise<TierRead | undefined> {
    const local = this.memory.get(address.hash);
    if (local) return { entry: local, tier: 'memory' };
    if (!this.sharedEnabled) return undefined;
    try {
      const record = await this.store.get(idOf(address));
      const entry = record && fromRecord(address, record);
      if (!entry || entry.expiresAt <= now) return undefined;
      this.memory.set(entry);
      return { entry, tier: 'redis' };
    } catch (error) {
      this.sharedFailed('read', error);
      return undefined;
    }
  }

  /** Stores in memory now and in Redis in the background. */
  write(entry: CacheEntry, ttlSeconds: number): void {
    this.memory.set(entry);
    if (!this.sharedEnabled) return;
    this.store
      .set(idOf(entry.address), toRecord(entry), ttlSeconds)
      .catch((error: unknown) => this.sharedFailed('write', error));
  }

  /** Drops the matching entries of this replica's memory tier; returns how many were live. */
  flushLocal(filter: EntryFilter): number {
    const dropped = this.memory.deleteMatching(filter);
    for (const listener of this.flushListeners) listener(filter);
    return dropped;
  }

  /** Tells every other replica to flush (this one flushes itself first). */
  async announceFlush(filter: EntryFilter): Promise<void> {
    await this.bus.publish(CACHE_FLUSH_TOPIC, {
      ...(filter.scopeToken !== undefined && { scope: filter.scopeToken }),
      ...(filter.modelToken !== undefined && { model: filter.modelToken }),
    });
  }

  /** The Redis store (admin listing and flush); rejects when Redis fails. */
  get shared(): ResponseCacheStore {
    return this.store;
  }

  /** Counts a failed Redis call (`redis_errors`); logs at most once a minute. */
  sharedFailed(action: string, error: unknown): void {
    this.stats.sharedErrors++;
    const now = Date.now();
    if (now - this.lastErrorLogAt < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLogAt = now;
    this.logger.warn(`response cache: Redis ${action} failed: ${describeRedisError(error)}`);
  }
}

function idOf(address: CacheAddress): { scope: string; model: string; hash: string } {
  return { scope: address.scopeToken, model: address.modelToken, hash: address.hash };
}

/** The filter a flush message carries, or undefined for a malformed one (never "flush all"). */
function filterOf(payload: Record<string, unknown>): EntryFilter | undefined {
  const { scope, model } = payload;
  const valid = (value: unknown) =>
    value === undefined || (typeof value === 'string' && /^[0-9a-f]{1,64}$/.test(value));
  if (!valid(scope) || !valid(model)) return undefined;
  return {
    ...(typeof scope === 'string' && { scopeToken: scope }),
    ...(typeof model === 'string' && { modelToken: model }),
  };
}

/** The Redis filter of a memory-tier filter. */
export function recordFilterOf(filter: EntryFilter): CacheRecordFilter {
  return {
    ...(filter.scopeToken !== undefined && { scope: filter.scopeToken }),
    ...(filter.modelToken !== undefined && { model: filter.modelToken }),
  };
}
