import { encodeFloat32 } from '../../float-codec';
import type { PromptFeatures, QualityModel, QualityModelSpec } from '../../ml.types';
import { assertSortedIndices, decodeUint32, encodeUint32 } from '../../featurizer/sparse-codec';
import { checkCandidates, checkPredictArgs, ModelSpecReader } from '../shared/model-spec.reader';
import { decodeScores, DENSE_VERSION, denseSpec, encodeScores, readDense } from './knn.codec';
import { DenseKnnIndex } from './knn-dense.index';
import { KnnIndex, MIN_WEIGHT, type Neighbours, type SparseRows } from './knn.index';

/** Spec version of a kNN over sparse features (TF-IDF). */
const VERSION = 1;
const MAX_QUERIES = 1_000_000;
const MAX_NONZEROS = 200_000_000;
const MAX_SPARSE_SIZE = 2 ** 22;
const MAX_DENSE_SIZE = 4096;

/** Everything a kNN model is: its training vectors and their per-candidate scores. */
export interface KnnData {
  /** Neighbours averaged per prediction. */
  readonly k: number;
  /** Neighbour weight = similarity^power (1: plain similarity weighting). */
  readonly power: number;
  /**
   * Weight of each candidate's mean score, added as one more neighbour: pulls predictions from
   * few or faint neighbours toward the mean (0: none).
   */
  readonly prior: number;
  /** Terms in more than this fraction of training queries are not searched (speed). */
  readonly maxDf: number;
  /** Only a prompt's this many heaviest terms are searched (0: all). */
  readonly maxQueryTerms: number;
  readonly sparseSize: number;
  readonly denseSize: number;
  readonly rows: SparseRows;
  /** `scores[q * candidates + c]` in [0, 1], NaN when unknown. */
  readonly scores: Float32Array;
  /**
   * Dense mode: unit training vectors, `vectors[q * denseSize + i]`. Then neighbours are found by
   * exact cosine over the dense features (prompt embeddings) and `rows` is empty.
   */
  readonly vectors?: Float32Array;
}

/**
 * k-nearest-neighbour quality model: a prompt's predicted quality per candidate is the
 * similarity-weighted mean score of its k most similar training queries (cosine over the sparse
 * features, or over the dense ones in dense mode), skipping neighbours without a score for that
 * candidate, with the candidate's mean over all training queries counted as one more neighbour of
 * weight `prior`.
 */
export class KnnModel implements QualityModel {
  readonly kind = 'knn' as const;
  private readonly index: KnnIndex | undefined;
  private readonly denseIndex: DenseKnnIndex | undefined;
  private readonly means: Float64Array;
  private readonly sums: Float64Array;
  private readonly weights: Float64Array;

  constructor(
    readonly candidates: readonly string[],
    private readonly data: KnnData,
  ) {
    if (data.vectors) this.denseIndex = new DenseKnnIndex(data.vectors, data.denseSize, data.k);
    else {
      this.index = new KnnIndex(data.rows, data.sparseSize, data.k, data.maxDf, data.maxQueryTerms);
    }
    this.means = candidateMeans(data.scores, candidates.length);
    this.sums = new Float64Array(candidates.length);
    this.weights = new Float64Array(candidates.length);
  }

  /** Training queries held. */
  get size(): number {
    return this.data.rows.offsets.length - 1;
  }

  /** What neighbours are searched by: the sparse features, or the dense ones (embeddings). */
  get space(): 'sparse' | 'dense' {
    return this.data.vectors ? 'dense' : 'sparse';
  }

  /**
   * Rebuilds a model from an artifact's spec.
   * @throws RangeError on any missing, mistyped, out-of-range or inconsistent field.
   */
  static fromJSON(spec: QualityModelSpec, candidates: readonly string[]): KnnModel {
    const names = checkCandidates(candidates);
    if ((spec as { version?: unknown } | null)?.version === DENSE_VERSION) {
      return new KnnModel(names, readDense(spec, names.length));
    }
    const reader = new ModelSpecReader(spec, 'knn', VERSION);
    const queries = reader.integer('queries', 1, MAX_QUERIES);
    const nonzeros = reader.integer('nonzeros', 0, MAX_NONZEROS);
    const sparseSize = reader.integer('sparse_size', 1, MAX_SPARSE_SIZE);
    const data: KnnData = {
      k: reader.integer('k', 1, 1000),
      power: reader.number('power', 0, 16),
      prior: reader.number('prior', 0, 1000),
      maxDf: reader.number('max_df', 0, 1),
      maxQueryTerms: reader.integer('max_query_terms', 0, 1_000_000),
      sparseSize,
      denseSize: reader.integer('dense_size', 0, MAX_DENSE_SIZE),
      rows: readRows(spec, queries, nonzeros, sparseSize, reader),
      scores: decodeScores(reader.floats('scores', queries * names.length)),
    };
    return new KnnModel(names, data);
  }

