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

/** Weights of one linear regressor per candidate over rehashed sparse + dense features. */
export interface SvmWeights {
  /** Sparse space the featurizer's indices are folded into: 2^hashBits rows. */
  readonly hashBits: number;
  readonly denseSize: number;
  /** `[bucket * candidates + c]`. */
  readonly sparseWeights: Float32Array;
  /** `[i * candidates + c]`. */
  readonly denseWeights: Float32Array;
  readonly bias: Float32Array;
}

/**
 * Linear support-vector regression quality model: per candidate, `w_c · x + b_c` clamped to
 * [0, 1]. The weights of all candidates for one feature sit together, so a prompt touches one
 * short row per nonzero feature.
 */
export class SvmModel implements QualityModel {
  readonly kind = 'svm' as const;

  constructor(
    readonly candidates: readonly string[],
    private readonly weights: SvmWeights,
  ) {}

  /**
   * Rebuilds a model from an artifact's spec.
   * @throws RangeError on any missing, mistyped, out-of-range or wrongly sized field.
   */
  static fromJSON(spec: QualityModelSpec, candidates: readonly string[]): SvmModel {
    const names = checkCandidates(candidates);
    const reader = new ModelSpecReader(spec, 'svm', VERSION);
    const hashBits = reader.integer('hash_bits', MIN_HASH_BITS, MAX_HASH_BITS);
    const denseSize = reader.integer('dense_size', 0, MAX_DENSE_SIZE);
    return new SvmModel(names, {
      hashBits,
      denseSize,
      sparseWeights: reader.floats('sparse_weights', (1 << hashBits) * names.length),
      denseWeights: reader.floats('dense_weights', denseSize * names.length),
      bias: reader.floats('bias', names.length),
    });
  }

  predict(features: PromptFeatures, out?: Float64Array): Float64Array {
    const w = this.weights;
    const result = checkPredictArgs(
      'svm',
      features.dense.length,
      w.denseSize,
      out,
      this.candidates.length,
    );
    projectFeatures(features, w.hashBits, w.sparseWeights, w.denseWeights, w.bias, result);
    for (let c = 0; c < result.length; c++) result[c] = Math.min(1, Math.max(0, result[c]!));
    return result;
  }

  toJSON(): QualityModelSpec {
    const w = this.weights;
    return {
      kind: 'svm',
      version: VERSION,
      hash_bits: w.hashBits,
      dense_size: w.denseSize,
      sparse_weights: encodeFloat32(w.sparseWeights),
      dense_weights: encodeFloat32(w.denseWeights),
      bias: encodeFloat32(w.bias),
    };
  }
}
