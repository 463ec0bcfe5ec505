import { type PromptFeatures, type ScoreMatrix } from '../../../ml.types';
import { gaussian, seededRandom } from '../seeded-random';

/** Features built by hand: indices need not be sorted; values default to an L2-normalised 1s. */
export function featuresOf(
  indices: readonly number[],
  dense: readonly number[] = [],
  values?: readonly number[],
): PromptFeatures {
  const order = indices.map((index, i) => [index, values?.[i] ?? 1] as const);
  order.sort((a, b) => a[0] - b[0]);
  const norm = Math.sqrt(order.reduce((sum, [, value]) => sum + value * value, 0)) || 1;
  return {
    sparse: {
      indices: Uint32Array.from(order, ([index]) => index),
      values: Float32Array.from(order, ([, value]) => value / norm),
    },
    dense: Float32Array.from(dense),
  };
}

export interface SyntheticRouting {
  readonly features: PromptFeatures[];
  readonly matrix: ScoreMatrix;
  /** Task of each query. */
  readonly tasks: Int32Array;
  /** Per task, the candidate that answers it best. */
  readonly best: readonly number[];
}

export const SYNTHETIC_CANDIDATES = ['small', 'medium', 'large'] as const;
const TASKS = 4;
const TOPIC_TERMS = 12;
export const SYNTHETIC_DENSE_SIZE = 3;

/**
 * Prompts of four tasks in the featurizer's 2^18 space: each task has its own topic terms (a
 * prompt uses half of them plus random noise terms) and a best candidate (task t → t mod 3),
 * which answers correctly 90% of the time against 30% for the others. Scores are 0/1 like the
 * benchmarks' exact-match metrics; the dense features are noise. The tasks are the same for
 * every `seed`, so one seed's data can test a model trained on another's.
 */
export function syntheticRouting(queries: number, seed = 7): SyntheticRouting {
  const topicRandom = seededRandom(99);
  const topics = Array.from({ length: TASKS }, () =>
    Array.from({ length: TOPIC_TERMS }, () => Math.floor(topicRandom() * 2 ** 18)),
  );
  const random = seededRandom(seed);
  const term = (): number => Math.floor(random() * 2 ** 18);
  const width = SYNTHETIC_CANDIDATES.length;
  const best = topics.map((_, t) => t % width);
  const tasks = new Int32Array(queries);
  const scores = new Float64Array(queries * width);
  const features = Array.from({ length: queries }, (_, q) => {
    const task = Math.floor(random() * TASKS);
    tasks[q] = task;
    for (let c = 0; c < width; c++) {
      scores[q * width + c] = random() < (c === best[task] ? 0.9 : 0.3) ? 1 : 0;
    }
    const terms = new Set<number>();
    while (terms.size < TOPIC_TERMS / 2)
      terms.add(topics[task]![Math.floor(random() * TOPIC_TERMS)]!);
    for (let i = 0; i < 4; i++) terms.add(term());
    const dense = Array.from({ length: SYNTHETIC_DENSE_SIZE }, () => gaussian(random));
    return featuresOf(
      [...terms],
      dense,
      [...terms].map(() => 0.5 + random()),
    );
  });
  const matrix: ScoreMatrix = {
    queries: features.map((_, q) => `query ${q}`),
    candidates: [...SYNTHETIC_CANDIDATES],
    scores,
  };
  return { features, matrix, tasks, best };
}

/** Share of queries whose highest predicted quality is their task's best candidate. */
export function routingAccuracy(
  predict: (features: PromptFeatures) => Float64Array,
  data: SyntheticRouting,
): number {
  let hits = 0;
  data.features.forEach((features, q) => {
    const predicted = predict(features);
    let top = 0;
    for (let c = 1; c < predicted.length; c++) if (predicted[c]! > predicted[top]!) top = c;
    if (top === data.best[data.tasks[q]!]) hits++;
  });
  return hits / data.features.length;
}

/**
 * The same data where the last candidate's score is known for one query in five only, and is
 * then always 1: a trainer that skips unknown cells rates it highly everywhere; one that read
 * NaN as a low score would not.
 */
export function mostlyUnknownLast(data: SyntheticRouting): ScoreMatrix {
  const width = data.matrix.candidates.length;
  const scores = Float64Array.from(data.matrix.scores);
  for (let q = 0; q < data.features.length; q++) {
    scores[q * width + width - 1] = q % 5 === 0 ? 1 : NaN;
  }
  return { ...data.matrix, scores };
}