  predict(features: PromptFeatures, out?: Float64Array): Float64Array {
    const width = this.candidates.length;
    const result = checkPredictArgs('knn', features.dense.length, this.data.denseSize, out, width);
    const { sums, weights } = this;
    sums.fill(0);
    weights.fill(0);
    const neighbours: Neighbours = this.denseIndex
      ? this.denseIndex.search(features.dense)
      : this.index!.search(features.sparse);
    const { scores, power, prior } = this.data;
    for (let n = 0; n < neighbours.count; n++) {
      const similarity = neighbours.similarities[n]!;
      const weight = power === 1 ? similarity : Math.pow(similarity, power);
      const row = neighbours.rows[n]! * width;
      for (let c = 0; c < width; c++) {
        const score = scores[row + c]!;
        if (score !== score) continue; // NaN: unknown for this candidate
        sums[c]! += weight * score;
        weights[c]! += weight;
      }
    }
    for (let c = 0; c < width; c++) {
      const weight = weights[c]! + prior;
      result[c] = weight > 0 ? (sums[c]! + prior * this.means[c]!) / weight : this.means[c]!;
    }
    return result;
  }

  toJSON(): QualityModelSpec {
    if (this.data.vectors) return denseSpec(this.data, this.size);
    const { k, power, prior, maxDf, maxQueryTerms, sparseSize, denseSize, rows, scores } =
      this.data;
    return {
      kind: 'knn',
      version: VERSION,
      k,
      power,
      prior,
      max_df: maxDf,
      max_query_terms: maxQueryTerms,
      sparse_size: sparseSize,
      dense_size: denseSize,
      queries: this.size,
      nonzeros: rows.indices.length,
      offsets: encodeUint32(rows.offsets),
      indices: encodeUint32(rows.indices),
      values: encodeFloat32(rows.values),
      scores: encodeScores(scores),
    };
  }
}

/** Mean known score per candidate (0 for a candidate never scored). */
function candidateMeans(scores: Float32Array, width: number): Float64Array {
  const sums = new Float64Array(width);
  const counts = new Float64Array(width);
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) continue;
    sums[i % width]! += scores[i]!;
    counts[i % width]!++;
  }
  return sums.map((sum, c) => (counts[c]! > 0 ? sum / counts[c]! : 0));
}

function readRows(
  spec: QualityModelSpec,
  queries: number,
  nonzeros: number,
  sparseSize: number,
  reader: ModelSpecReader,
): SparseRows {
  const offsets = decodeField(() => decodeUint32(spec.offsets, queries + 1), 'offsets');
  const indices = decodeField(() => decodeUint32(spec.indices, nonzeros), 'indices');
  const values = reader.floats('values', nonzeros);
  if (offsets[0] !== 0 || offsets[queries] !== nonzeros) {
    throw new RangeError('knn model offsets must run from 0 to nonzeros');
  }
  for (let q = 0; q < queries; q++) {
    if (offsets[q + 1]! < offsets[q]!) throw new RangeError('knn model offsets must not decrease');
  }
  for (let q = 0; q < queries; q++) {
    assertSortedIndices(indices, sparseSize, `knn model row ${q}`, offsets[q], offsets[q + 1]);
  }
  checkValues(values, 'knn model values');
  return { offsets, indices, values };
}

/**
 * Stored feature values must be positive and at most 1 (L2-normalised TF-IDF): the index's
 * first-touch test relies on it.
 * @throws RangeError otherwise.
 */
export function checkValues(values: Float32Array, what: string): void {
  for (const value of values) {
    if (!(value >= MIN_WEIGHT && value <= 1.000001)) {
      throw new RangeError(`${what} must be in [${MIN_WEIGHT}, 1] (non-negative features)`);
    }
  }
}

function decodeField<T>(decode: () => T, name: string): T {
  try {
    return decode();
  } catch (error) {
    throw new RangeError(`knn model field "${name}": ${(error as Error).message}`);
  }
}
