import { NeighbourHeap, type Neighbours } from './knn-neighbours';

/**
 * Exact cosine search over dense unit rows (prompt embeddings): every row's dot product with the
 * query, the k best kept in a heap. Work is rows × dimensions multiply-adds per search, so the
 * trainer bounds that product (`maxDenseWork`). Scratch is reused: `search` is synchronous and
 * not re-entrant.
 */
export class DenseKnnIndex {
  private readonly top: NeighbourHeap;
  private readonly count: number;

  /** `vectors[q * dimensions + i]`: row q, L2-normalised (or all zero). */
  constructor(
    private readonly vectors: Float32Array,
    readonly dimensions: number,
    readonly k: number,
  ) {
    this.count = dimensions > 0 ? vectors.length / dimensions : 0;
    this.top = new NeighbourHeap(k);
  }

  /** The `k` rows most similar to `query` (any norm; a zero or non-finite query finds none). */
  search(query: Float32Array): Neighbours {
    const top = this.top;
    top.reset();
    const d = this.dimensions;
    let norm = 0;
    for (let i = 0; i < d; i++) norm += query[i]! * query[i]!;
    if (!(norm > 0) || !Number.isFinite(norm)) return top;
    const scale = 1 / Math.sqrt(norm);
    const vectors = this.vectors;
    const tail = d & 3;
    for (let row = 0, base = 0; row < this.count; row++, base += d) {
      // Four partial sums: independent chains the CPU overlaps (one chain waits on each add).
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let i = 0;
      for (; i < d - tail; i += 4) {
        s0 += query[i]! * vectors[base + i]!;
        s1 += query[i + 1]! * vectors[base + i + 1]!;
        s2 += query[i + 2]! * vectors[base + i + 2]!;
        s3 += query[i + 3]! * vectors[base + i + 3]!;
      }
      for (; i < d; i++) s0 += query[i]! * vectors[base + i]!;
      const similarity = (s0 + s1 + s2 + s3) * scale;
      if (similarity > top.floor) top.offer(row, similarity);
    }
    top.sortBestFirst();
    return top;
  }
}

/**
 * Copies `vector` into `out` at `offset`, scaled to unit length (left at zero when it has no
 * length).
 * @throws RangeError on a non-finite value.
 */
export function putUnit(vector: ArrayLike<number>, out: Float32Array, offset: number): void {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) {
    const value = vector[i]!;
    if (!Number.isFinite(value)) throw new RangeError(`dense value ${i} is not finite`);
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < vector.length; i++) out[offset + i] = vector[i]! * scale;
}
