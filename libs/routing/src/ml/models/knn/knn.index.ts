import type { SparseVector } from '../../ml.types';
import { NeighbourHeap, type Neighbours } from './knn-neighbours';

export type { Neighbours } from './knn-neighbours';

const MIN_POSTINGS = 256;
/**
 * Smallest stored value or query weight used: keeps every product positive (no float32 underflow
 * to zero), which the first-touch test of `search` relies on.
 */
export const MIN_WEIGHT = 1e-9;

/** Training vectors in compressed-row form: row q is `indices/values[offsets[q], offsets[q+1])`. */
export interface SparseRows {
  readonly offsets: Uint32Array;
  readonly indices: Uint32Array;
  readonly values: Float32Array;
}

/**
 * Inverted index over L2-normalised sparse rows: a query's cosine similarity with every row that
 * shares a term, accumulated term by term, in time proportional to the postings touched rather
 * than to the number of rows. Scratch buffers are reused: `search` is synchronous and not
 * re-entrant, like the rest of the request path.
 */
export class KnnIndex {
  private readonly starts: Uint32Array;
  private readonly postingRows: Uint32Array;
  private readonly postingValues: Float32Array;
  private readonly scores: Float64Array;
  private readonly touched: Int32Array;
  private weights = new Float64Array(256);
  private readonly top: NeighbourHeap;

  /**
   * Longest posting list searched: terms in more rows are skipped (stop words, boilerplate: the
   * longest lists, and the least informative). Never below MIN_POSTINGS, so small training sets
   * are searched whole.
   */
  readonly maxPostings: number;

  constructor(
    rows: SparseRows,
    sparseSize: number,
    readonly k: number,
    maxDf = 1,
    /** Only a query's this many heaviest terms are searched (0: all): bounds long prompts' cost. */
    readonly maxQueryTerms = 0,
  ) {
    const count = rows.offsets.length - 1;
    this.maxPostings = Math.max(MIN_POSTINGS, Math.ceil(maxDf * count));
    this.starts = new Uint32Array(sparseSize + 1);
    // Entries below MIN_WEIGHT are left out: `search` relies on every stored value being positive.
    rows.indices.forEach((term, i) => {
      if (rows.values[i]! >= MIN_WEIGHT) this.starts[term + 1]!++;
    });
    for (let t = 0; t < sparseSize; t++) this.starts[t + 1]! += this.starts[t]!;
    const fill = this.starts.slice(0, sparseSize);
    this.postingRows = new Uint32Array(this.starts[sparseSize]!);
    this.postingValues = new Float32Array(this.starts[sparseSize]!);
    for (let q = 0; q < count; q++) {
      for (let i = rows.offsets[q]!; i < rows.offsets[q + 1]!; i++) {
        if (!(rows.values[i]! >= MIN_WEIGHT)) continue;
        const slot = fill[rows.indices[i]!]!++;
        this.postingRows[slot] = q;
        this.postingValues[slot] = rows.values[i]!;
      }
    }
    this.scores = new Float64Array(count);
    this.touched = new Int32Array(count);
    this.top = new NeighbourHeap(k);
  }

  /**
   * The `k` rows most similar to `query`, best first. Query terms of weight below MIN_WEIGHT
   * (zero, negative, NaN) are skipped.
   */
  search(query: SparseVector): Neighbours {
    const { scores, touched, starts, postingRows, postingValues } = this;
    const threshold = Math.max(this.weightThreshold(query.values), MIN_WEIGHT);
    let touchedCount = 0;
    for (let i = 0; i < query.indices.length; i++) {
      const term = query.indices[i]!;
      const weight = query.values[i]!;
      if (term + 1 >= starts.length || !(weight >= threshold)) continue;
      const start = starts[term]!;
      const end = starts[term + 1]!;
      if (end - start > this.maxPostings) continue;
      for (let p = start; p < end; p++) {
        const row = postingRows[p]!;
        const score = scores[row]!;
        // Every addend is positive (weights and stored values ≥ MIN_WEIGHT), so a zero score
        // means a first touch. Cheaper than a separate seen-mark: one array read per posting.
        if (score === 0) touched[touchedCount++] = row;
        scores[row] = score + weight * postingValues[p]!;
      }
    }
    const top = this.top;
    top.reset();
    for (let i = 0; i < touchedCount; i++) {
      const row = touched[i]!;
      top.offer(row, scores[row]!);
      scores[row] = 0;
    }
    top.sortBestFirst();
    return top;
  }

  /** The |weight| of the query's maxQueryTerms-th heaviest term (0 when it has no more). */
  private weightThreshold(values: Float32Array): number {
    const limit = this.maxQueryTerms;
    if (limit === 0 || values.length <= limit) return 0;
    if (this.weights.length < values.length) this.weights = new Float64Array(values.length * 2);
    const weights = this.weights;
    for (let i = 0; i < values.length; i++) weights[i] = Math.abs(values[i]!);
    return selectLargest(weights, values.length, limit - 1);
  }
}

/**
 * The value that would be at `rank` (0-based) if `values[0, length)` were sorted in descending
 * order (Hoare's quickselect, middle pivot; reorders `values`).
 */
function selectLargest(values: Float64Array, length: number, rank: number): number {
  let low = 0;
  let high = length - 1;
  while (low < high) {
    const pivot = values[(low + high) >> 1]!;
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i]! > pivot) i++;
      while (values[j]! < pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i++] = values[j]!;
        values[j--] = swap;
      }
    }
    if (rank <= j) high = j;
    else if (rank >= i) low = i;
    else return values[rank]!;
  }
  return values[rank]!;
}
