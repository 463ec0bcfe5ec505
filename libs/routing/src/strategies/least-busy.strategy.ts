import type { ResolvedDeployment } from '@routeiq/providers';
import { pickLowestScore } from './lowest-score.util';
import { type RoutingContext, RoutingStrategy, type StrategyPick } from './routing-strategy';

function inFlight(deployment: ResolvedDeployment, ctx: RoutingContext): number {
  return ctx.metrics.inFlight(deployment.id);
}

/**
 * `least-busy`: the candidate with the fewest requests in flight on this replica (LiteLLM counts
 * per process too); ties are broken at random so idle deployments share the load.
 */
export class LeastBusyStrategy extends RoutingStrategy {
  readonly name = 'least-busy';
  readonly version = '1';

  pick(candidates: readonly ResolvedDeployment[], ctx: RoutingContext): StrategyPick {
    const { deployment, score } = pickLowestScore(candidates, ctx, inFlight);
    return { deployment, reason: `least busy: ${score} in flight` };
  }
}
