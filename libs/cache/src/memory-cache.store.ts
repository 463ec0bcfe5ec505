import type { CacheEntry } from './cache-entry';

/** Which entries a flush covers: every given token must match. */
export interface EntryFilter {
  readonly scopeToken?: string;
  readonly modelToken?: string;
}

/**
 * The in-process tier: an LRU of entries by key hash, bounded by count, with each entry's own
 * expiry. Reads move an entry to the most recent end (Map order is insertion order).
 */
export class MemoryCacheStore {
  private readonly entries = new Map<string, CacheEntry>();
  private totalBytes = 0;

  constructor(
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer (got ${capacity})`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get(hash: string): CacheEntry | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    this.remove(hash);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(hash, entry);
    this.totalBytes += entry.bytes;
    return entry;
  }

  set(entry: CacheEntry): void {
    const { hash } = entry.address;
    this.remove(hash);
    while (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.remove(oldest.value);
    }
    this.entries.set(hash, entry);
    this.totalBytes += entry.bytes;
  }

  /** Removes the live and expired entries matching `filter`; returns how many were live. */
  deleteMatching(filter: EntryFilter): number {
    const now = this.now();
    let live = 0;
    for (const [hash, entry] of this.entries) {
      const { scopeToken, modelToken } = entry.address;
      if (filter.scopeToken !== undefined && filter.scopeToken !== scopeToken) continue;
      if (filter.modelToken !== undefined && filter.modelToken !== modelToken) continue;
      if (entry.expiresAt > now) live++;
      this.remove(hash);
    }
    return live;
  }

  /** Live entries matching `filter`, most recently used first, from `offset`. */
  list(filter: EntryFilter, offset: number, limit: number): CacheEntry[] {
    const now = this.now();
    const matching = [...this.entries.values()]
      .reverse()
      .filter((entry) => entry.expiresAt > now)
      .filter(
        (entry) =>
          filter.scopeToken === undefined || filter.scopeToken === entry.address.scopeToken,
      )
      .filter(
        (entry) =>
          filter.modelToken === undefined || filter.modelToken === entry.address.modelToken,
      );
    return matching.slice(offset, offset + limit);
  }

  private remove(hash: string): void {
    const entry = this.entries.get(hash);
    if (!entry) return;
    this.entries.delete(hash);
    this.totalBytes -= entry.bytes;
  }
}
