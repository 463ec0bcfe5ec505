import type { ResolvedDeployment } from '@routeiq/providers';
import type { RoutingContext } from './routing-strategy';

/** A strategy's ranking of one deployment: lower is better. Module-level, so no closure per pick. */
export type DeploymentScore = (deployment: ResolvedDeployment, ctx: RoutingContext) => number;

/** The winner of `pickLowestScore`, with the best score of the group. */
export interface LowestScorePick {
  readonly deployment: ResolvedDeployment;
  readonly score: number;
  readonly best: number;
  /** How many candidates were within reach of the best (the random choice was among them). */
  readonly tied: number;
}

/**
 * Scores of the pick in progress, reused by every pick: a score may read live metrics (usage goes
 * through the store each time), so each candidate is scored once. Safe to share because a pick is
 * synchronous and scores never pick.
 */
let scratch = new Float64Array(16);

/**
 * Picks uniformly among the candidates whose score is at most `best × (1 + slack)` (slack 0: exact
 * ties): one score per candidate, one `ctx.random()` call, no arrays allocated. NaN scores never
 * win; if every score is NaN the pick is uniform rather than an exception.
 */
export function pickLowestScore(
  candidates: readonly ResolvedDeployment[],
  ctx: RoutingContext,
  score: DeploymentScore,
  slack = 0,
): LowestScorePick {
  const n = candidates.length;
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const value = score(candidates[i]!, ctx);
    scratch[i] = value;
    if (value < best) best = value;
  }
  const limit = best === Infinity ? Infinity : best + Math.abs(best) * slack;
  let tied = 0;
  for (let i = 0; i < n; i++) if (scratch[i]! <= limit) tied++;
  if (tied === 0) {
    const deployment = candidates[Math.min(Math.floor(ctx.random() * n), n - 1)]!;
    return { deployment, score: NaN, best, tied: n };
  }
  let target = Math.min(Math.floor(ctx.random() * tied), tied - 1);
  for (let i = 0; i < n; i++) {
    const value = scratch[i]!;
    if (value <= limit && target-- === 0)
      return { deployment: candidates[i]!, score: value, best, tied };
  }
  /* istanbul ignore next: the loop above reaches the target-th of the `tied` candidates */
  throw new Error('pickLowestScore: lost the tied candidates');
}
