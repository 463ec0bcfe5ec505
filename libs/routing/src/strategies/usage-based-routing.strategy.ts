import type { ResolvedDeployment } from '@routeiq/providers';
import { pickLowestScore } from './lowest-score.util';
import { type RoutingContext, RoutingStrategy, type StrategyPick } from './routing-strategy';

/**
 * The smallest share left of the deployment's rpm and tpm once this request is counted
 * (1 = untouched, ≤ 0 = over); 1 for a deployment without limits.
 */
export function relativeHeadroom(deployment: ResolvedDeployment, ctx: RoutingContext): number {
  const { rpm, tpm } = deployment.config.litellmParams;
  const usage = ctx.metrics.usage(deployment.id);
  let headroom = 1;
  if (tpm !== undefined) {
    headroom = Math.min(headroom, tpm > 0 ? 1 - (usage.tokens + ctx.estimatedTokens) / tpm : -1);
  }
  if (rpm !== undefined)
    headroom = Math.min(headroom, rpm > 0 ? 1 - (usage.requests + 1) / rpm : -1);
  return headroom;
}

/** Tokens used this minute, all replicas; Infinity when this request would pass rpm or tpm. */
function tokensWithinLimits(deployment: ResolvedDeployment, ctx: RoutingContext): number {
  const { rpm, tpm } = deployment.config.litellmParams;
  const usage = ctx.metrics.usage(deployment.id);
  if (tpm !== undefined && usage.tokens + ctx.estimatedTokens > tpm) return Infinity;
  if (rpm !== undefined && usage.requests + 1 > rpm) return Infinity;
  return usage.tokens;
}

function lackOfHeadroom(deployment: ResolvedDeployment, ctx: RoutingContext): number {
  return -relativeHeadroom(deployment, ctx);
}

/**
 * `usage-based-routing` (LiteLLM's usage-based-routing-v2): the candidate that used the fewest
 * tokens this minute, counted across replicas, among those this request keeps under their rpm and
 * tpm; ties at random. The router already drops over-limit deployments, so the fallback (all over:
 * the most relative headroom) only matters when usage moved in between.
 */
export class UsageBasedRoutingStrategy extends RoutingStrategy {
  readonly name = 'usage-based-routing';
  readonly version = '1';

  pick(candidates: readonly ResolvedDeployment[], ctx: RoutingContext): StrategyPick {
    const fewest = pickLowestScore(candidates, ctx, tokensWithinLimits);
    if (fewest.best !== Infinity) {
      return {
        deployment: fewest.deployment,
        reason: `lowest usage: ${fewest.score} tokens this minute`,
      };
    }
    const { deployment, score } = pickLowestScore(candidates, ctx, lackOfHeadroom);
    return {
      deployment,
      reason: `all over rpm/tpm: most headroom ${Math.round(-score * 100)}%`,
    };
  }
}
