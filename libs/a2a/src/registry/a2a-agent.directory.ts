import type { A2aAgentRecord } from '@routeiq/persistence';

/**
 * The registered agents as this replica knows them right now (loaded from the database at start,
 * kept current by the registry's bus messages). Implemented by the registry.
 */
export abstract class A2aAgentDirectory {
  /** Every registered agent, enabled or not, ordered by id. */
  abstract list(): readonly A2aAgentRecord[];
  abstract get(agentId: string): A2aAgentRecord | undefined;
  /** Called with the ids of agents that were added, changed or removed (on any replica). */
  abstract onChange(listener: (agentIds: readonly string[]) => void): () => void;
}
