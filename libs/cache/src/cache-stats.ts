import { Injectable } from '@nestjs/common';
import type { CacheHit } from './response-cache.port';
import { GUARD_REASONS, type GuardReason } from './semantic/semantic-guard';

/** Why an answer was not stored. */
export type StoreSkipReason = 'too_large' | 'incomplete';

/** This replica's cache counters since it started (or since the last reset by a test). */
@Injectable()
export class CacheStats {
  readonly hits: Record<CacheHit['tier'], number> = { memory: 0, redis: 0, semantic: 0 };
  misses = 0;
  /** Requests that asked not to be served from the cache (`no-cache`). */
  bypassed = 0;
  stores = 0;
  readonly skipped: Record<StoreSkipReason, number> = { too_large: 0, incomplete: 0 };
  /** Redis reads and writes that failed (the request went on without the shared tier). */
  sharedErrors = 0;
  readonly semanticRefusals = Object.fromEntries(GUARD_REASONS.map((r) => [r, 0])) as Record<
    GuardReason,
    number
  >;
  semanticEmbeddingFailures = 0;
  /** The shared semantic index (Redis and the bus): what this replica wrote, loaded and got. */
  readonly semanticShared = {
    /** Index entries written to Redis and announced. */
    shared: 0,
    /** Semantic scopes loaded from Redis (a scope met for the first time since start or a flush). */
    scopeLoads: 0,
    /** Entries those loads added. */
    loaded: 0,
    /** Entries other replicas announced on the bus, added here. */
    received: 0,
    /** Entries from Redis or the bus dropped as malformed, oversized or expired. */
    rejected: 0,
  };

  get hitCount(): number {
    return this.hits.memory + this.hits.redis + this.hits.semantic;
  }

  /** Hits over lookups, or 0 before the first lookup. */
  get hitRatio(): number {
    const lookups = this.hitCount + this.misses;
    return lookups === 0 ? 0 : this.hitCount / lookups;
  }
}
