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
import { SvmModel } from './svm.model';
import { SvmDualCd } from './svm-dual-cd.optimizer';

/** Options of `SvmTrainer.train`. */
export interface SvmTrainerOptions {
  /** PRNG seed: the order queries are visited in. */
  readonly seed: number;
  /** The sparse features are folded into 2^hashBits buckets (artifact size ∝ 2^hashBits). */
  readonly hashBits: number;
  /** Passes of dual coordinate descent over the queries. */
  readonly epochs: number;
  /**
   * Penalty weight C of each observed (query, candidate) loss against the ½‖w‖² regulariser:
   * smaller regularises more. Like LIBLINEAR's C, it weighs a sum, so a larger training set
   * is regularised relatively less.
   */
  readonly c: number;
  /** Width of the insensitive tube around each score. */
  readonly epsilon: number;
  /** L1 (classic SVR) or squared (L2-SVR) penalty outside the tube. */
  readonly loss: SvmLoss;
}

export type SvmLoss = 'epsilon_insensitive' | 'squared_epsilon_insensitive';

/**
 * Chosen by 5-fold CV on the LLMRouter matrix (docs/routing-evaluation.md): C from 0.03 to 0.1
 * all land within a few tenths of a point; more than ~15 epochs changes little; 2^15 or 2^16
 * buckets gain nothing measurable over 2^14 at 2–4× the artifact size.
 */
export const SVM_DEFAULTS: SvmTrainerOptions = {
  seed: 1,
  hashBits: 14,
  epochs: 20,
  c: 0.05,
  epsilon: 0.1,
  loss: 'squared_epsilon_insensitive',
};

const RULES: OptionRules<SvmTrainerOptions> = {
  seed: SEED_RULE,
  hashBits: { min: MIN_HASH_BITS, max: MAX_HASH_BITS, integer: true },
  epochs: { min: 1, max: 10_000, integer: true },
  c: { min: 1e-6, max: 1e6 },
  epsilon: { min: 0, max: 1 },
  loss: ['epsilon_insensitive', 'squared_epsilon_insensitive'],
};

/**
 * Trains an `SvmModel`: per-candidate linear ε-insensitive regression with L2 regularisation,
 * solved by dual coordinate descent over the observed (query, candidate) scores (NaN cells are
 * skipped). Deterministic for a given `seed`.
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
    const solver = new SvmDualCd(
      rows,
      matrix.scores,
      candidateMeans(matrix),
      {
        c: settings.c,
        epsilon: settings.epsilon,
        l1Loss: settings.loss === 'epsilon_insensitive',
      },
      seededRandom(settings.seed),
    );
    for (let epoch = 0; epoch < settings.epochs; epoch++) {
      solver.epoch();
      progress?.(epoch + 1, settings.epochs, 'epoch');
    }
    const weights = {
      hashBits: settings.hashBits,
      denseSize: rows.denseSize,
      sparseWeights: new Float32Array((1 << settings.hashBits) * width),
      denseWeights: new Float32Array(rows.denseSize * width),
      bias: new Float32Array(width),
    };
    solver.finish(weights);
    return new SvmModel([...matrix.candidates], weights);
  }
}
