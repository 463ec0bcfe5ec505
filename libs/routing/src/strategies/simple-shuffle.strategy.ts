import type { ResolvedDeployment } from '@routeiq/providers';
import { RoutingStrategy } from './routing-strategy';

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

  constructor(private readonly random: () => number = Math.random) {
    super();
  }

  pick(candidates: readonly ResolvedDeployment[]): ResolvedDeployment {
    if (candidates.length === 1) return candidates[0]!;
    const weights = candidates.map((candidate) => deploymentWeight(candidate) ?? 1);
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    if (total <= 0) return candidates[Math.floor(this.random() * candidates.length)]!;
    let threshold = this.random() * total;
    for (let i = 0; i < candidates.length; i++) {
      threshold -= weights[i]!;
      if (threshold < 0) return candidates[i]!;
    }
    return candidates[candidates.length - 1]!;
  }
}
