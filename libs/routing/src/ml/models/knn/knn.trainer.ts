import type {
  ProgressReporter,
  PromptFeatures,
  QualityModelTrainer,
  ScoreMatrix,
  SparseVector,
} from '../../ml.types';
import { type OptionRules, resolveOptions, SEED_RULE } from '../shared/trainer-options';
import { checkTrainingInput } from '../shared/training-input';
import { assertSortedIndices } from '../../featurizer/sparse-codec';
import type { SparseRows } from './knn.index';
import { denseData } from './knn.codec';
import { putUnit } from './knn-dense.index';
import { checkValues, KnnModel } from './knn.model';

/** Options of `KnnTrainer.train`. */
export interface KnnOptions {
  /** Neighbours averaged per prediction. */
  readonly k: number;
  /** Neighbour weight = similarity^power: above 1 trusts the closest neighbours more. */
  readonly power: number;
  /** Weight of each candidate's mean score as one more neighbour (smooths faint neighbourhoods). */
  readonly prior: number;
  /** Terms in more than this fraction of training queries are not searched (speed). */
  readonly maxDf: number;
  /** Only a prompt's this many heaviest terms are searched (0: all): bounds long prompts' cost. */
  readonly maxQueryTerms: number;
  /** Keep only this many heaviest terms per training query (0: all); bounds index size. */
  readonly maxTerms: number;
  /**
   * Dense mode (every query's sparse part empty: prompt embeddings) searches every training
   * query, rows × dimensions multiply-adds per decision: training refuses more than this.
   */
  readonly maxDenseWork: number;
  /** Accepted like every trainer's; kNN training has no randomness. */
  readonly seed: number;
}

export const KNN_DEFAULTS: KnnOptions = {
  k: 150,
  power: 1,
  prior: 1,
  maxDf: 0.05,
  maxQueryTerms: 128,
  maxTerms: 0,
  maxDenseWork: 2_000_000,
  seed: 1,
};

const KNN_RULES: OptionRules<KnnOptions> = {
  k: { min: 1, max: 1000, integer: true },
  power: { min: 0, max: 16 },
  prior: { min: 0, max: 1000 },
  maxDf: { min: 0, max: 1 },
  maxQueryTerms: { min: 0, max: 1_000_000, integer: true },
  maxTerms: { min: 0, max: 1_000_000, integer: true },
  maxDenseWork: { min: 1, max: 2 ** 26, integer: true },
  seed: SEED_RULE,
};

/**
 * "Trains" a kNN model: keeps each query's sparse vector and per-candidate scores. When no query
 * has sparse features but they all have dense ones (a remote-embedding featurizer), keeps the
 * dense vectors, L2-normalised, instead: the model then searches by exact cosine over them.
 */
export class KnnTrainer implements QualityModelTrainer<KnnOptions> {
  readonly kind = 'knn' as const;

  /** @throws RangeError on inconsistent input or a bad option. */
  train(
    features: readonly PromptFeatures[],
    matrix: ScoreMatrix,
    options?: Partial<KnnOptions>,
    progress?: ProgressReporter,
  ): KnnModel {
    checkTrainingInput(features, matrix);
    const settings = resolveOptions(KNN_DEFAULTS, KNN_RULES, options);
    if (isDenseOnly(features)) {
      const model = trainDense(features, matrix, settings);
      progress?.(features.length, features.length, 'knn vectors');
      return model;
    }
    const { k, power, prior, maxDf, maxQueryTerms, maxTerms } = settings;
    const rows = packRows(
      features.map((f) => (maxTerms > 0 ? heaviest(f.sparse, maxTerms) : f.sparse)),
    );
    progress?.(features.length, features.length, 'knn index');
    let maxIndex = -1;
    for (const index of rows.indices) if (index > maxIndex) maxIndex = index;
    return new KnnModel(matrix.candidates, {
      k,
      power,
      prior,
      maxDf,
      maxQueryTerms,
      sparseSize: maxIndex + 1 || 1,
      denseSize: features[0]!.dense.length,
      rows,
      scores: Float32Array.from(matrix.scores),
    });
  }
}

/** Whether the features are embeddings: dense parts, and not one sparse entry anywhere. */
function isDenseOnly(features: readonly PromptFeatures[]): boolean {
  return features[0]!.dense.length > 0 && features.every((f) => f.sparse.indices.length === 0);
}

function trainDense(
  features: readonly PromptFeatures[],
  matrix: ScoreMatrix,
  { k, power, prior, maxDenseWork }: KnnOptions,
): KnnModel {
  const size = features[0]!.dense.length;
  if (features.length * size > maxDenseWork) {
    throw new RangeError(
      `a dense kNN over ${features.length} queries x ${size} dimensions is ${features.length * size} ` +
        `multiply-adds per decision, more than maxDenseWork (${maxDenseWork}): use fewer queries, ` +
        'smaller embeddings, or an mlp, svm or mf router',
    );
  }
  const vectors = new Float32Array(features.length * size);
  features.forEach((feature, q) => putUnit(feature.dense, vectors, q * size));
  const scores = Float32Array.from(matrix.scores);
  return new KnnModel(matrix.candidates, denseData({ k, power, prior }, size, vectors, scores));
}

/** The `limit` largest-magnitude entries of `vector`, still in index order. */
export function heaviest(vector: SparseVector, limit: number): SparseVector {
  if (vector.indices.length <= limit) return vector;
  const order = Array.from(vector.indices, (_, i) => i).sort(
    (a, b) => Math.abs(vector.values[b]!) - Math.abs(vector.values[a]!) || a - b,
  );
  const kept = order.slice(0, limit).sort((a, b) => a - b);
  return {
    indices: Uint32Array.from(kept, (i) => vector.indices[i]!),
    values: Float32Array.from(kept, (i) => vector.values[i]!),
  };
}

function packRows(vectors: readonly SparseVector[]): SparseRows {
  const offsets = new Uint32Array(vectors.length + 1);
  vectors.forEach((vector, q) => (offsets[q + 1] = offsets[q]! + vector.indices.length));
  const indices = new Uint32Array(offsets[vectors.length]!);
  const values = new Float32Array(indices.length);
  vectors.forEach((vector, q) => {
    assertSortedIndices(vector.indices, 2 ** 32, `query ${q}`);
    checkValues(vector.values, `query ${q} feature values`);
    indices.set(vector.indices, offsets[q]);
    values.set(vector.values, offsets[q]);
  });
  return { offsets, indices, values };
}
