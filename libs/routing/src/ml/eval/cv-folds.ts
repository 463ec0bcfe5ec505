import { seededRandom, shuffleInPlace } from '../models/shared/seeded-random';

/**
 * Assigns each of `n` queries to one of `folds` folds: a seeded shuffle, so the same seed always
 * gives the same folds. With `groups`, each group is shuffled and dealt round-robin on its own
 * (stratified), continuing where the previous group stopped, so every fold holds about the same
 * share of every task and the fold sizes differ by at most one.
 * @throws RangeError when `folds` is not an integer in [2, n].
 */
export function foldAssignments(
  n: number,
  folds: number,
  seed: number,
  groups?: readonly string[],
): Int32Array {
  if (!Number.isInteger(folds) || folds < 2 || folds > n) {
    throw new RangeError(`folds must be an integer from 2 to the number of queries (${n})`);
  }
  const random = seededRandom(seed);
  const strata = new Map<string, number[]>();
  for (let q = 0; q < n; q++) {
    const key = groups?.[q] ?? '';
    const members = strata.get(key);
    if (members) members.push(q);
    else strata.set(key, [q]);
  }
  const fold = new Int32Array(n);
  let next = 0;
  for (const key of [...strata.keys()].sort()) {
    const members = shuffleInPlace(Int32Array.from(strata.get(key)!), random);
    for (const q of members) {
      fold[q] = next;
      next = (next + 1) % folds;
    }
  }
  return fold;
}

/** The query indices in fold `k` (test) and in every other fold (train), in query order. */
export function foldSplit(fold: Int32Array, k: number): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  fold.forEach((f, q) => (f === k ? test : train).push(q));
  return { train, test };
}
