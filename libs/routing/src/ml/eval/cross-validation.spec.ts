import type {
  Featurizer,
  PromptFeatures,
  QualityModel,
  QualityModelTrainer,
  ScoreMatrix,
} from '../ml.types';
import { crossValidate } from './cross-validation';

/** Query `q<i>` → dense [i]; remembers every set of texts it was fitted on. */
function indexFeaturizer(fitted: string[][]): (texts: readonly string[]) => Featurizer {
  return (texts) => {
    fitted.push([...texts]);
    return {
      kind: 'test-index',
      sparseSize: 1,
      denseSize: 1,
      featurize: (text) => ({
        sparse: { indices: new Uint32Array(0), values: new Float32Array(0) },
        dense: Float32Array.of(Number(text.slice(1))),
      }),
      toJSON: () => ({ kind: 'test-index', version: 1 }),
    };
  };
}

/** Predicts each candidate's mean training score; records the queries and options it saw. */
class MeanTrainer implements QualityModelTrainer {
  readonly kind = 'knn' as const;
  readonly seen: { queries: number[]; options: unknown }[] = [];

  train(
    features: readonly PromptFeatures[],
    matrix: ScoreMatrix,
    options?: Record<string, unknown>,
  ): QualityModel {
    this.seen.push({ queries: features.map((f) => f.dense[0]!), options });
    const m = matrix.candidates.length;
    const means = new Float64Array(m);
    for (let i = 0; i < matrix.scores.length; i++)
      means[i % m]! += matrix.scores[i]! / matrix.queries.length;
    return {
      kind: 'knn',
      candidates: matrix.candidates,
      predict: (_features, out = new Float64Array(m)) => {
        out.set(means);
        return out;
      },
      toJSON: () => ({ kind: 'knn' }),
    };
  }
}

const N = 12;
const matrix: ScoreMatrix = {
  queries: Array.from({ length: N }, (_, i) => `q${i}`),
  candidates: ['a', 'b'],
  scores: Float64Array.from({ length: N * 2 }, (_, i) => (i % 2 === 0 ? (i / 2) % 2 : 0.5)),
  groups: Array.from({ length: N }, (_, i) => (i < 6 ? 'x' : 'y')),
};

describe(crossValidate.name, () => {
  it('predicts every query with a model trained and featurized without it', () => {
    const fitted: string[][] = [];
    const trainer = new MeanTrainer();
    const { fold, predicted } = crossValidate(matrix, {
      folds: 3,
      seed: 5,
      fitFeaturizer: indexFeaturizer(fitted),
      trainer,
    });
    expect(fitted).toHaveLength(3);
    expect(trainer.seen).toHaveLength(3);
    for (let k = 0; k < 3; k++) {
      const test = matrix.queries.filter((_, q) => fold[q] === k);
      expect(test).toHaveLength(4);
      for (const text of test) expect(fitted[k]).not.toContain(text);
      expect(trainer.seen[k]!.queries).toEqual(
        matrix.queries.map((_, q) => q).filter((q) => fold[q] !== k),
      );
      expect(trainer.seen[k]!.options).toEqual({ seed: 5 });
    }
    for (let q = 0; q < N; q++) {
      const train = matrix.queries.map((_, i) => i).filter((i) => fold[i] !== fold[q]);
      const meanA = train.reduce((sum, i) => sum + matrix.scores[i * 2]!, 0) / train.length;
      expect(predicted[q * 2]).toBeCloseTo(meanA, 12);
      expect(predicted[q * 2 + 1]).toBeCloseTo(0.5, 12);
    }
  });

  it('is deterministic by seed, stratifies by group, and reports progress to the end', () => {
    const progress: [number, number][] = [];
    const run = (seed: number) =>
      crossValidate(matrix, {
        folds: 2,
        seed,
        fitFeaturizer: indexFeaturizer([]),
        trainer: new MeanTrainer(),
        trainerOptions: { seed: 9, k: 3 },
        progress: (done, total) => progress.push([done, total]),
      });
    const first = run(1);
    const again = progress.length;
    expect(run(1).fold).toEqual(first.fold);
    progress.splice(again);
    expect(first.fold.slice(0, 6).filter((f) => f === 0)).toHaveLength(3);
    expect(progress[progress.length - 1]).toEqual([2000, 2000]);
    expect(progress.every(([done], i) => i === 0 || done >= progress[i - 1]![0])).toBe(true);
  });

  it('passes trainer options through, and refuses bad fold counts', () => {
    const trainer = new MeanTrainer();
    crossValidate(matrix, {
      folds: 2,
      fitFeaturizer: indexFeaturizer([]),
      trainer,
      trainerOptions: { seed: 9, k: 3 },
    });
    expect(trainer.seen[0]!.options).toEqual({ seed: 9, k: 3 });
    expect(() =>
      crossValidate(matrix, { folds: 13, fitFeaturizer: indexFeaturizer([]), trainer }),
    ).toThrow(RangeError);
  });
});
