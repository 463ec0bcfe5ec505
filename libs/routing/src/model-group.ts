import {
  PROVIDER_CAPABILITIES,
  type ProviderCapability,
  type ResolvedDeployment,
} from '@routeiq/providers';

/**
 * Deployments sharing one `model_name`, with everything a strategy needs precomputed at config
 * load so picking one is a few array reads.
 */
export interface ModelGroup {
  readonly name: string;
  readonly deployments: readonly ResolvedDeployment[];
  /** Per capability, the subset of deployments whose adapter has it (same order). */
  readonly byCapability: ReadonlyMap<ProviderCapability, readonly ResolvedDeployment[]>;
  /** Earliest `created` for /v1/models: the time the group was loaded. */
  readonly created: number;
  /**
   * Set on a router alias (`routing_strategy_args.candidates`): the model groups whose deployments
   * it chooses among.
   */
  readonly candidateGroups?: readonly string[];
}

export function buildModelGroup(
  name: string,
  deployments: readonly ResolvedDeployment[],
  created: number,
  candidateGroups?: readonly string[],
): ModelGroup {
  const byCapability = new Map<ProviderCapability, readonly ResolvedDeployment[]>();
  for (const capability of PROVIDER_CAPABILITIES) {
    byCapability.set(
      capability,
      deployments.filter((deployment) => deployment.adapter.capabilities.has(capability)),
    );
  }
  return { name, deployments, byCapability, created, ...(candidateGroups && { candidateGroups }) };
}

/**
 * A router alias: one synthetic group over the deployments of `candidates` (in their order), so
 * a strategy chooses across model groups. Each deployment keeps its own `modelName`, so health,
 * cooldowns and spend stay with its real group.
 */
export function buildRouterAliasGroup(
  alias: string,
  candidates: readonly string[],
  groups: ReadonlyMap<string, ModelGroup>,
  created: number,
): ModelGroup {
  const deployments = candidates.flatMap((name) => groups.get(name)?.deployments ?? []);
  return buildModelGroup(alias, deployments, created, candidates);
}
