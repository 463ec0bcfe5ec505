import { type PromptFeatures, type ScoreMatrix } from '../../ml.types';
import { checkCandidates } from './model-spec.reader';
import { type Random, shuffleInPlace } from './seeded-random';

/**
 * Checks what a trainer is given: unique candidate names, one feature row per query, a full
 * score matrix with scores in [0, 1] or NaN, and one dense size throughout.
 * @throws RangeError naming the first problem.
 */
export function checkTrainingInput(
  features: readonly PromptFeatures[],
  matrix: ScoreMatrix,
  minCandidates = 1,
): void {
  // A model trained on names its loader would refuse could never be served.
  checkCandidates(matrix.candidates);
  const candidates = matrix.candidates.length;
  const queries = matrix.queries.length;
  if (candidates < minCandidates) {
    throw new RangeError(`training needs at least ${minCandidates} candidate(s)`);
  }
  if (queries === 0) throw new RangeError('training needs at least one query');
  if (features.length !== queries) {
    throw new RangeError(`${features.length} feature rows for ${queries} queries`);
  }
  if (matrix.scores.length !== queries * candidates) {
    throw new RangeError(
      `score matrix has ${matrix.scores.length} cells, expected ${queries * candidates}`,
    );
  }
  for (let i = 0; i < matrix.scores.length; i++) {
    const score = matrix.scores[i]!;
    if (!Number.isNaN(score) && !(score >= 0 && score <= 1)) {
      throw new RangeError(`score ${i} (${score}) is outside [0, 1]`);
    }
  }
  const denseSize = features[0]!.dense.length;
  features.forEach((feature, q) => {
    if (feature.dense.length !== denseSize) {
      throw new RangeError(
        `query ${q} has ${feature.dense.length} dense features, expected ${denseSize}`,
      );
    }
    if (feature.sparse.values.length !== feature.sparse.indices.length) {
      throw new RangeError(`query ${q} has mismatched sparse indices and values`);
    }
  });
}

/** Splits `0..count` into a shuffled training part and a held-out part (at least one row each). */
export function splitHoldOut(
  count: number,
  fraction: number,
  random: Random,
): { readonly train: Int32Array; readonly validation: Int32Array } {
  const order = shuffleInPlace(
    Int32Array.from({ length: count }, (_, i) => i),
    random,
  );
  const held =
    count < 2 || fraction <= 0 ? 0 : Math.min(count - 1, Math.max(1, Math.round(count * fraction)));
  return { train: order.slice(held), validation: order.slice(0, held) };
}

/** Mean observed score per candidate (0.5 where a candidate has none): the output biases' start. */
export function candidateMeans(matrix: ScoreMatrix): Float64Array {
  const width = matrix.candidates.length;
  const sums = new Float64Array(width);
  const counts = new Float64Array(width);
  for (let i = 0; i < matrix.scores.length; i++) {
    const score = matrix.scores[i]!;
    if (Number.isNaN(score)) continue;
    sums[i % width] = sums[i % width]! + score;
    counts[i % width] = counts[i % width]! + 1;
  }
  return sums.map((sum, c) => (counts[c]! > 0 ? sum / counts[c]! : 0.5));
}

/** Logit of a probability kept away from 0 and 1. */
export function logit(probability: number): number {
  const p = Math.min(1 - 1e-4, Math.max(1e-4, probability));
  return Math.log(p / (1 - p));
}

export function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

/** Masked losses on sigmoid outputs: the gradient with respect to the logit is returned by `lossGradient`. */
export type ScoreLoss = 'bce' | 'mse';

/** Loss of predicting probability `p` for target `y`. */
export function scoreLoss(loss: ScoreLoss, p: number, y: number): number {
  if (loss === 'mse') return (p - y) * (p - y);
  const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
  return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
}

/** d loss / d logit for a sigmoid output `p` and target `y`. */
export function lossGradient(loss: ScoreLoss, p: number, y: number): number {
  return loss === 'mse' ? 2 * (p - y) * p * (1 - p) : p - y;
}
