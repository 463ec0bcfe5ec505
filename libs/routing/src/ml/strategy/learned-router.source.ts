import type { LoadedRouter } from '../ml.types';

/**
 * Where learned strategies get their router: the artifact of `routing_strategy_args.model_path`,
 * kept loaded (and reloaded) by `MlRoutingService`. Reads are synchronous, from memory.
 */
export interface LearnedRouterSource {
  /** The active router, or undefined when none is loaded. */
  router(): LoadedRouter | undefined;
  /** Why there is no router (never a secret, never file contents). */
  unavailableReason(): string;
}
