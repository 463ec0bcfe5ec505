import type { Featurizer, ProgressReporter, QualityModelTrainer, ScoreMatrix } from '../ml.types';
import { foldAssignments, foldSplit } from './cv-folds';
import { subsetMatrix } from './score-matrix.subset';

/** How `crossValidate` trains each fold. */
export interface CrossValidationOptions {
  /** Number of folds (default 5). */
  readonly folds?: number;
  /** Seed of the fold shuffle, and the trainer's `seed` unless its options set one (default 1). */
  readonly seed?: number;
  /** Stratify the folds by `matrix.groups` (default true when the matrix has groups). */
  readonly stratify?: boolean;
  /** Fits a featurizer on one fold's training texts (e.g. `HashedTfidfFeaturizer.fit`). */
  readonly fitFeaturizer: (texts: readonly string[]) => Featurizer;
  readonly trainer: QualityModelTrainer;
  readonly trainerOptions?: Readonly<Record<string, unknown>>;
  /** Progress across all folds (each fold is 1000 units). */
  readonly progress?: ProgressReporter;
}

export interface CrossValidationResult {
  /** Fold of each query. */
  readonly fold: Int32Array;
  /** Out-of-fold predictions, `[q * candidates + c]`: each query predicted by the model that never saw it. */
  readonly predicted: Float64Array;
}

const UNITS = 1000;

/**
 * k-fold cross-validation over the matrix's (already unique) queries: for each fold, fits the
 * featurizer and trains the model on the other folds only, then predicts the fold's queries.
 * @throws RangeError on bad options, or whatever the trainer throws.
 */
export function crossValidate(
  matrix: ScoreMatrix,
  options: CrossValidationOptions,
): CrossValidationResult {
  const folds = options.folds ?? 5;
  const seed = options.seed ?? 1;
  const groups = (options.stratify ?? true) ? matrix.groups : undefined;
  const fold = foldAssignments(matrix.queries.length, folds, seed, groups);
  const m = matrix.candidates.length;
  const predicted = new Float64Array(matrix.queries.length * m);
  const trainerOptions = { seed, ...options.trainerOptions };
  const out = new Float64Array(m);
  for (let k = 0; k < folds; k++) {
    const { train, test } = foldSplit(fold, k);
    const trainMatrix = subsetMatrix(matrix, train);
    const featurizer = options.fitFeaturizer(trainMatrix.queries);
    const features = trainMatrix.queries.map((query) => featurizer.featurize(query));
    const report: ProgressReporter | undefined =
      options.progress &&
      ((done, total) =>
        options.progress!(
          k * UNITS + Math.floor((UNITS * done) / Math.max(total, 1)),
          folds * UNITS,
          `fold ${k + 1}/${folds}`,
        ));
    const model = options.trainer.train(features, trainMatrix, trainerOptions, report);
    for (const q of test) {
      model.predict(featurizer.featurize(matrix.queries[q]!), out);
      predicted.set(out, q * m);
    }
    options.progress?.((k + 1) * UNITS, folds * UNITS, `fold ${k + 1}/${folds}`);
  }
  return { fold, predicted };
}
