import { encodeFloat32 } from '../../float-codec';
import { type PromptFeatures, type QualityModel, type QualityModelSpec } from '../../ml.types';
import { MAX_HASH_BITS, MIN_HASH_BITS, rehashBucket, rehashSign } from '../shared/feature-rehash';
import { checkCandidates, ModelSpecReader } from '../shared/model-spec.reader';

const VERSION = 1;
export const MAX_ELO_CLUSTERS = 256;
/** Ratings are Bradley–Terry log-strengths; beyond this a win rate is 1 to float precision. */
export const MAX_RATING = 50;

/** Ratings of the Elo model, global and per prompt cluster. */
export interface EloWeights {
  /** Sparse space the centroids live in: 2^hashBits buckets. */
  readonly hashBits: number;
  /** Number of prompt clusters (0: global ratings only). */
  readonly clusters: number;
  /** Unit-length cluster centroids, bucket-major: `[bucket * clusters + j]`. */
  readonly centroids: Float32Array;
  /** Bradley–Terry ratings (natural log-odds units) over all training queries. */
  readonly globalRatings: Float32Array;
  /** `[j * candidates + c]`: ratings fitted on cluster j's queries, shrunk toward the global ones. */
  readonly clusterRatings: Float32Array;
}

/**
 * Elo / Bradley–Terry quality model: candidates are rated from pairwise outcomes on the training
 * queries, globally and per prompt cluster (spherical k-means over the sparse TF-IDF). A prompt
 * takes the ratings of its nearest cluster (the global ones when it shares no term with any);
 * a candidate's quality is its expected win rate against the other candidates.
 */
export class EloModel implements QualityModel {
  readonly kind = 'elo' as const;
  /** Qualities per cluster, then the global ones last: `[(clusters + 1) × candidates]`. */
  private readonly qualities: Float64Array;
  private readonly similarity: Float64Array;

  constructor(
    readonly candidates: readonly string[],
    private readonly weights: EloWeights,
  ) {
    const width = candidates.length;
    this.qualities = new Float64Array((weights.clusters + 1) * width);
    for (let j = 0; j < weights.clusters; j++) {
      winRates(
        weights.clusterRatings.subarray(j * width, (j + 1) * width),
        this.qualities,
        j * width,
      );
    }
    winRates(weights.globalRatings, this.qualities, weights.clusters * width);
    this.similarity = new Float64Array(weights.clusters);
  }

  /**
   * Rebuilds a model from an artifact's spec.
   * @throws RangeError on any missing, mistyped, out-of-range or wrongly sized field.
   */
  static fromJSON(spec: QualityModelSpec, candidates: readonly string[]): EloModel {
    const names = checkCandidates(candidates);
    const reader = new ModelSpecReader(spec, 'elo', VERSION);
    const hashBits = reader.integer('hash_bits', MIN_HASH_BITS, MAX_HASH_BITS);
    const clusters = reader.integer('clusters', 0, MAX_ELO_CLUSTERS);
    const weights: EloWeights = {
      hashBits,
      clusters,
      centroids: reader.floats('centroids', (1 << hashBits) * clusters),
      globalRatings: reader.floats('global_ratings', names.length),
      clusterRatings: reader.floats('cluster_ratings', clusters * names.length),
    };
    for (const rating of [...weights.globalRatings, ...weights.clusterRatings]) {
      if (Math.abs(rating) > MAX_RATING) {
        throw new RangeError(`elo model ratings must be within ±${MAX_RATING}`);
      }
    }
    return new EloModel(names, weights);
  }

  /** Index of the prompt's cluster, or -1 for the global ratings. */
  clusterOf(features: PromptFeatures): number {
    const { clusters, hashBits, centroids } = this.weights;
    if (clusters === 0) return -1;
    const similarity = this.similarity.fill(0);
    const { indices, values } = features.sparse;
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i]!;
      const value = values[i]! * rehashSign(index);
      const row = rehashBucket(index, hashBits) * clusters;
      for (let j = 0; j < clusters; j++)
        similarity[j] = similarity[j]! + value * centroids[row + j]!;
    }
    let best = -1;
    let bestSimilarity = 0;
    for (let j = 0; j < clusters; j++) {
      if (similarity[j]! > bestSimilarity) {
        best = j;
        bestSimilarity = similarity[j]!;
      }
    }
    return best;
  }

  predict(features: PromptFeatures, out?: Float64Array): Float64Array {
    const width = this.candidates.length;
    if (out !== undefined && out.length !== width) {
      throw new RangeError(`elo model output needs ${width} slots, got ${out.length}`);
    }
    const result = out ?? new Float64Array(width);
    const cluster = this.clusterOf(features);
    const row = (cluster < 0 ? this.weights.clusters : cluster) * width;
    for (let c = 0; c < width; c++) result[c] = this.qualities[row + c]!;
    return result;
  }

  toJSON(): QualityModelSpec {
    const w = this.weights;
    return {
      kind: 'elo',
      version: VERSION,
      hash_bits: w.hashBits,
      clusters: w.clusters,
      centroids: encodeFloat32(w.centroids),
      global_ratings: encodeFloat32(w.globalRatings),
      cluster_ratings: encodeFloat32(w.clusterRatings),
    };
  }
}

/** Expected win rate of each candidate against the others (0.5 when it is alone). */
function winRates(ratings: Float32Array, out: Float64Array, offset: number): void {
  const width = ratings.length;
  for (let i = 0; i < width; i++) {
    let sum = 0;
    for (let j = 0; j < width; j++) {
      if (j !== i) sum += 1 / (1 + Math.exp(ratings[j]! - ratings[i]!));
    }
    out[offset + i] = width > 1 ? sum / (width - 1) : 0.5;
  }
}
