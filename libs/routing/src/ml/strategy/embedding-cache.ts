import { createHash } from 'node:crypto';

/** The cache key of a prompt: its sha256 (hex), so the cache holds no prompt text. */
export function promptKey(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Least-recently-used cache of prompt embeddings by `promptKey`. A Map keeps insertion order, so
 * a hit moves its entry to the end and an insertion over capacity evicts the first (oldest) one:
 * O(1) both ways. Capacity 0 caches nothing.
 */
export class EmbeddingCache {
  private readonly entries = new Map<string, Float32Array>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Float32Array | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: Float32Array): void {
    if (this.capacity === 0) return;
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }
}
