import { CostBasedRoutingStrategy } from './cost-based-routing.strategy';
import { LatencyBasedRoutingStrategy } from './latency-based-routing.strategy';
import { LeastBusyStrategy } from './least-busy.strategy';
import type { RoutingStrategy } from './routing-strategy';
import { SimpleShuffleStrategy } from './simple-shuffle.strategy';
import { UsageBasedRoutingStrategy } from './usage-based-routing.strategy';

/**
 * The strategies every gateway has, by `router_settings.routing_strategy` name (LiteLLM's names).
 * One instance each: strategies keep no state, everything they read comes in the context.
 */
export const BUILT_IN_STRATEGIES: readonly RoutingStrategy[] = [
  new SimpleShuffleStrategy(),
  new LeastBusyStrategy(),
  new LatencyBasedRoutingStrategy(),
  new CostBasedRoutingStrategy(),
  new UsageBasedRoutingStrategy(),
];

/** The strategy used when the chosen one fails, and the default of `routing_strategy`. */
export const DEFAULT_STRATEGY_NAME = 'simple-shuffle';
