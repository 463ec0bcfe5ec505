import {
  type ProgressReporter,
  type PromptFeatures,
  type QualityModelTrainer,
  type ScoreMatrix,
} from '../../ml.types';
import { runWithEarlyStopping } from '../shared/early-stopping';
import { rehashRows } from '../shared/feature-rehash';
import { fillGaussian, seededRandom } from '../shared/seeded-random';
import {
  GRADIENT_TRAINING_RULES,
  type GradientTrainingOptions,
} from '../shared/gradient-training.options';
import { type OptionRules, resolveOptions } from '../shared/trainer-options';
import { candidateMeans, checkTrainingInput, logit, splitHoldOut } from '../shared/training-input';
import { MAX_MLP_HIDDEN, MlpModel, type MlpWeights } from './mlp.model';
import { MlpTrainingRun } from './mlp-training.run';

/** Options of `MlpTrainer.train`. */
export interface MlpTrainerOptions extends GradientTrainingOptions {
  readonly hidden: number;
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
  ...GRADIENT_TRAINING_RULES,
  hidden: { min: 1, max: MAX_MLP_HIDDEN, integer: true },
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
