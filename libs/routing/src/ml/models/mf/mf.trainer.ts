import {
  type ProgressReporter,
  type PromptFeatures,
  type QualityModelTrainer,
  type ScoreMatrix,
} from '../../ml.types';
import { runWithEarlyStopping } from '../shared/early-stopping';
import { rehashRows } from '../shared/feature-rehash';
import { fillGaussian, type Random, seededRandom } from '../shared/seeded-random';
import {
  GRADIENT_TRAINING_RULES,
  type GradientTrainingOptions,
} from '../shared/gradient-training.options';
import { type OptionRules, resolveOptions } from '../shared/trainer-options';
import { candidateMeans, checkTrainingInput, logit, splitHoldOut } from '../shared/training-input';
import { MAX_MF_DIM, MfModel, type MfWeights } from './mf.model';
import { MfTrainingRun } from './mf-training.run';

/** Options of `MfTrainer.train`. */
export interface MfTrainerOptions extends GradientTrainingOptions {
  /** Latent dimension d. */
  readonly dim: number;
}

export const MF_DEFAULTS: MfTrainerOptions = {
  seed: 1,
  hashBits: 13,
  dim: 32,
  epochs: 40,
  batchSize: 32,
  learningRate: 0.002,
  weightDecay: 1,
  validationFraction: 0.1,
  patience: 4,
  loss: 'bce',
  averageEpochs: 0,
  initScale: 0.01,
};

const RULES: OptionRules<MfTrainerOptions> = {
  ...GRADIENT_TRAINING_RULES,
  dim: { min: 1, max: MAX_MF_DIM, integer: true },
};

/**
 * Trains an `MfModel` on the observed (query, candidate, score) cells with mini-batch Adam and
 * early stopping on a held-out slice. Deterministic for a given `seed`.
 */
export class MfTrainer implements QualityModelTrainer<MfTrainerOptions> {
  readonly kind = 'mf' as const;

  train(
    features: readonly PromptFeatures[],
    matrix: ScoreMatrix,
    options?: Partial<MfTrainerOptions>,
    progress?: ProgressReporter,
  ): MfModel {
    checkTrainingInput(features, matrix);
    const settings = resolveOptions(MF_DEFAULTS, RULES, options);
    const random = seededRandom(settings.seed);
    const rows = rehashRows(features, settings.hashBits);
    const weights = initialWeights(settings, rows.denseSize, candidateMeans(matrix), random);
    const split = splitHoldOut(features.length, settings.validationFraction, random);
    const run = new MfTrainingRun(
      rows,
      matrix.scores,
      weights,
      split,
      { ...settings, maxEpochs: settings.epochs },
      random,
    );
    runWithEarlyStopping(run, progress);
    return new MfModel([...matrix.candidates], weights);
  }
}

function initialWeights(
  settings: MfTrainerOptions,
  denseSize: number,
  means: Float64Array,
  random: Random,
): MfWeights {
  const { dim, hashBits } = settings;
  return {
    hashBits,
    denseSize,
    dim,
    projection: fillGaussian(new Float32Array((1 << hashBits) * dim), settings.initScale, random),
    denseProjection: fillGaussian(
      new Float32Array(denseSize * dim),
      0.5 / Math.sqrt(Math.max(1, denseSize)),
      random,
    ),
    projectionBias: new Float32Array(dim),
    embeddings: fillGaussian(new Float32Array(means.length * dim), 1 / Math.sqrt(dim), random),
    classifier: new Float32Array(dim).fill(1),
    candidateBias: Float32Array.from(means, logit),
  };
}
