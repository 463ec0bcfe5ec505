import { checkTtlSeconds, ExpiringStore } from './expiring.store';

interface Entry {
  readonly value: string;
  expiresAt: number;
}

/** Entries kept at most by default: beyond it the least recently written or touched go first. */
export const DEFAULT_EXPIRING_STORE_CAPACITY = 10_000;

/**
 * Single-node ExpiringStore. Expired entries are dropped when read and swept when the store is
 * full; a store still full after the sweep evicts its least recently written or touched entry, so
 * memory stays bounded whatever clients do.
 */
export class InMemoryExpiringStore extends ExpiringStore {
  // Map order is insertion order: re-inserting on write and touch keeps it least-recent first.
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly capacity: number = DEFAULT_EXPIRING_STORE_CAPACITY,
    private readonly now: () => number = Date.now,
  ) {
    super();
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer (got ${capacity})`);
    }
  }

  /** Live and not-yet-swept entries (for tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }

  async get(namespace: string, id: string): Promise<string | undefined> {
    return this.live(keyOf(namespace, id))?.value;
  }

  async set(namespace: string, id: string, value: string, ttlSeconds: number): Promise<void> {
    checkTtlSeconds(ttlSeconds);
    const key = keyOf(namespace, id);
    this.entries.delete(key);
    this.makeRoom();
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  async claim(namespace: string, id: string, value: string, ttlSeconds: number): Promise<boolean> {
    checkTtlSeconds(ttlSeconds);
    if (this.live(keyOf(namespace, id))) return false;
    await this.set(namespace, id, value, ttlSeconds);
    return true;
  }

  async touch(namespace: string, id: string, ttlSeconds: number): Promise<boolean> {
    checkTtlSeconds(ttlSeconds);
    const key = keyOf(namespace, id);
    const entry = this.live(key);
    if (!entry) return false;
    entry.expiresAt = this.now() + ttlSeconds * 1000;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return true;
  }

  async delete(namespace: string, id: string): Promise<boolean> {
    const key = keyOf(namespace, id);
    const existed = this.live(key) !== undefined;
    this.entries.delete(key);
    return existed;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private makeRoom(): void {
    if (this.entries.size < this.capacity) return;
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size < this.capacity) break;
      this.entries.delete(key);
    }
  }
}

// A NUL cannot appear in a namespace the code names, so two pairs never share a key.
function keyOf(namespace: string, id: string): string {
  return `${namespace}\u0000${id}`;
}
