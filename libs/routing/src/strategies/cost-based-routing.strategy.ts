import type { ResolvedDeployment } from '@routeiq/providers';
import { pickLowestScore } from './lowest-score.util';
import { type RoutingContext, RoutingStrategy, type StrategyPick } from './routing-strategy';

/**
 * Estimated cost of the request on a deployment, USD: the input plus the output price per token of
 * `model_info`, times the estimated tokens (LiteLLM adds the two prices the same way). A deployment
 * without prices costs 0, as in LiteLLM.
 */
export function estimatedCost(deployment: ResolvedDeployment, ctx: RoutingContext): number {
  const info = deployment.config.modelInfo;
  const perToken = (info.input_cost_per_token ?? 0) + (info.output_cost_per_token ?? 0);
  return perToken * ctx.estimatedTokens;
}

/** `cost-based-routing`: the cheapest candidate by `model_info` prices; ties at random. */
export class CostBasedRoutingStrategy extends RoutingStrategy {
  readonly name = 'cost-based-routing';
  readonly version = '1';

  pick(candidates: readonly ResolvedDeployment[], ctx: RoutingContext): StrategyPick {
    const { deployment, score } = pickLowestScore(candidates, ctx, estimatedCost);
    return {
      deployment,
      reason: `cheapest: $${score.toPrecision(3)} for ~${ctx.estimatedTokens} tokens`,
    };
  }
}
