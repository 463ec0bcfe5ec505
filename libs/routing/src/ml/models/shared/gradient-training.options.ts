import { MAX_HASH_BITS, MIN_HASH_BITS } from './feature-rehash';
import { type OptionRules, SEED_RULE } from './trainer-options';
import type { ScoreLoss } from './training-input';

/** Options every mini-batch Adam trainer with early stopping takes (MLP, MF). */
export interface GradientTrainingOptions {
  /** PRNG seed: initial weights, shuffling and the held-out slice. */
  readonly seed: number;
  /** The sparse features are folded into 2^hashBits buckets (artifact size grows with it). */
  readonly hashBits: number;
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
}

export const GRADIENT_TRAINING_RULES: OptionRules<GradientTrainingOptions> = {
  seed: SEED_RULE,
  hashBits: { min: MIN_HASH_BITS, max: MAX_HASH_BITS, integer: true },
  epochs: { min: 1, max: 10_000, integer: true },
  batchSize: { min: 1, max: 65_536, integer: true },
  learningRate: { min: 1e-6, max: 1 },
  weightDecay: { min: 0, max: 100 },
  validationFraction: { min: 0, max: 0.5 },
  patience: { min: 1, max: 1000, integer: true },
  loss: ['bce', 'mse'],
  averageEpochs: { min: 0, max: 1000 },
  initScale: { min: 0, max: 10 },
};
