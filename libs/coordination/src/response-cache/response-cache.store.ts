/** Where one response-cache entry lives: hex tokens built by the cache (no glob characters). */
export interface CacheRecordId {
  /** The tenant scope's token (a hash of the team or key id). */
  readonly scope: string;
  /** The model's token (a hash of the requested model). */
  readonly model: string;
  /** The request's key (a hash of everything that changes the answer). */
  readonly hash: string;
}

/** One stored entry: small metadata (listing, flush) and the answer itself. */
export interface CacheRecord {
  readonly meta: string;
  readonly body: string;
}

/** An entry as listed: its metadata, the answer's size and the time it has left. */
export interface CacheRecordInfo extends CacheRecordId {
  readonly meta: string;
  readonly bodyBytes: number;
  /** Seconds left, or -1 when Redis holds it without expiry (never written so). */
  readonly ttlSeconds: number;
}

/** Which entries a listing or a flush covers: every given token must match. */
export interface CacheRecordFilter {
  readonly scope?: string;
  readonly model?: string;
}

/** One page of a listing; `cursor` '0' means there is no more. */
export interface CacheRecordPage {
  readonly cursor: string;
  readonly records: readonly CacheRecordInfo[];
}

/**
 * The response cache's shared tier: entries every replica reads, under the key prefix with
 * Redis expiry. A single node without Redis has none (`shared` false: reads miss, writes are
 * dropped) and keeps its in-process tier only.
 */
export abstract class ResponseCacheStore {
  abstract readonly shared: boolean;

  /** The entry, or undefined when there is none (or it has expired). */
  abstract get(id: CacheRecordId): Promise<CacheRecord | undefined>;

  /** Stores the entry for `ttlSeconds` (a positive integer), replacing any previous one. */
  abstract set(id: CacheRecordId, record: CacheRecord, ttlSeconds: number): Promise<void>;

  /** Up to about `count` entries matching `filter` from `cursor` ('0' to start). */
  abstract list(filter: CacheRecordFilter, cursor: string, count: number): Promise<CacheRecordPage>;

  /** Removes every entry matching `filter`; resolves to how many there were. */
  abstract deleteMatching(filter: CacheRecordFilter): Promise<number>;
}

/** The single-node store: nothing is shared. */
export class UnsharedResponseCacheStore extends ResponseCacheStore {
  readonly shared = false;

  async get(): Promise<CacheRecord | undefined> {
    return undefined;
  }

  async set(): Promise<void> {
    return undefined;
  }

  async list(): Promise<CacheRecordPage> {
    return { cursor: '0', records: [] };
  }

  async deleteMatching(): Promise<number> {
    return 0;
  }
}
