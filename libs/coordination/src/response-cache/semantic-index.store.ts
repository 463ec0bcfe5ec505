import type { CacheRecordFilter } from './response-cache.store';

/** One semantic space's index in the shared tier: hex tokens built by the cache. */
export interface SemanticSpaceId {
  /** The tenant scope's token. */
  readonly scope: string;
  /** The model's token. */
  readonly model: string;
  /** The space's token (a hash of the embedding space, tenant, model and conversation prefix). */
  readonly space: string;
}

/**
 * The semantic cache's shared index: per space, encoded entries (vectors, guard facts, the exact
 * entry's address; never prompt text) that every replica loads, bounded per space, with Redis
 * expiry. A single node without Redis has none (`shared` false).
 */
export abstract class SemanticIndexStore {
  abstract readonly shared: boolean;

  /**
   * Adds (or replaces) entry `hash` of `space`, keeps the space's newest `cap` entries (the
   * oldest added go first) and extends the space's expiry to at least `ttlSeconds`.
   */
  abstract add(
    space: SemanticSpaceId,
    hash: string,
    entry: string,
    ttlSeconds: number,
    cap: number,
  ): Promise<void>;

  /** Up to `limit` encoded entries of `space`, most recently added first. */
  abstract load(space: SemanticSpaceId, limit: number): Promise<readonly string[]>;

  /** Removes the index of every space matching `filter`; resolves to how many spaces there were. */
  abstract deleteMatching(filter: CacheRecordFilter): Promise<number>;
}

/** The single-node index store: nothing is shared. */
export class UnsharedSemanticIndexStore extends SemanticIndexStore {
  readonly shared = false;

  async add(): Promise<void> {
    return undefined;
  }

  async load(): Promise<readonly string[]> {
    return [];
  }

  async deleteMatching(): Promise<number> {
    return 0;
  }
}
