import { benchKnnLatency } from './knn-latency.benchmark';
import { syntheticMatrix } from './synthetic-prompts';

const SMALL = { trainQueries: 300, heldOut: 20, passes: 2 };

describe(benchKnnLatency.name, () => {
  it('trains on the asked number of queries and times every held-out prompt per pass', () => {
    const result = benchKnnLatency(undefined, SMALL);
    expect(result).toMatchObject({
      data: 'synthetic prompts',
      train_queries: 300,
      unique_train_queries: 300,
      held_out: 20,
      candidates: 6,
      k: 150,
      samples: 40,
    });
    expect(result.p50_us).toBeGreaterThan(0);
    expect(result.p50_us).toBeLessThanOrEqual(result.p99_us);
    expect(result.p99_us).toBeLessThanOrEqual(result.max_us);
    expect(result.p99_best_us).toBeGreaterThan(0);
    expect(result.p99_best_us).toBeLessThanOrEqual(result.max_us);
    expect(result.artifact_mb).toBeGreaterThan(0);
  });

  it('repeats perturbed real queries when there are fewer than asked, holding some out', () => {
    const result = benchKnnLatency(syntheticMatrix(120, 3), SMALL);
    expect(result).toMatchObject({
      data: 'real prompts',
      train_queries: 300,
      unique_train_queries: 100,
      held_out: 20,
    });
  });
});

describe(syntheticMatrix.name, () => {
  it('is seeded: the same seed gives the same prompts and scores', () => {
    expect(syntheticMatrix(50, 9)).toEqual(syntheticMatrix(50, 9));
    expect(syntheticMatrix(50, 9).queries).not.toEqual(syntheticMatrix(50, 10).queries);
    const { scores } = syntheticMatrix(50, 9);
    expect(scores.every((score) => score === 0 || score === 1)).toBe(true);
  });
});
