/** The k most similar rows of one search, best first; valid until the next search. */
export interface Neighbours {
  readonly count: number;
  readonly rows: Int32Array;
  readonly similarities: Float64Array;
}

/**
 * The k best (row, similarity) pairs offered so far, kept as a binary heap with the worst at the
 * root: lower similarity is worse, and among equal similarities the higher row (so ties are
 * deterministic). Reused across searches: `reset`, `offer` each row, `sortBestFirst`.
 */
export class NeighbourHeap implements Neighbours {
  readonly rows: Int32Array;
  readonly similarities: Float64Array;
  count = 0;

  constructor(readonly k: number) {
    this.rows = new Int32Array(k);
    this.similarities = new Float64Array(k);
  }

  reset(): void {
    this.count = 0;
  }

  /** The similarity a row must beat to enter (−Infinity while fewer than k are held). */
  get floor(): number {
    return this.count < this.k ? -Infinity : this.similarities[0]!;
  }

  /** Offers a row; rows of similarity ≤ 0 never enter. */
  offer(row: number, similarity: number): void {
    if (!(similarity > 0)) return;
    if (this.count < this.k) {
      this.count++;
      this.siftUp(this.count - 1, row, similarity);
    } else if (worse(this.similarities[0]!, this.rows[0]!, similarity, row)) {
      this.siftDown(0, this.count, row, similarity);
    }
  }

  /** Heap → best first: repeatedly moves the worst entry to the end of the shrinking heap. */
  sortBestFirst(): void {
    const { rows, similarities } = this;
    for (let size = this.count - 1; size > 0; size--) {
      const row = rows[size]!;
      const similarity = similarities[size]!;
      rows[size] = rows[0]!;
      similarities[size] = similarities[0]!;
      this.siftDown(0, size, row, similarity);
    }
  }

  private siftUp(from: number, row: number, similarity: number): void {
    const { rows, similarities } = this;
    let slot = from;
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if (!worse(similarity, row, similarities[parent]!, rows[parent]!)) break;
      rows[slot] = rows[parent]!;
      similarities[slot] = similarities[parent]!;
      slot = parent;
    }
    rows[slot] = row;
    similarities[slot] = similarity;
  }

  /** Places (row, similarity) at `from` in a heap of `size` entries, moving it down as needed. */
  private siftDown(from: number, size: number, row: number, similarity: number): void {
    const { rows, similarities } = this;
    let slot = from;
    for (;;) {
      let child = 2 * slot + 1;
      if (child >= size) break;
      const right = child + 1;
      if (
        right < size &&
        worse(similarities[right]!, rows[right]!, similarities[child]!, rows[child]!)
      ) {
        child = right;
      }
      if (!worse(similarities[child]!, rows[child]!, similarity, row)) break;
      rows[slot] = rows[child]!;
      similarities[slot] = similarities[child]!;
      slot = child;
    }
    rows[slot] = row;
    similarities[slot] = similarity;
  }
}

/** Whether neighbour (s1, r1) ranks below (s2, r2). */
function worse(s1: number, r1: number, s2: number, r2: number): boolean {
  return s1 < s2 || (s1 === s2 && r1 > r2);
}
