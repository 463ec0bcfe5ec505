import {
  type ProgressReporter,
  type PromptFeatures,
  type QualityModelTrainer,
  type ScoreMatrix,
} from '../../ml.types';
import { runWithEarlyStopping } from '../shared/early-stopping';
import { MAX_HASH_BITS, MIN_HASH_BITS, rehashRows } from '../shared/feature-rehash';
import { fillGaussian, seededRandom } from '../shared/seeded-random';
import { type OptionRules, resolveOptions, SEED_RULE } from '../shared/trainer-options';
import {
  candidateMeans,
  checkTrainingInput,
  logit,
  type ScoreLoss,
  splitHoldOut,
} from '../shared/training-input';
import { MAX_MLP_HIDDEN, MlpModel, type MlpWeights } from './mlp.model';
import { MlpTrainingRun } from './mlp-training.run';

/** Options of `MlpTrainer.train`. */
export interface MlpTrainerOptions {
  /** PRNG seed: initial weights, shuffling and the held-out slice. */
  readonly seed: number;
  /** The sparse features are folded into 2^hashBits buckets (artifact size ∝ 2^hashBits·hidden). */
  readonly hashBits: number;
  readonly hidden: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Decoupled weight decay on the weight matrices (not the biases). */
  readonly weightDecay: number;
  /** Share of queries held out for early stopping (0 trains on all for `epochs`). */
  readonly validationFraction: number;
  /** Epochs without improvement on the held-out slice before stopping. */
  readonly patience: number;
  /** Masked loss on the per-candidate scores. */
  readonly loss: ScoreLoss;
  /** Horizon in epochs of the moving average of the weights kept as the model (0: last weights). */
  readonly averageEpochs: number;
  /** Standard deviation of the initial sparse-feature weights. */
  readonly initScale: number;
  /** Dropout rate on the hidden layer while training. */
  readonly dropout: number;
}

export const MLP_DEFAULTS: MlpTrainerOptions = {
  seed: 1,
  hashBits: 13,
  hidden: 32,
  epochs: 40,
  batchSize: 32,
  learningRate: 0.002,
  weightDecay: 1,
  validationFraction: 0.1,
  patience: 4,
  loss: 'mse',
  averageEpochs: 4,
  initScale: 0.01,
  dropout: 0,
};

const RULES: OptionRules<MlpTrainerOptions> = {
  seed: SEED_RULE,
  hashBits: { min: MIN_HASH_BITS, max: MAX_HASH_BITS, integer: true },
  hidden: { min: 1, max: MAX_MLP_HIDDEN, integer: true },
  epochs: { min: 1, max: 10_000, integer: true },
  batchSize: { min: 1, max: 65_536, integer: true },
  learningRate: { min: 1e-6, max: 1 },
  weightDecay: { min: 0, max: 100 },
  validationFraction: { min: 0, max: 0.5 },
  patience: { min: 1, max: 1000, integer: true },
  loss: ['bce', 'mse'],
  averageEpochs: { min: 0, max: 1000 },
  initScale: { min: 0, max: 10 },
  dropout: { min: 0, max: 0.9 },
};

/**
 * Trains an `MlpModel` on per-candidate score vectors (masked loss, never an argmax label) with
 * mini-batch Adam and early stopping on a held-out slice. Deterministic for a given `seed`.
 */
export class MlpTrainer implements QualityModelTrainer<MlpTrainerOptions> {
  readonly kind = 'mlp' as const;

  train(
    features: readonly PromptFeatures[],
    matrix: ScoreMatrix,
    options?: Partial<MlpTrainerOptions>,
    progress?: ProgressReporter,
  ): MlpModel {
    checkTrainingInput(features, matrix);
    const settings = resolveOptions(MLP_DEFAULTS, RULES, options);
    const random = seededRandom(settings.seed);
    const rows = rehashRows(features, settings.hashBits);
    const weights = initialWeights(settings, rows.denseSize, candidateMeans(matrix), random);
    const split = splitHoldOut(features.length, settings.validationFraction, random);
    const run = new MlpTrainingRun(
      rows,
      matrix.scores,
      weights,
      split,
      { ...settings, maxEpochs: settings.epochs },
      random,
    );
    runWithEarlyStopping(run, progress);
    return new MlpModel([...matrix.candidates], weights);
  }
}

function initialWeights(
  settings: MlpTrainerOptions,
  denseSize: number,
  means: Float64Array,
  random: () => number,
): MlpWeights {
  const { hidden, hashBits } = settings;
  // Sparse rows are L2-normalised and dense features standardised: these scales give hidden
  // pre-activations of unit order at the start.
  return {
    hashBits,
    denseSize,
    hidden,
    inputWeights: fillGaussian(
      new Float32Array((1 << hashBits) * hidden),
      settings.initScale,
      random,
    ),
    denseWeights: fillGaussian(
      new Float32Array(denseSize * hidden),
      0.5 / Math.sqrt(Math.max(1, denseSize)),
      random,
    ),
    hiddenBias: new Float32Array(hidden).fill(0.1),
    outputWeights: fillGaussian(
      new Float32Array(hidden * means.length),
      1 / Math.sqrt(hidden),
      random,
    ),
    outputBias: Float32Array.from(means, logit),
  };
}
