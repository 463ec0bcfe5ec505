import type { ResolvedDeployment } from '@routeiq/providers';
import { type RoutingContext, RoutingStrategy, type StrategyPick } from './routing-strategy';

/** LiteLLM's weight source order: `weight`, else `rpm`, else `tpm`, else equal. */
export function deploymentWeight(deployment: ResolvedDeployment): number | undefined {
  const params = deployment.config.litellmParams;
  return params.weight ?? params.rpm ?? params.tpm;
}

/**
 * `simple-shuffle`: a weighted random pick. When no candidate declares a weight every candidate is
 * equally likely; a candidate without a weight among weighted ones counts as weight 1.
 */
export class SimpleShuffleStrategy extends RoutingStrategy {
  readonly name = 'simple-shuffle';
  readonly version = '1';

  pick(candidates: readonly ResolvedDeployment[], ctx: RoutingContext): StrategyPick {
    if (candidates.length === 1) return { deployment: candidates[0]!, reason: 'only candidate' };
    // Two passes instead of an array of weights: nothing allocated but the answer.
    let total = 0;
    for (const candidate of candidates) total += weightOf(candidate);
    if (total <= 0) {
      const index = Math.min(Math.floor(ctx.random() * candidates.length), candidates.length - 1);
      return { deployment: candidates[index]!, reason: `random among ${candidates.length}` };
    }
    let threshold = ctx.random() * total;
    // Ends on the last weighted candidate if rounding leaves the threshold at 0: never weight 0.
    let chosen = candidates[0]!;
    for (const candidate of candidates) {
      const weight = weightOf(candidate);
      if (weight === 0) continue;
      chosen = candidate;
      threshold -= weight;
      if (threshold < 0) break;
    }
    return {
      deployment: chosen,
      reason: `weighted shuffle: weight ${weightOf(chosen)} of ${total}`,
    };
  }
}

function weightOf(deployment: ResolvedDeployment): number {
  const weight = deploymentWeight(deployment) ?? 1;
  // A negative weight would skew every other candidate's share; treat it as "never".
  return weight > 0 ? weight : 0;
}
