import { Injectable, Logger } from '@nestjs/common';
import { CacheConfig } from '../cache.config';
import type { CacheEntry } from '../cache-entry';
import { CacheStats } from '../cache-stats';
import { CacheTiers, type TierRead } from '../cache-tiers.service';
import { type CacheAddress, sha256 } from '../cache-key';
import type { EntryFilter } from '../memory-cache.store';
import { SemanticEmbedder, type Embedding } from './semantic-embedder.service';
import { promptFacts, type PromptFacts } from './semantic-guard';
import { SemanticIndexSync, type SpaceRef } from './semantic-index-sync.service';
import type { SemanticQuery } from './semantic-text';

/** What the semantic cache needs of a plan. */
export interface SemanticRequest {
  readonly address: CacheAddress;
  readonly query: SemanticQuery;
}

/**
 * The semantic tier: for a chat request that missed exactly, the stored answer of the most
 * similar earlier prompt of the same tenant, model and conversation prefix, when the similarity
 * reaches `CACHE_SEMANTIC_THRESHOLD` and the false-hit guard finds no difference in numbers,
 * negations, names, units or dates. A replica learns the prompts of the answers it stored or
 * served, and (with Redis) those of every other replica through the shared index; the answers
 * themselves come from either exact tier.
 */
@Injectable()
export class SemanticCache {
  /** The embedding a lookup made, reused when the same request's answer is stored. */
  private readonly embedded = new WeakMap<SemanticRequest, Promise<Embedding>>();
  private readonly facts = new WeakMap<SemanticRequest, PromptFacts>();
  private readonly logger = new Logger('ResponseCache');
  private lastFailureLogAt = 0;

  constructor(
    private readonly config: CacheConfig,
    private readonly embedder: SemanticEmbedder,
    private readonly tiers: CacheTiers,
    private readonly stats: CacheStats,
    private readonly sync: SemanticIndexSync,
  ) {}

  get enabled(): boolean {
    return this.config.semanticEnabled;
  }

  get size(): number {
    return this.sync.index.size;
  }

  /** The shared index's state for the stats: whether it is on and the scopes loaded. */
  get sharing(): { readonly enabled: boolean; readonly loadedScopes: number } {
    return { enabled: this.sync.shared, loadedScopes: this.sync.loadedScopes };
  }

  /** Deletes the matching shared index entries (admin flush); null without Redis. */
  deleteShared(filter: EntryFilter): Promise<number | null> {
    return this.sync.deleteShared(filter);
  }

  async find(request: SemanticRequest, signal?: AbortSignal): Promise<TierRead | undefined> {
    const embedding = await this.embeddingOf(request, signal);
    if (!('vector' in embedding)) {
      this.embeddingFailed(embedding.failure);
      return undefined;
    }
    const facts = this.factsOf(request);
    const ref = this.spaceOf(request);
    const loading = this.sync.ready(ref);
    if (loading) await loading;
    const { index } = this.sync;
    const match = index.search(ref.space, embedding.vector, facts, this.config.semanticThreshold);
    if (match.kind === 'refused') this.stats.semanticRefusals[match.reason]++;
    if (match.kind !== 'hit' || !sameTenant(match.prompt.address, request.address))
      return undefined;
    const found = await this.tiers.read(match.prompt.address, Date.now());
    // Evicted or expired in both tiers: the index entry is stale.
    if (!found) index.remove(match.prompt.address.hash);
    return found;
  }

  /** Indexes the prompt of an answer stored or served for `request` (in the background). */
  remember(request: SemanticRequest, entry: CacheEntry): void {
    if (this.sync.index.has(entry.address.hash)) return;
    void this.embeddingOf(request).then((embedding) => {
      if (!('vector' in embedding)) return;
      this.sync.add({
        address: entry.address,
        space: this.spaceOf(request).space,
        vector: embedding.vector,
        facts: this.factsOf(request),
        expiresAt: entry.expiresAt,
      });
    });
  }

  private embeddingOf(request: SemanticRequest, signal?: AbortSignal): Promise<Embedding> {
    let pending = this.embedded.get(request);
    if (!pending) {
      pending = this.embedder.embed(request.query.text, signal);
      this.embedded.set(request, pending);
    }
    return pending;
  }

  /** Counted each time, logged at most once a minute (the reason never holds the prompt). */
  private embeddingFailed(failure: string): void {
    this.stats.semanticEmbeddingFailures++;
    const now = Date.now();
    if (now - this.lastFailureLogAt < 60_000) return;
    this.lastFailureLogAt = now;
    this.logger.warn(`semantic cache: prompt not embedded (a miss): ${failure}`);
  }

  private factsOf(request: SemanticRequest): PromptFacts {
    let facts = this.facts.get(request);
    if (!facts) {
      facts = promptFacts(request.query.text);
      this.facts.set(request, facts);
    }
    return facts;
  }

  /** The scope's token binds the embedding space, tenant, model and conversation prefix. */
  private spaceOf(request: SemanticRequest): SpaceRef {
    const { address, query } = request;
    const { scopeToken, modelToken } = address;
    const material = `${this.embedder.space}\n${scopeToken}\n${modelToken}\n${query.context}`;
    return { space: sha256(material).slice(0, 32), scopeToken, modelToken };
  }
}

/** A shared entry names its own tenant and model: never trusted to match the request's. */
function sameTenant(found: CacheAddress, asked: CacheAddress): boolean {
  return found.scopeToken === asked.scopeToken && found.modelToken === asked.modelToken;
}
