import { encodeFloat32 } from '../../float-codec';
import { type PromptFeatures, type QualityModel, type QualityModelSpec } from '../../ml.types';
import { MAX_HASH_BITS, MIN_HASH_BITS, projectFeatures } from '../shared/feature-rehash';
import {
  checkCandidates,
  checkPredictArgs,
  MAX_DENSE_SIZE,
  ModelSpecReader,
} from '../shared/model-spec.reader';

const VERSION = 1;
export const MAX_MF_DIM = 1024;

/** Weights of the matrix-factorisation model. */
export interface MfWeights {
  /** Sparse space the featurizer's indices are folded into: 2^hashBits rows. */
  readonly hashBits: number;
  readonly denseSize: number;
  /** Latent dimension d. */
  readonly dim: number;
  /** Prompt projection P, sparse part: `[bucket * dim + k]`. */
  readonly projection: Float32Array;
  /** Prompt projection P, dense part: `[i * dim + k]`. */
  readonly denseProjection: Float32Array;
  readonly projectionBias: Float32Array;
  /** Candidate embeddings v_m: `[c * dim + k]`. */
  readonly embeddings: Float32Array;
  /** Classifier weights w over the element-wise product. */
  readonly classifier: Float32Array;
  /** Per-candidate bias b_m. */
  readonly candidateBias: Float32Array;
}

/**
 * Matrix-factorisation quality model in RouteLLM's style: the prompt is projected to d dims
 * (z = P·x) and each candidate has an embedding v_m; quality = sigmoid(w · (v_m ⊙ z) + b_m).
 */
export class MfModel implements QualityModel {
  readonly kind = 'mf' as const;
  private readonly latent: Float64Array;
  /** w ⊙ v_m per candidate, folded once so a prediction is d multiply-adds per candidate. */
  private readonly folded: Float64Array;

  constructor(
    readonly candidates: readonly string[],
    private readonly weights: MfWeights,
  ) {
    this.latent = new Float64Array(weights.dim);
    this.folded = new Float64Array(candidates.length * weights.dim);
    for (let c = 0; c < candidates.length; c++) {
      for (let k = 0; k < weights.dim; k++) {
        this.folded[c * weights.dim + k] =
          weights.classifier[k]! * weights.embeddings[c * weights.dim + k]!;
      }
    }
  }

  /**
   * Rebuilds a model from an artifact's spec.
   * @throws RangeError on any missing, mistyped, out-of-range or wrongly sized field.
   */
  static fromJSON(spec: QualityModelSpec, candidates: readonly string[]): MfModel {
    const names = checkCandidates(candidates);
    const reader = new ModelSpecReader(spec, 'mf', VERSION);
    const hashBits = reader.integer('hash_bits', MIN_HASH_BITS, MAX_HASH_BITS);
    const denseSize = reader.integer('dense_size', 0, MAX_DENSE_SIZE);
    const dim = reader.integer('dim', 1, MAX_MF_DIM);
    return new MfModel(names, {
      hashBits,
      denseSize,
      dim,
      projection: reader.floats('projection', (1 << hashBits) * dim),
      denseProjection: reader.floats('dense_projection', denseSize * dim),
      projectionBias: reader.floats('projection_bias', dim),
      embeddings: reader.floats('embeddings', names.length * dim),
      classifier: reader.floats('classifier', dim),
      candidateBias: reader.floats('candidate_bias', names.length),
    });
  }

  predict(features: PromptFeatures, out?: Float64Array): Float64Array {
    const w = this.weights;
    const result = checkPredictArgs(
      'mf',
      features.dense.length,
      w.denseSize,
      out,
      this.candidates.length,
    );
    const z = projectFeatures(
      features,
      w.hashBits,
      w.projection,
      w.denseProjection,
      w.projectionBias,
      this.latent,
    );
    for (let c = 0; c < result.length; c++) {
      let logit = w.candidateBias[c]!;
      for (let k = 0; k < w.dim; k++) logit += this.folded[c * w.dim + k]! * z[k]!;
      result[c] = 1 / (1 + Math.exp(-logit));
    }
    return result;
  }

  toJSON(): QualityModelSpec {
    const w = this.weights;
    return {
      kind: 'mf',
      version: VERSION,
      hash_bits: w.hashBits,
      dense_size: w.denseSize,
      dim: w.dim,
      projection: encodeFloat32(w.projection),
      dense_projection: encodeFloat32(w.denseProjection),
      projection_bias: encodeFloat32(w.projectionBias),
      embeddings: encodeFloat32(w.embeddings),
      classifier: encodeFloat32(w.classifier),
      candidate_bias: encodeFloat32(w.candidateBias),
    };
  }
}
