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
}

export function buildModelGroup(
  name: string,
  deployments: readonly ResolvedDeployment[],
  created: number,
): ModelGroup {
  const byCapability = new Map<ProviderCapability, readonly ResolvedDeployment[]>();
  for (const capability of PROVIDER_CAPABILITIES) {
    byCapability.set(
      capability,
      deployments.filter((deployment) => deployment.adapter.capabilities.has(capability)),
    );
  }
  return { name, deployments, byCapability, created };
}
