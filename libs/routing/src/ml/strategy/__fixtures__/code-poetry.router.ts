import { HashedTfidfFeaturizer } from '../../featurizer/hashed-tfidf.featurizer';
import type { RouterArtifact, ScoreMatrix } from '../../ml.types';
import { KnnTrainer } from '../../models/knn/knn.trainer';

/**
 * A tiny learned router for tests: "code" prompts score 1 on one candidate, "poetry" prompts on
 * another, everything else 0. Trained with the real featurizer and kNN, so routing by prompt is
 * exercised end to end (featurize → predict → decide).
 */
export const CODE_PROMPTS: readonly string[] = [
  'Write a Python function that sorts a list of integers',
  'Fix the bug in this JavaScript async function that never resolves',
  'Implement a binary search tree in TypeScript with insert and delete',
  'Why does my Rust code fail to compile with a borrow checker error',
  'Write a SQL query that joins orders and customers by customer id',
  'Refactor this Java class to use dependency injection',
  'Explain this stack trace from my Node.js server and how to fix the code',
  'Write unit tests for a Go function that parses JSON',
  'Optimise this Python loop over a numpy array',
  'Write a bash script that renames every file in a directory',
];

export const POETRY_PROMPTS: readonly string[] = [
  'Write a sonnet about the autumn moon over the sea',
  'Compose a haiku about spring rain on cherry blossoms',
  'Write a poem about lost love in the style of a ballad',
  'Compose a short verse about the stars and the silent night',
  'Write a limerick about a cat who loves the moon',
  'Write rhyming poetry about the ocean waves and the wind',
  'Compose an ode to the morning sun and the singing birds',
  'Write a free verse poem about memory and longing',
  'Write a poem with vivid imagery about a winter forest',
  'Compose lyrical stanzas about roses and the summer sky',
];

export const CODE_PROMPT = 'Write a TypeScript function that fixes this bug in my code';
export const POETRY_PROMPT = 'Compose a poem about the moon and the quiet sea';

/** Who wins which kind of prompt; every other candidate scores 0 on both. */
export interface Preferences {
  readonly code: string;
  readonly poetry: string;
}

/** A `routeiq.router.v1` kNN artifact over `candidates`, trained on the prompts above. */
export function codePoetryArtifact(
  candidates: readonly string[],
  prefer: Preferences,
  extra: Partial<Pick<RouterArtifact, 'candidate_costs' | 'threshold' | 'strong' | 'weak'>> = {},
): RouterArtifact {
  const queries = [...CODE_PROMPTS, ...POETRY_PROMPTS];
  const scores = new Float64Array(queries.length * candidates.length);
  queries.forEach((_query, q) => {
    const winner = q < CODE_PROMPTS.length ? prefer.code : prefer.poetry;
    candidates.forEach((name, c) => {
      scores[q * candidates.length + c] = name === winner ? 1 : 0;
    });
  });
  const matrix: ScoreMatrix = { queries, candidates, scores };
  const featurizer = HashedTfidfFeaturizer.fit(queries, { sparseBits: 12 });
  const features = queries.map((query) => featurizer.featurize(query));
  const model = new KnnTrainer().train(features, matrix, { k: 3 });
  return {
    format: 'routeiq.router.v1',
    created_at: '2025-01-01T00:00:00.000Z',
    candidates,
    featurizer: featurizer.toJSON(),
    model: model.toJSON(),
    ...extra,
  };
}
