import { Injectable } from '@nestjs/common';
import { CacheConfig } from '../cache.config';
import { CacheException } from '../cache.exception';
import { CacheStats } from '../cache-stats';
import { CacheTiers, recordFilterOf } from '../cache-tiers.service';
import { SemanticCache } from '../semantic/semantic-cache.service';
import type { AdminFilter, EntriesQuery } from './cache-admin.request';
import { CacheEntryLister, type EntriesPage } from './cache-entry.lister';

/** `POST /admin/cache/flush` answer. */
export interface FlushView {
  readonly flushed: { readonly memory: number; readonly redis: number | null };
  readonly filter: { readonly team_id?: string; readonly key_id?: string; readonly model?: string };
}

/** The admin routes' work: this replica's counters, flushes of every tier, entry listings. */
@Injectable()
export class CacheAdminService {
  private readonly lister: CacheEntryLister;

  constructor(
    private readonly config: CacheConfig,
    private readonly tiers: CacheTiers,
    private readonly semantic: SemanticCache,
    private readonly stats: CacheStats,
  ) {
    this.lister = new CacheEntryLister(tiers);
  }

  statsView(): Record<string, unknown> {
    const { stats, tiers } = this;
    return {
      enabled: this.config.enabled,
      counted_by: 'this replica, since it started',
      hits: { ...stats.hits, total: stats.hitCount },
      misses: stats.misses,
      hit_ratio: Number(stats.hitRatio.toFixed(4)),
      bypassed: stats.bypassed,
      stores: stats.stores,
      store_skipped: { ...stats.skipped },
      redis_errors: stats.sharedErrors,
      tiers: {
        memory: {
          entries: tiers.memory.size,
          bytes: tiers.memory.bytes,
          max_entries: this.config.localMaxEntries,
        },
        redis: { enabled: tiers.sharedEnabled },
        semantic: {
          enabled: this.semantic.enabled,
          indexed_prompts: this.semantic.size,
          threshold: this.config.semanticThreshold,
          embedding: this.config.semanticEmbeddingModel || 'built-in term vectors',
          shared: this.sharedIndexView(),
        },
      },
      semantic_refusals: { ...stats.semanticRefusals },
      semantic_embedding_failures: stats.semanticEmbeddingFailures,
    };
  }

  private sharedIndexView(): Record<string, unknown> {
    const { semanticShared: counts } = this.stats;
    const { enabled, loadedScopes } = this.semantic.sharing;
    return {
      enabled,
      loaded_scopes: loadedScopes,
      scope_loads: counts.scopeLoads,
      entries_shared: counts.shared,
      entries_loaded: counts.loaded,
      entries_received: counts.received,
      entries_rejected: counts.rejected,
    };
  }

  /**
   * Flushes this replica's memory tier and semantic index, deletes the matching shared semantic
   * index (before any replica can load it again), tells the other replicas to flush theirs (bus),
   * then deletes the matching Redis entries. 503 when the bus or Redis failed (memory was flushed).
   */
  async flush(filter: AdminFilter): Promise<FlushView> {
    const memory = this.tiers.flushLocal(filter.tokens);
    let redis: number | null = null;
    if (this.tiers.sharedEnabled) {
      try {
        await this.semantic.deleteShared(filter.tokens);
        await this.tiers.announceFlush(filter.tokens);
        redis = await this.tiers.shared.deleteMatching(recordFilterOf(filter.tokens));
      } catch (error) {
        throw CacheException.sharedTierUnavailable('flush', error);
      }
    } else {
      // Without the shared tier the bus is this process's own: nothing to wait for.
      await this.tiers.announceFlush(filter.tokens).catch(() => undefined);
    }
    return {
      flushed: { memory, redis },
      filter: {
        ...(filter.teamId !== undefined && { team_id: filter.teamId }),
        ...(filter.keyId !== undefined && { key_id: filter.keyId }),
        ...(filter.model !== undefined && { model: filter.model }),
      },
    };
  }

  entries(query: EntriesQuery): Promise<EntriesPage> {
    return this.lister.page(query);
  }
}
