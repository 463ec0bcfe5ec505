import { Injectable } from '@nestjs/common';
import { CACHE_MAX_ENTRY_BYTES, CacheConfig } from './cache.config';
import type { CacheEntry, CacheEntryKind } from './cache-entry';
import { addressOf, type CacheAddress } from './cache-key';
import { type CacheDirectives, directivesOf } from './cache-policy';
import { CacheStats } from './cache-stats';
import { CacheTiers } from './cache-tiers.service';
import { answerFor } from './cached-answer.mapper';
import { isCompleteResult, isCompleteStream } from './complete-answer';
import {
  type CacheHit,
  type CacheLookupInput,
  type CachePlan,
  type CacheStoreMeta,
  ResponseCache,
} from './response-cache.port';
import { SemanticCache, type SemanticRequest } from './semantic/semantic-cache.service';
import { semanticQueryOf } from './semantic/semantic-text';

/** The plan this implementation hands out: the port's fields plus what lookup and store need. */
/** A stored answer found by one of the tiers. */
interface Found {
  readonly entry: CacheEntry;
  readonly tier: CacheHit['tier'];
}

interface OwnPlan extends CachePlan {
  readonly address: CacheAddress;
  readonly directives: CacheDirectives;
  readonly semantic?: SemanticRequest;
}

/**
 * The response cache of the request path (`ResponseCache`): exact tiers (memory LRU, then Redis)
 * and, for chat requests, the semantic tier. Never throws into the request path: a failing tier
 * is a miss, a failing store is dropped.
 */
@Injectable()
export class ResponseCacheService extends ResponseCache {
  constructor(
    private readonly config: CacheConfig,
    private readonly tiers: CacheTiers,
    private readonly semantic: SemanticCache,
    private readonly stats: CacheStats,
  ) {
    super();
  }

  plan(input: CacheLookupInput): CachePlan | undefined {
    if (!this.config.enabled) return undefined;
    if (input.endpoint === 'embedding' && input.stream) return undefined;
    const directives = directivesOf(input, this.config);
    if (!directives) return undefined;
    const address = addressOf(input);
    // A caller with its own guardrail selection gets exact hits only: the semantic index is shared
    // by the whole scope, whatever checked its answers.
    const query =
      this.semantic.enabled && input.endpoint === 'chat' && input.guardrails === undefined
        ? semanticQueryOf(input.request)
        : undefined;
    const plan: OwnPlan = {
      key: address.hash,
      input,
      address,
      directives,
      ...(query && { semantic: { address, query } }),
    };
    return plan;
  }

  async lookup(plan: CachePlan, signal?: AbortSignal): Promise<CacheHit | undefined> {
    if (!isOwnPlan(plan)) return undefined;
    if (!plan.directives.lookup) {
      this.stats.bypassed++;
      return undefined;
    }
    const found = await this.find(plan, signal);
    if (!found) {
      this.stats.misses++;
      return undefined;
    }
    const { stream, request } = plan.input;
    const options = request.stream_options as { include_usage?: unknown } | undefined;
    const answer = answerFor(found.entry, stream, options?.include_usage === true);
    if (!answer) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits[found.tier]++;
    if (plan.semantic && found.tier !== 'semantic')
      this.semantic.remember(plan.semantic, found.entry);
    const ageSeconds = Math.max(0, Math.floor((Date.now() - found.entry.createdAt) / 1000));
    return { tier: found.tier, ageSeconds, deploymentId: found.entry.deploymentId, ...answer };
  }

  storeResult(plan: CachePlan, result: object, meta: CacheStoreMeta): void {
    if (!isOwnPlan(plan) || !plan.directives.store) return;
    if (!isCompleteResult(plan.input.endpoint, result)) {
      this.stats.skipped.incomplete++;
      return;
    }
    this.store(plan, 'result', result, meta);
  }

  storeStream(plan: CachePlan, chunks: readonly object[], meta: CacheStoreMeta): void {
    if (!isOwnPlan(plan) || !plan.directives.store) return;
    if (!isCompleteStream(chunks)) {
      this.stats.skipped.incomplete++;
      return;
    }
    this.store(plan, 'chunks', chunks, meta);
  }

  private async find(plan: OwnPlan, signal?: AbortSignal): Promise<Found | undefined> {
    const now = Date.now();
    const exact = await this.tiers.read(plan.address, now);
    if (exact && isFresh(exact.entry, plan.directives, now)) return exact;
    if (!plan.semantic || signal?.aborted) return undefined;
    const similar = await this.semantic.find(plan.semantic, signal);
    if (!similar || !isFresh(similar.entry, plan.directives, Date.now())) return undefined;
    return { entry: similar.entry, tier: 'semantic' };
  }

  private store(plan: OwnPlan, kind: CacheEntryKind, body: object, meta: CacheStoreMeta): void {
    // Serialised now: the caller may change its objects once this returns.
    const text = JSON.stringify(body);
    const bytes = Buffer.byteLength(text);
    if (bytes > CACHE_MAX_ENTRY_BYTES) {
      this.stats.skipped.too_large++;
      return;
    }
    const createdAt = Date.now();
    const { ttlSeconds } = plan.directives;
    const entry: CacheEntry = {
      address: plan.address,
      endpoint: plan.input.endpoint,
      kind,
      body: text,
      createdAt,
      expiresAt: createdAt + ttlSeconds * 1000,
      bytes,
      modelGroup: meta.modelGroup,
      deploymentId: meta.deploymentId,
    };
    this.stats.stores++;
    this.tiers.write(entry, ttlSeconds);
    if (plan.semantic) this.semantic.remember(plan.semantic, entry);
  }
}

function isOwnPlan(plan: CachePlan): plan is OwnPlan {
  return 'address' in plan && 'directives' in plan;
}

/** Within the request's `s-maxage` / `max-age`, if it set one. */
function isFresh(entry: CacheEntry, directives: CacheDirectives, now: number): boolean {
  const { maxAgeSeconds } = directives;
  return maxAgeSeconds === undefined || now - entry.createdAt <= maxAgeSeconds * 1000;
}
