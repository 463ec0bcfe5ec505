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
export const MAX_MLP_HIDDEN = 1024;

/** Weights of a one-hidden-layer MLP over rehashed sparse + dense features. */
export interface MlpWeights {
  /** Sparse space the featurizer's indices are folded into: 2^hashBits rows. */
  readonly hashBits: number;
  readonly denseSize: number;
  readonly hidden: number;
  /** `[bucket * hidden + k]`. */
  readonly inputWeights: Float32Array;
  /** `[i * hidden + k]`. */
  readonly denseWeights: Float32Array;
  readonly hiddenBias: Float32Array;
  /** `[k * candidates + c]`. */
  readonly outputWeights: Float32Array;
  readonly outputBias: Float32Array;
}

/**
 * Multi-output MLP quality model: features → ReLU hidden layer → one sigmoid per candidate, the
 * predicted score of that candidate's answer. The first layer reads only the prompt's nonzero
 * sparse features, after folding them into 2^hashBits signed buckets (see feature-rehash.ts).
 */
export class MlpModel implements QualityModel {
  readonly kind = 'mlp' as const;
  private readonly hiddenScratch: Float64Array;

  constructor(
    readonly candidates: readonly string[],
    private readonly weights: MlpWeights,
  ) {
    this.hiddenScratch = new Float64Array(weights.hidden);
  }

  /**
   * Rebuilds a model from an artifact's spec.
   * @throws RangeError on any missing, mistyped, out-of-range or wrongly sized field.
   */
  static fromJSON(spec: QualityModelSpec, candidates: readonly string[]): MlpModel {
    const names = checkCandidates(candidates);
    const reader = new ModelSpecReader(spec, 'mlp', VERSION);
    const hashBits = reader.integer('hash_bits', MIN_HASH_BITS, MAX_HASH_BITS);
    const denseSize = reader.integer('dense_size', 0, MAX_DENSE_SIZE);
    const hidden = reader.integer('hidden', 1, MAX_MLP_HIDDEN);
    return new MlpModel(names, {
      hashBits,
      denseSize,
      hidden,
      inputWeights: reader.floats('input_weights', (1 << hashBits) * hidden),
      denseWeights: reader.floats('dense_weights', denseSize * hidden),
      hiddenBias: reader.floats('hidden_bias', hidden),
      outputWeights: reader.floats('output_weights', hidden * names.length),
      outputBias: reader.floats('output_bias', names.length),
    });
  }

  predict(features: PromptFeatures, out?: Float64Array): Float64Array {
    const w = this.weights;
    const result = checkPredictArgs(
      'mlp',
      features.dense.length,
      w.denseSize,
      out,
      this.candidates.length,
    );
    const hidden = projectFeatures(
      features,
      w.hashBits,
      w.inputWeights,
      w.denseWeights,
      w.hiddenBias,
      this.hiddenScratch,
    );
    const width = result.length;
    for (let c = 0; c < width; c++) result[c] = w.outputBias[c]!;
    for (let k = 0; k < w.hidden; k++) {
      const activation = hidden[k]!;
      if (activation <= 0) continue;
      const row = k * width;
      for (let c = 0; c < width; c++)
        result[c] = result[c]! + activation * w.outputWeights[row + c]!;
    }
    for (let c = 0; c < width; c++) result[c] = 1 / (1 + Math.exp(-result[c]!));
    return result;
  }

  toJSON(): QualityModelSpec {
    const w = this.weights;
    return {
      kind: 'mlp',
      version: VERSION,
      hash_bits: w.hashBits,
      dense_size: w.denseSize,
      hidden: w.hidden,
      input_weights: encodeFloat32(w.inputWeights),
      dense_weights: encodeFloat32(w.denseWeights),
      hidden_bias: encodeFloat32(w.hiddenBias),
      output_weights: encodeFloat32(w.outputWeights),
      output_bias: encodeFloat32(w.outputBias),
    };
  }
}
