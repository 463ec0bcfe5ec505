import type { LoadedRouter } from '../ml.types';
import type { PromptEmbeddings } from './prompt-embeddings';

/**
 * Where learned strategies get their router: the artifact of `routing_strategy_args.model_path`,
 * kept loaded (and reloaded) by `MlRoutingService`. Reads are synchronous, from memory.
 */
export interface LearnedRouterSource {
  /** The active router, or undefined when none is loaded. */
  router(): LoadedRouter | undefined;
  /** Why there is no router (never a secret, never file contents). */
  unavailableReason(): string;
  /**
   * Embeds prompts before routing, for a router whose featurizer is `remote-embedding`; without
   * it such a router cannot decide (the default strategy chooses).
   */
  readonly embeddings?: PromptEmbeddings;
}
