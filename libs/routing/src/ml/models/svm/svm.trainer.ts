import {
  type ProgressReporter,
  type PromptFeatures,
  type QualityModelTrainer,
  type ScoreMatrix,
} from '../../ml.types';
import { MAX_HASH_BITS, MIN_HASH_BITS, rehashRows } from '../shared/feature-rehash';
import { seededRandom } from '../shared/seeded-random';
import { type OptionRules, resolveOptions, SEED_RULE } from '../shared/trainer-options';
import { candidateMeans, checkTrainingInput } from '../shared/training-input';
import { SvmModel, type SvmWeights } from './svm.model';
import { SvmSgd } from './svm-sgd.optimizer';

/** Options of `SvmTrainer.train`. */
export interface SvmTrainerOptions {
  /** PRNG seed: the order queries are visited in. */
  readonly seed: number;
  /** The sparse features are folded into 2^hashBits buckets (artifact size ∝ 2^hashBits). */
  readonly hashBits: number;
  readonly epochs: number;
  /** L2 regularisation strength λ. */
  readonly lambda: number;
  /** Width of the insensitive tube around each score. */
  readonly epsilon: number;
  /** η0 of the step size η_t = η0 / (1 + λ·η0·t). */
  readonly learningRate: number;
  /** L1 (classic SVR) or squared (L2-SVR) penalty outside the tube. */
  readonly loss: SvmLoss;
  /** Epochs at the end whose iterates are averaged into the final weights (0: none). */
  readonly averageEpochs: number;
}

export type SvmLoss = 'epsilon_insensitive' | 'squared_epsilon_insensitive';

export const SVM_DEFAULTS: SvmTrainerOptions = {
  seed: 1,
  hashBits: 14,
  epochs: 30,
  lambda: 3e-4,
  epsilon: 0.1,
  learningRate: 0.1,
  loss: 'squared_epsilon_insensitive',
  averageEpochs: 15,
};

const RULES: OptionRules<SvmTrainerOptions> = {
  seed: SEED_RULE,
  hashBits: { min: MIN_HASH_BITS, max: MAX_HASH_BITS, integer: true },
  epochs: { min: 1, max: 10_000, integer: true },
  lambda: { min: 1e-9, max: 10 },
  epsilon: { min: 0, max: 1 },
  learningRate: { min: 1e-6, max: 10 },
  loss: ['epsilon_insensitive', 'squared_epsilon_insensitive'],
  averageEpochs: { min: 0, max: 10_000, integer: true },
};

/**
 * Trains an `SvmModel`: per-candidate linear ε-insensitive regression with L2 regularisation by
 * SGD over the observed (query, candidate) scores (NaN cells are skipped). Deterministic for a
 * given `seed`.
 */
export class SvmTrainer implements QualityModelTrainer<SvmTrainerOptions> {
  readonly kind = 'svm' as const;

  train(
    features: readonly PromptFeatures[],
    matrix: ScoreMatrix,
    options?: Partial<SvmTrainerOptions>,
    progress?: ProgressReporter,
  ): SvmModel {
    checkTrainingInput(features, matrix);
    const settings = resolveOptions(SVM_DEFAULTS, RULES, options);
    const rows = rehashRows(features, settings.hashBits);
    const width = matrix.candidates.length;
    const weights: SvmWeights = {
      hashBits: settings.hashBits,
      denseSize: rows.denseSize,
      sparseWeights: new Float32Array((1 << settings.hashBits) * width),
      denseWeights: new Float32Array(rows.denseSize * width),
      bias: Float32Array.from(candidateMeans(matrix)),
    };
    const sgd = new SvmSgd(rows, matrix.scores, weights, settings, seededRandom(settings.seed));
    const averageFrom = Math.max(0, settings.epochs - settings.averageEpochs);
    for (let epoch = 0; epoch < settings.epochs; epoch++) {
      sgd.epoch(epoch >= averageFrom && settings.averageEpochs > 0);
      progress?.(epoch + 1, settings.epochs, 'epoch');
    }
    sgd.finish();
    return new SvmModel([...matrix.candidates], weights);
  }
}
